"""Read the JSON protocol (awsJson 1.0/1.1; also the body of rest-json) into model values.

A reader is compiled once per shape: it type-checks what the JSON holds against the shape,
decodes blobs (base64) and timestamps, renames ``jsonName`` members back to model names, and
drops nulls. A wrong type raises ``SerializationException``, as AWS's JSON services do.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson
from botocore.model import OperationModel, Shape

from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.parse.document import Reader, WrongType, compile_reader
from cloudtwin.protocols.aws.shapes import WireValueError, decode_blob, parse_timestamp


def serialization_error(message: str) -> AwsError:
    return AwsError("SerializationException", message)


def _string(v: Any) -> Any:
    if type(v) is not str:
        raise WrongType(v, "String")
    return v


def _integer(v: Any) -> Any:
    if type(v) is int:
        return v
    if type(v) is float and v.is_integer():
        return int(v)
    raise WrongType(v, "Integer")


def _float(v: Any) -> Any:
    if type(v) in (int, float):
        return float(v)
    if type(v) is str and v in ("NaN", "Infinity", "-Infinity"):
        return float(v)
    raise WrongType(v, "Double")


def _boolean(v: Any) -> Any:
    if type(v) is not bool:
        raise WrongType(v, "Boolean")
    return v


def _blob(v: Any) -> Any:
    if type(v) is not str:
        raise WrongType(v, "Blob")
    try:
        return decode_blob(v)
    except WireValueError as exc:
        raise WrongType(v, "Blob") from exc


def _timestamp(v: Any) -> Any:
    if type(v) not in (int, float, str):
        raise WrongType(v, "Timestamp")
    try:
        return parse_timestamp(v)
    except (WireValueError, OverflowError, OSError) as exc:
        raise WrongType(v, "Timestamp") from exc


#: Scalar readers, shared with CBOR (which differs only in blobs and timestamps).
SCALARS: dict[str, Reader] = {
    "string": _string, "integer": _integer, "long": _integer, "float": _float, "double": _float,
    "boolean": _boolean, "blob": _blob, "timestamp": _timestamp,
}


@cache
def reader(shape: Shape) -> Reader:
    return compile_reader(shape, SCALARS)


def read_value(shape: Shape | None, value: Any) -> dict[str, Any]:
    """Model values from an already-decoded JSON object (used by rest-json for its body)."""
    if shape is None:
        return {}
    try:
        out = reader(shape)(value)
    except WrongType as exc:
        raise serialization_error(str(exc)) from None
    except RecursionError:  # nesting far past any service's limit (DynamoDB allows 32 levels)
        raise serialization_error("The document nests too deeply.") from None
    return out if isinstance(out, dict) else {}


def read_document(shape: Shape | None, body: bytes) -> dict[str, Any]:
    """Model values of ``shape`` from a JSON document (rest-json bodies and payloads)."""
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise serialization_error("Start of structure or map found where not expected.") from None
    if type(decoded) is not dict:
        raise serialization_error("Start of structure or map found where not expected.")
    return read_value(shape, decoded)


def parse_body(operation: OperationModel, body: bytes) -> dict[str, Any]:
    """The operation's params from a JSON request body (empty body = no params)."""
    if not body.strip():
        return {}
    return read_document(operation.input_shape, body)
