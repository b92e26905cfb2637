"""The checksums S3 accepts for objects: CRC32, CRC32C, CRC64NVME, SHA1, SHA256 (and MD5).

CRC32, SHA1, SHA256 and MD5 come from the standard library; CRC32C and CRC64NVME have no
well-kept pure-Python package, so they are table-driven here (botocore computes them only when
``awscrt`` is installed). Values travel base64-encoded, big-endian, in ``x-amz-checksum-*``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable
from functools import cache

from cloudtwin.engines.blobs import Digest
from cloudtwin.engines.blobs.model import Hasher
from cloudtwin.protocols.aws.errors import AwsError


class _Crc32:
    size = 4

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: bytes) -> None:
        self.value = zlib.crc32(data, self.value)

    def digest(self) -> bytes:
        return self.value.to_bytes(self.size, "big")


@cache
def _table(poly: int) -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


class _ReflectedCrc:
    """A reflected CRC with all-ones init and final xor (CRC32C's and CRC64NVME's family)."""

    poly = 0
    size = 4

    def __init__(self) -> None:
        self.mask = (1 << (8 * self.size)) - 1
        self.value = self.mask
        self.table = _table(self.poly)

    def update(self, data: bytes) -> None:
        crc, table = self.value, self.table
        for byte in data:
            crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
        self.value = crc

    def digest(self) -> bytes:
        return (self.value ^ self.mask).to_bytes(self.size, "big")


class _Crc32c(_ReflectedCrc):
    poly = 0x82F63B78


class _Crc64Nvme(_ReflectedCrc):
    poly = 0x9A6C9329AC4BC9B5
    size = 8


#: Algorithm (as in ChecksumAlgorithm and the x-amz-checksum-* header names) -> hasher.
ALGORITHMS: dict[str, Callable[[], Hasher]] = {
    "CRC32": _Crc32,
    "CRC32C": _Crc32c,
    "CRC64NVME": _Crc64Nvme,
    "SHA1": hashlib.sha1,
    "SHA256": hashlib.sha256,
}
#: Output member names, as in GetObject's ChecksumCRC32 ...
MEMBERS = {name: f"Checksum{name}" for name in ALGORITHMS}


def decode_b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise AwsError("InvalidDigest", f"The {what} you specified was invalid.") from None


def header_digests(headers: dict[str, str], trailers: Callable[[], dict[str, str]] | None) -> list[Digest]:
    """The digests a request promises (Content-MD5, x-amz-checksum-*, a trailing checksum) or
    asks to have computed (x-amz-sdk-checksum-algorithm)."""
    digests = []
    if "content-md5" in headers:
        digests.append(Digest("MD5", hashlib.md5, decode_b64(headers["content-md5"], "Content-MD5")))
    trailer = headers.get("x-amz-trailer", "").strip().lower()
    for name, new in ALGORITHMS.items():
        header = f"x-amz-checksum-{name.lower()}"
        if header in headers:
            digests.append(Digest(name, new, decode_b64(headers[header], name)))
        elif trailer == header and trailers is not None:
            digests.append(Digest(name, new, _trailing(trailers, header, name)))
        elif headers.get("x-amz-sdk-checksum-algorithm", "").upper() == name:
            digests.append(Digest(name, new))
    return digests


def _trailing(trailers: Callable[[], dict[str, str]], header: str, name: str) -> Callable[[], bytes | None]:
    def expected() -> bytes | None:
        value = trailers().get(header)
        return decode_b64(value, name) if value else None

    return expected


def checksum_members(digests: dict[str, bytes], parts: int = 0) -> dict[str, str]:
    """Output members (ChecksumCRC32 ...) for a stored blob's digests; for a blob of ``parts``
    parts the digests hold the parts' digests end to end, answered as their composite "-N"."""
    out = {}
    for name, raw in digests.items():
        if name in MEMBERS and raw:
            value = base64.b64encode(composite(name, raw) if parts else raw).decode()
            out[MEMBERS[name]] = f"{value}-{parts}" if parts else value
    return out


def composite(name: str, joined: bytes) -> bytes:
    """The checksum of the parts' checksums (S3's composite checksum of a multipart upload)."""
    hasher = ALGORITHMS[name]()
    hasher.update(joined)
    return hasher.digest()
