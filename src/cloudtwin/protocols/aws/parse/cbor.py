"""Read RPC v2 CBOR bodies into model values.

The walk is the JSON one (``parse/document.py``) keyed by member names, as Smithy's
rpcv2Cbor asks; blobs are byte strings and timestamps CBOR tag 1 (epoch seconds), which
cbor2 decodes to datetimes. A body that is not CBOR, or holds the wrong types, raises
``SerializationException``.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

import cbor2
from botocore.model import OperationModel, Shape

from cloudtwin.protocols.aws.parse.document import Reader, WrongType, compile_reader
from cloudtwin.protocols.aws.parse.json import SCALARS, serialization_error
from cloudtwin.protocols.aws.shapes import UTC, as_datetime


def _blob(v: Any) -> bytes:
    if type(v) not in (bytes, bytearray):
        raise WrongType(v, "Blob")
    return bytes(v)


def _timestamp(v: Any) -> datetime:
    if isinstance(v, datetime):
        return v if v.tzinfo else v.replace(tzinfo=UTC)
    if type(v) in (int, float):
        try:
            return as_datetime(v)
        except (OverflowError, OSError, ValueError) as exc:
            raise WrongType(v, "Timestamp") from exc
    raise WrongType(v, "Timestamp")


_SCALARS = {**SCALARS, "blob": _blob, "timestamp": _timestamp}

#: What a hostile body can make cbor2 raise besides its own decode error.
_DECODE_ERRORS = (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, RecursionError, LookupError)


@cache
def reader(shape: Shape) -> Reader:
    return compile_reader(shape, _SCALARS, wire_names=False)


def parse_body(operation: OperationModel, body: bytes) -> dict[str, Any]:
    """The operation's params from a CBOR body (an empty body holds no params)."""
    shape = operation.input_shape
    if not body or shape is None:
        return {}
    try:
        decoded = cbor2.loads(body)
    except _DECODE_ERRORS:
        raise serialization_error("The request body is not valid CBOR.") from None
    try:
        out = reader(shape)(decoded)
    except WrongType as exc:
        raise serialization_error(str(exc)) from None
    except RecursionError:
        raise serialization_error("The document nests too deeply.") from None
    return out if isinstance(out, dict) else {}
