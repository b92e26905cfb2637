"""Identifiers: random ids and tokens (uuid4-shaped, hex, url-safe)."""

from __future__ import annotations

import os


def new_uuid() -> str:
    """A random (version 4) UUID as text; formatted by hand, it is built for every request."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


def new_hex(nbytes: int = 16) -> str:
    return os.urandom(nbytes).hex()
