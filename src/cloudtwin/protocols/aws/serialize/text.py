"""Write a scalar as text (XML bodies, headers): the inverse of ``parse/text.py``."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from functools import lru_cache
from collections.abc import Callable
from typing import Any

from botocore.model import Shape

from cloudtwin.protocols.aws.shapes import encode_blob, format_timestamp, timestamp_format

TextWriter = Callable[[Any], str]


def _boolean(value: Any) -> str:
    return "true" if value else "false"


def _float(value: Any) -> str:
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return repr(number)


def _blob(value: Any) -> str:
    if isinstance(value, str):
        return value
    return encode_blob(bytes(value))


@lru_cache(maxsize=4096)
def _iso_second(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _iso8601(value: Any) -> str:
    """Epoch seconds as ``2026-01-02T03:04:05.678Z``; the whole seconds' text is kept (a listing
    repeats them), the milliseconds rounded as ``datetime.fromtimestamp`` rounds them."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        second = math.floor(value)
        micros = round((value - second) * 1e6)
        if micros >= 1_000_000:
            second, micros = second + 1, micros - 1_000_000
        return f"{_iso_second(second)}.{micros // 1000:03d}Z"
    return str(format_timestamp(value, "iso8601"))


def text_writer(shape: Shape, default_timestamp_format: str = "iso8601") -> TextWriter:
    """How to write ``shape``'s scalar as text; timestamps in the shape's format or the default."""
    kind = shape.type_name
    if kind == "timestamp":
        fmt = timestamp_format(shape, default_timestamp_format)
        if fmt == "iso8601":
            return _iso8601
        return lambda value: str(format_timestamp(value, fmt))
    if kind == "boolean":
        return _boolean
    if kind in ("float", "double"):
        return _float
    if kind == "blob":
        return _blob
    return str
