"""ASGI scope and body <-> HttpRequest / HttpResponse.

A request is read in two steps so the router can see it before its body arrives: the head
(method, path, headers), then the body. A face that streams bodies (S3) gets bodies over
``SPOOL_OVER`` bytes spooled to a temp file as they arrive, so a 5 GiB upload costs constant
memory; every other face gets its body in memory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Awaitable, Callable

from cloudtwin.protocols.http import HttpRequest, HttpResponse

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

SPOOL_OVER = 1024 * 1024
#: The largest body held in memory (faces that stream bodies spool them instead). AWS's JSON and
#: query services take far less (DynamoDB's largest request is 16 MB).
MAX_BODY = 64 * 1024 * 1024


class ClientGone(Exception):
    """The client went away before its whole body arrived: nothing of it may be acted on."""


class BodyTooLarge(Exception):
    """A body that is not spooled grew past the limit; it was read to its end and dropped."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"The request body of {size} bytes exceeds the maximum of {limit} bytes")
        self.size = size
        self.limit = limit


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Header names (lower case, as ASGI servers give them) -> values; repeats joined by ","."""
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in raw}
    if len(headers) != len(raw):
        headers = {}
        for raw_name, raw_value in raw:
            name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
            headers[name] = f"{headers[name]},{value}" if name in headers else value
    return headers


def request_head(scope: dict[str, Any]) -> HttpRequest:
    headers = _headers(scope["headers"])
    raw_path = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else scope["path"]
    client = scope.get("client")
    return HttpRequest(
        method=scope["method"],
        raw_path=path.split("?", 1)[0],
        query_string=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        client=tuple(client) if client else None,
    )


async def read_body(request: HttpRequest, receive: Receive, spool_dir: Path | None = None,
                    spool: bool = False, limit: int = MAX_BODY) -> None:
    """Fill ``request.body``; with ``spool``, a body over SPOOL_OVER goes to ``request.body_file``.

    A body held in memory may not pass ``limit``: the rest is read and dropped, then
    BodyTooLarge is raised, so memory stays bounded whatever a client sends."""
    chunks: list[bytes] = []
    size = 0
    spooled = None
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            if spooled is not None:
                spooled.close()
            raise ClientGone()
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if spooled is not None:
                spooled.write(chunk)
            elif spool and size > SPOOL_OVER:
                spooled = tempfile.TemporaryFile(dir=spool_dir)
                spooled.writelines(chunks)
                spooled.write(chunk)
                chunks = []
            elif size > limit:
                chunks = []
            else:
                chunks.append(chunk)
        if not message.get("more_body", False):
            break
    if spooled is not None:
        spooled.seek(0)
        request.body_file = spooled
    elif size > limit:
        raise BodyTooLarge(size, limit)
    else:
        request.body = b"".join(chunks) if len(chunks) != 1 else chunks[0]


async def write_response(response: HttpResponse, send: Send, head_only: bool = False) -> None:
    headers = [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in response.headers]
    if response.stream is None and not any(k == b"content-length" for k, _ in headers):
        headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    if head_only:
        await send({"type": "http.response.body", "body": b""})
        return
    if response.stream is None:
        await send({"type": "http.response.body", "body": response.body})
        return
    async for chunk in response.stream:
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})
