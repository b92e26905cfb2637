"""Read the JSON protocol (awsJson 1.0/1.1; also the body of rest-json) into model values.

A reader is compiled once per shape: it type-checks what the JSON holds against the shape,
decodes blobs (base64) and timestamps, renames ``jsonName`` members back to model names, and
drops nulls. A wrong type raises ``SerializationException``, as AWS's JSON services do.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import orjson
from botocore.model import OperationModel, Shape

from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.shapes import WireValueError, decode_blob, parse_timestamp

Reader = Callable[[Any], Any]

_JSON_TYPE_NAMES = {str: "STRING_VALUE", int: "NUMBER_VALUE", float: "NUMBER_VALUE", bool: "BOOLEAN_VALUE",
                    list: "START_ARRAY", dict: "START_OBJECT"}


class _WrongType(Exception):
    def __init__(self, value: Any, target: str) -> None:
        super().__init__(f"{_JSON_TYPE_NAMES.get(type(value), 'VALUE')} cannot be converted to {target}")


def serialization_error(message: str) -> AwsError:
    return AwsError("SerializationException", message)


def _string(v: Any) -> Any:
    if type(v) is not str:
        raise _WrongType(v, "String")
    return v


def _integer(v: Any) -> Any:
    if type(v) is int:
        return v
    if type(v) is float and v.is_integer():
        return int(v)
    raise _WrongType(v, "Integer")


def _float(v: Any) -> Any:
    if type(v) in (int, float):
        return float(v)
    if type(v) is str and v in ("NaN", "Infinity", "-Infinity"):
        return float(v)
    raise _WrongType(v, "Double")


def _boolean(v: Any) -> Any:
    if type(v) is not bool:
        raise _WrongType(v, "Boolean")
    return v


def _blob(v: Any) -> Any:
    if type(v) is not str:
        raise _WrongType(v, "Blob")
    try:
        return decode_blob(v)
    except WireValueError as exc:
        raise _WrongType(v, "Blob") from exc


def _timestamp(v: Any) -> Any:
    if type(v) not in (int, float, str):
        raise _WrongType(v, "Timestamp")
    try:
        return parse_timestamp(v)
    except (WireValueError, OverflowError, OSError) as exc:
        raise _WrongType(v, "Timestamp") from exc


def _document(v: Any) -> Any:
    return v


_SCALARS: dict[str, Reader] = {
    "string": _string, "integer": _integer, "long": _integer, "float": _float, "double": _float,
    "boolean": _boolean, "blob": _blob, "timestamp": _timestamp,
}


@cache
def reader(shape: Shape) -> Reader:
    return _build(shape, {})


def _build(shape: Shape, building: dict[str, Reader]) -> Reader:
    if shape.name in building:
        return building[shape.name]
    if shape.type_name == "structure":
        if shape.metadata.get("document"):
            return _document
        return _structure(shape, building)
    if shape.type_name == "list":
        return _list(shape, building)
    if shape.type_name == "map":
        return _map(shape, building)
    return _SCALARS.get(shape.type_name, _document)


def _structure(shape: Shape, building: dict[str, Reader]) -> Reader:
    members: dict[str, tuple[str, Reader]] = {}
    union = bool(shape.metadata.get("union"))

    def read(v: Any) -> Any:
        if type(v) is not dict:
            raise _WrongType(v, "Structure")
        out = {}
        for key, value in v.items():
            member = members.get(key)
            if member is not None and value is not None:
                out[member[0]] = member[1](value)
        if union and len(out) > 1:
            raise _WrongType(v, "Union with exactly one member")
        return out

    building[shape.name] = read
    for name, member in shape.members.items():
        wire_name = member.serialization.get("name", name)
        members[wire_name] = (name, _build(member, building))
    return read


def _list(shape: Shape, building: dict[str, Reader]) -> Reader:
    item = _build(shape.member, building)

    def read(v: Any) -> Any:
        if type(v) is not list:
            raise _WrongType(v, "List")
        return [item(e) for e in v if e is not None]

    return read


def _map(shape: Shape, building: dict[str, Reader]) -> Reader:
    value_reader = _build(shape.value, building)

    def read(v: Any) -> Any:
        if type(v) is not dict:
            raise _WrongType(v, "Map")
        return {k: value_reader(e) for k, e in v.items() if e is not None}

    return read


def read_value(shape: Shape | None, value: Any) -> dict[str, Any]:
    """Model values from an already-decoded JSON object (used by rest-json for its body)."""
    if shape is None:
        return {}
    try:
        out = reader(shape)(value)
    except _WrongType as exc:
        raise serialization_error(str(exc)) from None
    return out if isinstance(out, dict) else {}


def parse_body(operation: OperationModel, body: bytes) -> dict[str, Any]:
    """The operation's params from a JSON request body (empty body = no params)."""
    if not body.strip():
        return {}
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise serialization_error("Start of structure or map found where not expected.") from None
    if type(decoded) is not dict:
        raise serialization_error("Start of structure or map found where not expected.")
    return read_value(operation.input_shape, decoded)
