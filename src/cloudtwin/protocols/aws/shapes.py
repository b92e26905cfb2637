"""What every protocol shares about scalar shapes: timestamps and blobs on the wire."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime

from botocore.model import Shape

UTC = timezone.utc


class WireValueError(ValueError):
    """A scalar on the wire is not of its shape's type."""


def decode_blob(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WireValueError("Base64 encoded value is not valid") from exc


def encode_blob(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def parse_timestamp(value: str | int | float) -> datetime:
    """Read any of the three AWS timestamp formats (epoch seconds, ISO 8601, RFC 822)."""
    if isinstance(value, bool):
        raise WireValueError("a timestamp cannot be a boolean")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    text = value.strip()
    try:
        return datetime.fromtimestamp(float(text), UTC)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).astimezone(UTC)
    except (TypeError, ValueError) as exc:
        raise WireValueError(f"invalid timestamp: {text!r}") from exc


def as_datetime(value: datetime | int | float) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(value, UTC)


def format_timestamp(value: datetime | int | float, fmt: str) -> str | float:
    """``fmt`` is "unixTimestamp", "iso8601" or "rfc822"."""
    moment = as_datetime(value)
    if fmt == "unixTimestamp":
        return round(moment.timestamp(), 3)
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    if fmt == "rfc822":
        return format_datetime(moment, usegmt=True)
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"


def timestamp_format(shape: Shape, default: str) -> str:
    return shape.serialization.get("timestampFormat") or shape.metadata.get("timestampFormat") or default
