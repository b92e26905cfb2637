"""HttpRequest and HttpResponse: the values the server hands to protocols and gets back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import BinaryIO
from urllib.parse import parse_qsl, unquote


@dataclass
class HttpRequest:
    method: str
    #: The path as sent, still percent-encoded (SigV4 and S3 keys need it raw).
    raw_path: str
    #: The query string as sent, without the "?".
    query_string: str
    #: Header names in lower case; repeated headers joined with ",".
    headers: dict[str, str]
    body: bytes = b""
    #: Where the bytes came from: (host, port) of the client, when known.
    client: tuple[str, int] | None = None
    #: The body, when the server spooled it to a temp file (a large upload to a face that
    #: streams bodies); ``body`` is then empty.
    body_file: BinaryIO | None = None

    @cached_property
    def path(self) -> str:
        return unquote(self.raw_path)

    @cached_property
    def query(self) -> dict[str, str]:
        """Query parameters (the last one wins when repeated); blank values kept."""
        return dict(parse_qsl(self.query_string, keep_blank_values=True))

    @cached_property
    def query_list(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query_string, keep_blank_values=True)

    @cached_property
    def form_list(self) -> list[tuple[str, str]]:
        """The params of a url-encoded form body; empty for any other body."""
        if not self.content_type.startswith("application/x-www-form-urlencoded"):
            return []
        return parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)

    @property
    def host(self) -> str:
        return self.headers.get("host", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass
class HttpResponse:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    #: A streamed body, for large payloads; when set, ``body`` is ignored.
    stream: AsyncIterator[bytes] | None = None

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None
