"""Identifiers: random ids and tokens (uuid4-shaped, hex, url-safe)."""

from __future__ import annotations

import os


class RequestIds:
    """UUID-shaped request ids: a random prefix per process and a counter, so each costs no
    system call (request ids must be unique, not unguessable)."""

    def __init__(self) -> None:
        h = os.urandom(10).hex()
        self._prefix = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-"
        self._next = int.from_bytes(os.urandom(3), "big") << 24

    def __call__(self) -> str:
        self._next += 1
        return f"{self._prefix}{self._next & 0xFFFFFFFFFFFF:012x}"


def new_uuid() -> str:
    """A random (version 4) UUID as text; formatted by hand, it is built for every request."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


def new_hex(nbytes: int = 16) -> str:
    return os.urandom(nbytes).hex()
