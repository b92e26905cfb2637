"""Ciphertext blobs of symmetric keys: opaque, tamper-evident, bound to their context.

Layout (all of it authenticated)::

    version (1 byte, 0x01) | key id (16 bytes, the key's UUID) | material version (4 bytes,
    big-endian) | nonce (12 bytes) | AES-256-GCM ciphertext | tag (16 bytes)

The header names the key and the material version, so a blob finds its own key (decrypting
without naming the key works, as in AWS KMS) and old versions stay usable after rotation. The
additional authenticated data is the header followed by the encryption context in a canonical
form (pairs sorted by name, each part length-prefixed), so flipping any bit of the blob or
changing the context fails the tag check.
"""

from __future__ import annotations

import os
import struct
import uuid
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = 1
_HEADER = struct.Struct(">B16sI12s")
HEADER_SIZE = _HEADER.size
TAG_SIZE = 16


class Header(NamedTuple):
    key_id: str
    material_version: int
    nonce: bytes


class BadBlob(Exception):
    """Not a blob of ours, or tampered with, or opened with another context."""


def canonical_context(context: dict[str, str] | None) -> bytes:
    parts = []
    for name, value in sorted((context or {}).items()):
        for text in (name, value):
            data = text.encode("utf-8")
            parts.append(struct.pack(">I", len(data)) + data)
    return b"".join(parts)


def read_header(blob: bytes) -> Header:
    if len(blob) < HEADER_SIZE + TAG_SIZE or blob[0] != FORMAT_VERSION:
        raise BadBlob("not a ciphertext blob")
    _, key_bytes, version, nonce = _HEADER.unpack_from(blob)
    return Header(str(uuid.UUID(bytes=key_bytes)), version, nonce)


def seal(secret: bytes, key_id: str, material_version: int, plaintext: bytes,
         context: dict[str, str] | None) -> bytes:
    header = _HEADER.pack(FORMAT_VERSION, uuid.UUID(key_id).bytes, material_version, os.urandom(12))
    nonce = header[-12:]
    return header + AESGCM(secret).encrypt(nonce, plaintext, header + canonical_context(context))


def open_blob(secret: bytes, blob: bytes, context: dict[str, str] | None) -> bytes:
    header = read_header(blob)
    aad = blob[:HEADER_SIZE] + canonical_context(context)
    try:
        return AESGCM(secret).decrypt(header.nonce, blob[HEADER_SIZE:], aad)
    except InvalidTag:
        raise BadBlob("ciphertext does not authenticate") from None
