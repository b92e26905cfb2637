"""Blob bodies, encrypted: written whole or not at all, read back by byte range.

Rules this module keeps:
1. A body up to ``INLINE_MAX`` bytes stays in memory and is stored inline in the metadata
   row (a file per small object costs more than the object). A larger body is written to a
   temp file, fsync'd when the durability asks for it, and renamed into place before the
   caller commits the metadata that names it: a crash never leaves a half-written body
   visible, and a body file the metadata does not name is only garbage.
2. Every byte on disk is ciphertext: AES-256 in counter mode under the blob's data key, with a
   fresh 16-byte counter block per file, so a range read decrypts from any offset.
3. Memory stays constant: bodies move in chunks of ``CHUNK`` bytes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines._kernel.ids import new_hex
from cloudtwin.engines.blobs.model import Digest, Hasher

CHUNK = 1024 * 1024
INLINE_MAX = 64 * 1024
_BLOCK = 16


@dataclass(frozen=True)
class Segment:
    """One piece of a body (the whole body, or one uploaded part): a file, or for a small
    piece its ``inline`` ciphertext (``file_id`` is then empty)."""

    file_id: str
    size: int
    iv: bytes
    inline: bytes | None = None

    def encode(self) -> list[object]:
        return [self.file_id, self.size, self.iv, self.inline]

    @classmethod
    def decode(cls, row: Sequence[object]) -> "Segment":
        inline = row[3] if len(row) > 3 else None
        return cls(str(row[0]), int(row[1]), bytes(row[2]), inline)  # type: ignore[call-overload, arg-type]


@dataclass(frozen=True)
class Written:
    segment: Segment
    md5: str
    digests: dict[str, bytes]


def _check_digests(digests: Sequence[Digest], hashers: Sequence[Hasher]) -> dict[str, bytes]:
    computed = {}
    for digest, hasher in zip(digests, hashers):
        value = hasher.digest()
        expected = digest.expected() if callable(digest.expected) else digest.expected
        if expected is not None and expected != value:
            raise Invalid(f"The {digest.name} you specified did not match the calculated checksum.",
                          kind="digest", name=digest.name)
        computed[digest.name] = value
    return computed


def _cipher(key: bytes, iv: bytes, offset: int = 0) -> Cipher[modes.CTR]:
    counter = (int.from_bytes(iv, "big") + offset // _BLOCK) % (1 << 128)
    return Cipher(algorithms.AES(key), modes.CTR(counter.to_bytes(_BLOCK, "big")))


class BodyStore:
    """Body files under one folder (a temporary one when the engine is ephemeral)."""

    def __init__(self, root: Path | None, durable: bool) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="cloudtwin-blobs-") if root is None else None
        self.root: Path = Path(self._scratch.name) if self._scratch else Path(str(root))
        self.durable = durable
        self.tmp = self.root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        for leftover in self.tmp.iterdir():  # bodies a crash interrupted: never named by metadata
            leftover.unlink(missing_ok=True)

    def path(self, file_id: str) -> str:
        return os.path.join(self.root, file_id[:2], file_id)

    def write(self, chunks: Iterable[bytes], key: bytes, digests: Sequence[Digest]) -> Written:
        """Encrypt ``chunks`` into a new body, checking ``digests`` of the plaintext before the
        body becomes visible (a mismatch raises Invalid and leaves nothing behind)."""
        iv = os.urandom(_BLOCK)
        encryptor = _cipher(key, iv).encryptor()
        md5 = hashlib.md5()
        hashers: list[Hasher] = [md5, *(d.new() for d in digests)]
        pending: list[bytes] = []
        size = 0
        source = iter(chunks)
        for chunk in source:
            for hasher in hashers:
                hasher.update(chunk)
            pending.append(encryptor.update(chunk))
            size += len(chunk)
            if size > INLINE_MAX:
                segment = self._write_file(pending, source, encryptor, hashers, digests, iv, size)
                return Written(segment, md5.hexdigest(), _check_digests(digests, hashers[1:]))
        computed = _check_digests(digests, hashers[1:])
        inline = b"".join(pending) + encryptor.finalize()
        return Written(Segment("", size, iv, inline), md5.hexdigest(), computed)

    def _write_file(self, pending: list[bytes], source: Iterator[bytes], encryptor: CipherContext,
                    hashers: list[Hasher], digests: Sequence[Digest], iv: bytes, size: int) -> Segment:
        file_id = new_hex(16)
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp)
        try:
            with os.fdopen(fd, "wb") as out:
                out.writelines(pending)
                for chunk in source:
                    for hasher in hashers:
                        hasher.update(chunk)
                    out.write(encryptor.update(chunk))
                    size += len(chunk)
                out.write(encryptor.finalize())
                _check_digests(digests, hashers[1:])
                if self.durable:
                    out.flush()
                    os.fsync(out.fileno())
            target = self.path(file_id)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        if self.durable:
            _fsync_dir(os.path.dirname(target))
        return Segment(file_id, size, iv)

    def read(self, segments: Sequence[Segment], key: bytes, start: int, end: int) -> Iterator[bytes]:
        """Plaintext bytes ``start``..``end`` (inclusive) of the body made of ``segments``."""
        base = 0
        for segment in segments:
            lo, hi = max(start - base, 0), min(end - base, segment.size - 1)
            if lo <= hi:
                yield from self._read_segment(segment, key, lo, hi)
            base += segment.size
            if base > end:
                return

    def _read_segment(self, segment: Segment, key: bytes, lo: int, hi: int) -> Iterator[bytes]:
        aligned = lo - lo % _BLOCK
        decryptor = _cipher(key, segment.iv, aligned).decryptor()
        skip, remaining = lo - aligned, hi - aligned + 1
        if segment.inline is not None:
            yield decryptor.update(segment.inline[aligned:hi + 1])[skip:]
            return
        with open(self.path(segment.file_id), "rb") as body:
            body.seek(aligned)
            while remaining > 0:
                data = body.read(min(CHUNK, remaining))
                if not data:
                    raise OSError(f"body file {segment.file_id} is shorter than its metadata says")
                remaining -= len(data)
                plain = decryptor.update(data)
                yield plain[skip:] if skip else plain
                skip = 0

    def remove(self, file_ids: Iterable[str]) -> None:
        for file_id in file_ids:
            if file_id:
                Path(self.path(file_id)).unlink(missing_ok=True)


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
