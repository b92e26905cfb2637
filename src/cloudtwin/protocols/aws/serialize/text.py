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


def _epoch(value: Any) -> tuple[int, int] | None:
    """(whole second, microseconds) of non-negative epoch seconds, rounded as
    ``datetime.fromtimestamp`` rounds them; None for anything else (datetimes, negatives)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        return None
    second = math.floor(value)
    micros = round((value - second) * 1e6)
    return (second + 1, micros - 1_000_000) if micros >= 1_000_000 else (second, micros)


#: Each whole second's text is kept: listings and headers repeat the same few seconds.
@lru_cache(maxsize=4096)
def _iso_second(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")


@lru_cache(maxsize=4096)
def _rfc822_second(second: int) -> str:
    return str(format_timestamp(second, "rfc822"))


def _iso8601(value: Any) -> str:
    """``2026-01-02T03:04:05.678Z``."""
    epoch = _epoch(value)
    if epoch is None:
        return str(format_timestamp(value, "iso8601"))
    return f"{_iso_second(epoch[0])}.{epoch[1] // 1000:03d}Z"


def _rfc822(value: Any) -> str:
    """``Fri, 02 Jan 2026 03:04:05 GMT``."""
    epoch = _epoch(value)
    return str(format_timestamp(value, "rfc822")) if epoch is None else _rfc822_second(epoch[0])


def text_writer(shape: Shape, default_timestamp_format: str = "iso8601") -> TextWriter:
    """How to write ``shape``'s scalar as text; timestamps in the shape's format or the default."""
    kind = shape.type_name
    if kind == "timestamp":
        fmt = timestamp_format(shape, default_timestamp_format)
        if fmt in ("iso8601", "rfc822"):
            return _iso8601 if fmt == "iso8601" else _rfc822
        return lambda value: str(format_timestamp(value, fmt))
    if kind == "boolean":
        return _boolean
    if kind in ("float", "double"):
        return _float
    if kind == "blob":
        return _blob
    return str
