"""Identifiers: random ids and tokens (uuid4-shaped, hex, url-safe)."""

from __future__ import annotations

import os
import uuid


def new_uuid() -> str:
    return str(uuid.UUID(bytes=os.urandom(16), version=4))


def new_hex(nbytes: int = 16) -> str:
    return os.urandom(nbytes).hex()
