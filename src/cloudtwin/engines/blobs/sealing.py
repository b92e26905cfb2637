"""Data keys for blob bodies: made per blob, kept only wrapped (encrypted) beside its metadata.

Three ways to wrap a data key, as the ``Sealing`` mode says:
- "managed": under the engine's master key, a random 32-byte file of the data dir (created
  once, readable by its owner only; in memory when the engine is ephemeral);
- "key": by the key provider the face supplies (a key-management engine), bound to the body's
  place (container, key); the provider may refuse (a disabled or deleted key): its error
  passes through unchanged;
- "customer": under a key the caller sends with every request and the engine never stores;
  only its MD5 is kept, to tell the caller which key it used, and a wrong key fails to unwrap.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.blobs.model import Sealing

_NONCE = 12


#: Where a body belongs: (container, blob key). A key provider binds data keys to it.
Place = tuple[str, str]


class KeyProvider(Protocol):
    def seal(self, scope: Scope, key_ref: str, place: Place) -> tuple[bytes, bytes, str]:
        """(data key, wrapped data key, the key's full reference) for a new body at ``place``."""

    def unseal(self, scope: Scope, key_ref: str, wrapped: bytes, place: Place) -> bytes:
        """The data key ``wrapped`` holds; raises an engine error when the key refuses."""


def _wrap(wrapping_key: AESGCM, data_key: bytes, label: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + wrapping_key.encrypt(nonce, data_key, label)


def _unwrap(wrapping_key: AESGCM, wrapped: bytes, label: bytes) -> bytes:
    return wrapping_key.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], label)


def load_master_key(folder: Path | None) -> bytes:
    if folder is None:
        return os.urandom(32)
    path = folder / "master.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(os.urandom(32))
            out.flush()
            os.fsync(out.fileno())
    return path.read_bytes()


class Sealer:
    """Makes and opens data keys for each sealing mode."""

    def __init__(self, master_key: bytes, provider: KeyProvider | None) -> None:
        self._managed = AESGCM(master_key)  # made once: every managed body wraps its key under it
        self.provider = provider

    def new_key(self, scope: Scope, sealing: Sealing, place: Place) -> tuple[bytes, bytes, str]:
        """(data key, wrapped data key, key reference to store) for a new body."""
        if sealing.mode == "key":
            if self.provider is None:
                raise Invalid("no key provider is configured", kind="key")
            return self.provider.seal(scope, sealing.key_ref, place)
        data_key = os.urandom(32)
        if sealing.mode == "customer":
            return data_key, _wrap(AESGCM(_customer_key(sealing)), data_key, b"customer"), ""
        return data_key, _wrap(self._managed, data_key, b"managed"), ""

    def open_key(self, scope: Scope, mode: str, key_ref: str, wrapped: bytes, sealing: Sealing | None,
                 place: Place) -> bytes:
        if mode == "key":
            if self.provider is None:
                raise Invalid("no key provider is configured", kind="key")
            return self.provider.unseal(scope, key_ref, wrapped, place)
        if mode == "customer":
            if sealing is None or sealing.mode != "customer":
                raise Invalid("The object was stored using a form of encryption that requires a key "
                              "the request did not give", kind="customer-key", name="missing")
            try:
                return _unwrap(AESGCM(_customer_key(sealing)), wrapped, b"customer")
            except InvalidTag:
                raise Invalid("The provided encryption key does not match the one the object was "
                              "stored with", kind="customer-key", name="mismatch") from None
        return _unwrap(self._managed, wrapped, b"managed")


def _customer_key(sealing: Sealing) -> bytes:
    if len(sealing.customer_key) != 32:
        raise Invalid("The secret key was invalid for the specified algorithm.", kind="customer-key",
                      name="invalid")
    return sealing.customer_key


def key_md5(key: bytes) -> bytes:
    return hashlib.md5(key).digest()
