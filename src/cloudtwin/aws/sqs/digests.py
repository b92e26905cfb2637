"""The MD5 digests SQS answers with and SDKs verify: of the body, of the message attributes
and of the message system attributes.

Attributes are digested as the SQS Developer Guide ("Calculating the MD5 message digest for
message attributes") says: sorted by name, each as length-prefixed (4 bytes, big-endian) UTF-8
name and data type, a transport byte (1 for String and Number, 2 for Binary), then the
length-prefixed value.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping
from typing import Any

_STRING, _BINARY = b"\x01", b"\x02"


def md5_of_body(body: str) -> str:
    return hashlib.md5(body.encode("utf-8")).hexdigest()


def _prefixed(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


def md5_of_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> str:
    digest = hashlib.md5()
    for name in sorted(attributes):
        value = attributes[name]
        data_type = value["DataType"]
        digest.update(_prefixed(name.encode("utf-8")) + _prefixed(data_type.encode("utf-8")))
        if data_type.startswith("Binary"):
            digest.update(_BINARY + _prefixed(bytes(value["BinaryValue"])))
        else:
            digest.update(_STRING + _prefixed(value["StringValue"].encode("utf-8")))
    return digest.hexdigest()
