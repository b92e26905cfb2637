"""Exchange: one request's body coming in (streamed, de-chunked, with its promised digests)
and the body going out (a stream of chunks), beside the params the protocol parsed.

Object bodies never pass through the params: the protocol layer reads payloads as bytes,
while S3 bodies may be gigabytes spooled to a file by the server.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, BinaryIO

from cloudtwin.aws.s3.checksums import header_digests
from cloudtwin.aws.s3.chunked import ChunkedBody, is_chunked
from cloudtwin.engines.blobs import Digest, Written
from cloudtwin.protocols.http import HttpRequest

CHUNK = 1024 * 1024
_UNSIGNED = ("UNSIGNED-PAYLOAD", "")


class Exchange:
    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.out: Iterator[bytes] | None = None
        self.out_length = 0
        #: A status other than the operation's usual one (206 for a range, 202 for a restore started).
        self.status: int | None = None
        self._chunked: ChunkedBody | None = None

    def source(self) -> BinaryIO:
        request = self.request
        if request.body_file is not None:
            request.body_file.seek(0)
            return request.body_file
        return io.BytesIO(request.body)

    def chunks(self) -> Iterator[bytes]:
        """The request's body, decoded from aws-chunked when it is, in pieces of bounded size."""
        headers = self.request.headers
        if is_chunked(headers):
            decoded = headers.get("x-amz-decoded-content-length")
            self._chunked = ChunkedBody(self.source(), int(decoded) if decoded and decoded.isdigit() else None)
            return iter(self._chunked)
        if self.request.body_file is None:
            return iter([self.request.body] if self.request.body else [])
        return iter(lambda: self.request.body_file.read(CHUNK), b"")  # type: ignore[union-attr]

    def digests(self) -> list[Digest]:
        """What the request promised about its body (Content-MD5, checksums, payload hash)."""
        headers = self.request.headers
        found = header_digests(headers, self._trailers if is_chunked(headers) else None)
        payload_hash = headers.get("x-amz-content-sha256", "")
        if payload_hash not in _UNSIGNED and not payload_hash.startswith("STREAMING-"):
            try:
                expected = bytes.fromhex(payload_hash)
            except ValueError:
                expected = b"not hex"
            found.append(Digest("CONTENT-SHA256", hashlib.sha256, expected))
        return found

    def _trailers(self) -> dict[str, str]:
        return self._chunked.trailers if self._chunked else {}

    def store(self, write: Callable[[Iterator[bytes], list[Digest]], Written],
              finish: Callable[[Written], dict[str, Any]]) -> dict[str, Any] | Awaitable[dict[str, Any]]:
        """Write the request's body with ``write``, then answer ``finish(written)``. A spooled
        (large) body is written in a worker thread, so the server serves others meanwhile; the
        answer is then an awaitable, which the runner awaits."""
        if self.request.body_file is None:
            return finish(write(self.chunks(), self.digests()))
        return self._store_in_thread(write, finish)

    async def _store_in_thread(self, write: Callable[[Iterator[bytes], list[Digest]], Written],
                               finish: Callable[[Written], dict[str, Any]]) -> dict[str, Any]:
        written = await asyncio.to_thread(write, self.chunks(), self.digests())
        return finish(written)

    def send(self, chunks: Iterator[bytes], length: int) -> None:
        """Answer with ``length`` bytes streamed from ``chunks``."""
        self.out, self.out_length = chunks, length

    async def stream(self) -> AsyncIterator[bytes]:
        for chunk in self.out or ():
            yield chunk
