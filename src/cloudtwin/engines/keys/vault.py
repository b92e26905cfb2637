"""The vault: key material at rest, sealed under the data dir's master key.

The master key is 32 random bytes in ``<data_dir>/keys/master.key`` (mode 0600), created on
first start; in ephemeral mode it lives in memory only. Every material version is stored as
nonce | AES-256-GCM(master, material, aad = key id | version), so a stored row cannot be
moved to another key or version, and nothing under the data dir holds material in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MASTER_FILE = "master.key"
MASTER_BYTES = 32


def load_master_key(folder: Path | None) -> bytes:
    """The master key in ``folder`` (created with 0600 permissions), or a fresh one in memory."""
    if folder is None:
        return os.urandom(MASTER_BYTES)
    path = folder / MASTER_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        master = path.read_bytes()
        if len(master) != MASTER_BYTES:
            raise RuntimeError(f"{path} is damaged: expected {MASTER_BYTES} bytes") from None
        return master
    master = os.urandom(MASTER_BYTES)
    try:
        os.write(fd, master)
        os.fsync(fd)
    finally:
        os.close(fd)
    return master


class Vault:
    def __init__(self, master: bytes) -> None:
        self._aead = AESGCM(master)
        self._master = master

    def fingerprint(self, material: bytes) -> bytes:
        """A keyed digest of material: equal for equal material, and of no use without the master key."""
        return hmac.new(self._master, b"fingerprint:" + material, hashlib.sha256).digest()

    @staticmethod
    def _aad(key_id: str, version: int) -> bytes:
        return key_id.encode("ascii") + struct.pack(">I", version)

    def wrap(self, key_id: str, version: int, material: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, material, self._aad(key_id, version))

    def unwrap(self, key_id: str, version: int, wrapped: bytes) -> bytes:
        try:
            return self._aead.decrypt(wrapped[:12], wrapped[12:], self._aad(key_id, version))
        except InvalidTag:
            raise RuntimeError(f"key material {key_id}/{version} does not open with this data dir's "
                               f"master key") from None
