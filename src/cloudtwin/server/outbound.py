"""Outbound HTTP: POST a body to a subscriber's URL from the event loop, never blocking it.

asyncio streams carry the bytes and h11 frames them (both ship with the server already).
HTTPS certificates are not verified: the endpoints cloudtwin calls are the user's local test
servers, usually with self-signed certificates. Redirects are not followed.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import h11

TIMEOUT = 15.0


@cache
def _insecure_tls() -> Any:
    """The TLS context for HTTPS endpoints (certificates not verified), made on first use:
    ``ssl`` costs start-up time that most runs never need."""
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def post(url: str, headers: list[tuple[str, str]], body: bytes, timeout: float = TIMEOUT) -> int:
    """The status of POSTing ``body`` to ``url``; raises OSError/TimeoutError when unreachable."""
    return await asyncio.wait_for(_post(url, headers, body), timeout)


async def _post(url: str, headers: list[tuple[str, str]], body: bytes) -> int:
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    reader, writer = await asyncio.open_connection(parts.hostname, port, ssl=_insecure_tls() if secure else None)
    try:
        conn = h11.Connection(h11.CLIENT)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host = parts.netloc.rsplit("@", 1)[-1]
        request = h11.Request(method="POST", target=target, headers=[
            ("host", host), ("content-length", str(len(body))), ("connection", "close"), *headers])
        writer.write(conn.send(request) + conn.send(h11.Data(data=body)) + conn.send(h11.EndOfMessage()))
        await writer.drain()
        return await _status(conn, reader)
    finally:
        writer.close()


async def _status(conn: h11.Connection, reader: asyncio.StreamReader) -> int:
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            data = await reader.read(65536)
            conn.receive_data(data)
            if not data and conn.their_state is h11.SEND_RESPONSE:
                raise ConnectionError("the endpoint closed the connection without answering")
            continue
        if isinstance(event, h11.Response):
            return int(event.status_code)
        if isinstance(event, h11.ConnectionClosed):
            raise ConnectionError("the endpoint closed the connection without answering")
