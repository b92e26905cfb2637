"""multipart/form-data bodies of browser uploads (S3 POST Object): the fields, then the file,
which S3 requires to be the last field and which is streamed, never held whole in memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from cloudtwin.aws.s3.errors import malformed_post
from cloudtwin.protocols.aws.errors import AwsError

CHUNK = 1024 * 1024
_MAX_FIELD = 1024 * 1024


def boundary_of(content_type: str) -> bytes | None:
    kind, _, rest = content_type.partition(";")
    if kind.strip().lower() != "multipart/form-data":
        return None
    for part in rest.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "boundary" and value:
            return value.strip('"').encode("latin-1")
    return None


def _disposition(headers: dict[str, str]) -> tuple[str, str | None]:
    name, filename = "", None
    for part in headers.get("content-disposition", "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key == "name":
            name = value.strip('"')
        elif key == "filename":
            filename = value.strip('"')
    return name, filename


class Form:
    """Reads fields until the file; ``file_chunks`` then streams the file's bytes."""

    def __init__(self, source: BinaryIO, boundary: bytes) -> None:
        self.source = source
        self.delimiter = b"\r\n--" + boundary
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self.file_type = ""
        self._buffer = b""
        first = source.readline(_MAX_FIELD)
        if first.rstrip(b"\r\n") != b"--" + boundary:
            raise malformed_post("The body of your POST request is not well-formed multipart/form-data.")
        self._read_fields()

    def _headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        while True:
            line = self.source.readline(_MAX_FIELD)
            if not line:
                raise malformed_post("The body of your POST request is not well-formed multipart/form-data.")
            if line in (b"\r\n", b"\n"):
                return headers
            name, _, value = line.decode("utf-8", "replace").partition(":")
            headers[name.strip().lower()] = value.strip()

    def _read_fields(self) -> None:
        while True:
            headers = self._headers()
            name, filename = _disposition(headers)
            if name.lower() == "file":
                self.filename, self.file_type = filename or "", headers.get("content-type", "")
                return
            value = self._read_value()
            self.fields[name.lower()] = value

    def _read_value(self) -> str:
        data = b""
        while self.delimiter not in data:
            more = self.source.read(4096)
            if not more or len(data) > _MAX_FIELD:
                raise malformed_post("The body of your POST request is not well-formed multipart/form-data.")
            data += more
        value, _, rest = data.partition(self.delimiter)
        rest = rest[2:] if rest.startswith(b"\r\n") else rest
        if rest.startswith(b"--"):
            raise AwsError("InvalidArgument", "POST requires exactly one file upload per request.",
                           fields={"ArgumentName": "file", "ArgumentValue": "0"})
        self._unread(rest)
        return value.decode("utf-8", "replace")

    def _unread(self, data: bytes) -> None:
        """Put ``data`` back in front of the source (fields are read ahead in blocks)."""
        position = self.source.tell() - len(data)
        self.source.seek(position)

    def file_chunks(self) -> Iterator[bytes]:
        keep = len(self.delimiter)
        pending = b""
        while True:
            more = self.source.read(CHUNK)
            if not more:
                raise malformed_post("The body of your POST request is not well-formed multipart/form-data.")
            pending += more
            end = pending.find(self.delimiter)
            if end >= 0:
                if end:
                    yield pending[:end]
                return
            if len(pending) > keep:
                yield pending[:-keep]
                pending = pending[-keep:]
