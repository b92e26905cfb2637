"""Write model values as RPC v2 CBOR: maps keyed by member names, blobs as byte strings,
timestamps as tag 1 epoch seconds (cbor2 does all three from the face's dict as it is)."""

from __future__ import annotations

from typing import Any

import cbor2

from cloudtwin.protocols.aws.shapes import UTC


def _default(encoder: cbor2.CBOREncoder, value: Any) -> None:
    if isinstance(value, (set, frozenset, tuple)):
        encoder.encode(list(value))
        return
    raise TypeError(f"cannot serialize {type(value).__name__}")


def dumps(value: Any) -> bytes:
    return cbor2.dumps(value, datetime_as_timestamp=True, timezone=UTC, default=_default)
