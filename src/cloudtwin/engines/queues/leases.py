"""Lease tokens: what a receiver holds to settle a message (SQS receipt handle, lock token).

A token names (queue, message row, lease nonce) and carries a MAC (keyed BLAKE2b) under a key
kept in the engine's database, so tokens survive a restart, and a forged token, a token of another queue
or one whose lease was superseded is recognised as such without a lookup table.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
from itertools import count
from typing import NamedTuple

from cloudtwin.engines._kernel.errors import Invalid

_LAYOUT = struct.Struct(">QQQ")
_MAC_BYTES = 16


class Lease(NamedTuple):
    queue: int
    row: int
    nonce: int


class LeaseSigner:
    def __init__(self, key: bytes) -> None:
        self.key = key
        # nonces only need to differ between leases of one message: a counter from a random start
        self._nonces = count(int.from_bytes(os.urandom(6), "big") << 8)

    def nonce(self) -> int:
        return next(self._nonces)

    def _mac(self, payload: bytes) -> bytes:
        return hashlib.blake2b(payload, key=self.key, digest_size=_MAC_BYTES).digest()

    def token(self, lease: Lease) -> str:
        payload = _LAYOUT.pack(*lease)
        return base64.urlsafe_b64encode(payload + self._mac(payload)).decode("ascii").rstrip("=")

    def read(self, token: str) -> Lease:
        """The lease a token names; Invalid(kind="token") when it is not one of ours."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (ValueError, UnicodeEncodeError):
            raw = b""
        payload, mac = raw[: _LAYOUT.size], raw[_LAYOUT.size:]
        if len(payload) != _LAYOUT.size or not hmac.compare_digest(mac, self._mac(payload)):
            raise Invalid("not a lease token of this engine", kind="token", name=token)
        return Lease(*_LAYOUT.unpack(payload))
