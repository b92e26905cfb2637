"""Write model values as the JSON protocol's response and error bodies.

Faces return dicts keyed by model member names holding str, numbers, bools, bytes and
datetimes. Most shapes need no walk at all: orjson writes the dict, turning bytes into
base64 and datetimes into epoch seconds through its ``default`` hook. Only shapes with
``jsonName`` renames or non-epoch timestamp formats below them are walked, by a writer
compiled once per shape.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

import orjson
from botocore.model import NoShapeFoundError, ServiceModel, Shape

from cloudtwin.protocols.aws.error_shapes import fault, legacy_code
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.shapes import encode_blob, format_timestamp, timestamp_format

Writer = Callable[[Any], Any]
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return encode_blob(bytes(value))
    if isinstance(value, datetime):
        return round(value.timestamp(), 3)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot serialize {type(value).__name__}")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default, option=_OPTIONS)


@cache
def _needs_walk(shape: Shape) -> bool:
    return _walk_needed(shape, set())


def _walk_needed(shape: Shape, seen: set[str]) -> bool:
    if shape.name in seen:
        return False
    seen.add(shape.name)
    if shape.type_name == "timestamp":
        return timestamp_format(shape, "unixTimestamp") != "unixTimestamp"
    if shape.type_name == "structure":
        return any(
            member.serialization.get("name", name) != name or _walk_needed(member, seen)
            for name, member in shape.members.items()
        )
    if shape.type_name == "list":
        return _walk_needed(shape.member, seen)
    if shape.type_name == "map":
        return _walk_needed(shape.value, seen)
    return False


@cache
def writer(shape: Shape) -> Writer:
    return _build(shape, {})


def _identity(v: Any) -> Any:
    return v


def _build(shape: Shape, building: dict[str, Writer]) -> Writer:
    if shape.name in building:
        return building[shape.name]
    kind = shape.type_name
    if kind == "timestamp":
        fmt = timestamp_format(shape, "unixTimestamp")
        return lambda v: format_timestamp(v, fmt)
    if kind == "blob":
        return lambda v: encode_blob(bytes(v)) if isinstance(v, (bytes, bytearray)) else v
    if kind == "structure" and not shape.metadata.get("document"):
        members: list[tuple[str, str, Writer]] = []

        def write(v: dict[str, Any]) -> dict[str, Any]:
            return {wire: w(v[name]) for name, wire, w in members if v.get(name) is not None}

        building[shape.name] = write
        for name, member in shape.members.items():
            members.append((name, member.serialization.get("name", name), _build(member, building)))
        return write
    if kind == "list":
        item = _build(shape.member, building)
        return lambda v: [item(e) for e in v]
    if kind == "map":
        value = _build(shape.value, building)
        return lambda v: {k: value(e) for k, e in v.items()}
    return _identity


def to_wire(shape: Shape | None, value: dict[str, Any]) -> Any:
    """``value`` ready for orjson: renamed and formatted where the shape asks for it."""
    if shape is None:
        return {}
    if _needs_walk(shape):
        return writer(shape)(value)
    return value


def error_body(service: ServiceModel, error: AwsError) -> dict[str, Any]:
    body: dict[str, Any] = {"__type": f"com.amazonaws.{service.endpoint_prefix}#{error.code}"}
    message_key = "message"
    try:
        if "Message" in service.shape_for(error.code).members:
            message_key = "Message"
    except NoShapeFoundError:  # a common error, not one of the model's shapes
        pass
    body[message_key] = error.message
    body.update(error.fields)
    return body


def query_error_header(service: ServiceModel, error: AwsError) -> str | None:
    """``x-amzn-query-error`` for awsQueryCompatible services: the legacy code and fault."""
    if "awsQueryCompatible" not in service.metadata:
        return None
    return f"{legacy_code(service, error)};{fault(error)}"
