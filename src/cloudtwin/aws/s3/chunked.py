"""aws-chunked bodies: STREAMING-(UNSIGNED-PAYLOAD|AWS4-HMAC-SHA256-PAYLOAD)(-TRAILER).

Format: ``<hex size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n`` repeated, a zero-size chunk,
then trailer lines ``name:value\\r\\n`` (checksums, ``x-amz-trailer-signature``) and a blank
line. The decoder yields the data as it reads and keeps the trailers for the checksums that
follow them. A body that ends early is S3's IncompleteBody; chunk signatures are read, not
verified (cloudtwin does not enforce SigV4 on header-signed requests).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from cloudtwin.protocols.aws.errors import AwsError

_MAX_LINE = 4096


def is_chunked(headers: dict[str, str]) -> bool:
    return headers.get("x-amz-content-sha256", "").startswith("STREAMING-") or "aws-chunked" in headers.get(
        "content-encoding", "")


def _incomplete() -> AwsError:
    return AwsError("IncompleteBody", "The request body terminated unexpectedly")


class ChunkedBody:
    """Iterate the decoded data of an aws-chunked body; ``trailers`` is filled at its end."""

    def __init__(self, source: BinaryIO, expected_size: int | None) -> None:
        self.source = source
        self.expected_size = expected_size
        self.trailers: dict[str, str] = {}

    def _line(self) -> bytes:
        line = self.source.readline(_MAX_LINE)
        if not line.endswith(b"\r\n"):
            raise _incomplete()
        return line[:-2]

    def __iter__(self) -> Iterator[bytes]:
        total = 0
        while True:
            header = self._line().split(b";", 1)[0].strip()
            try:
                size = int(header, 16)
            except ValueError:
                raise _incomplete() from None
            if size == 0:
                break
            data = self.source.read(size)
            if len(data) != size or self.source.read(2) != b"\r\n":
                raise _incomplete()
            total += size
            yield data
        self._read_trailers()
        if self.expected_size is not None and total != self.expected_size:
            raise _incomplete()

    def _read_trailers(self) -> None:
        while True:
            line = self.source.readline(_MAX_LINE)
            if line in (b"\r\n", b"\n", b""):
                return
            name, _, value = line.decode("latin-1").strip().partition(":")
            self.trailers[name.strip().lower()] = value.strip()
