"""Profile cloudtwin's S3 hot path in-process: an ASGI scope dict and a receive/send pair go
straight to the app (no sockets, no wrk), so the numbers are the server's own CPU per op.

    python bench/profile_s3.py                 # µs of CPU per op for each case (best of 3)
    python bench/profile_s3.py put             # ... then cProfile of one case (put|get|list|...)
    python bench/profile_s3.py --ephemeral get # the in-memory store instead of SQLite WAL
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from cloudtwin.config import Settings
from cloudtwin.server.app import build_app

from inprocess import best_of_three, drive, profile

AUTH = (b"AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, "
        b"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=abcdef0123456789")
SMALL = bytes(range(256)) * 4
LIST_KEYS = 1000
ROUNDS = {"put": 3000, "get": 3000, "head": 3000, "list": 100, "miss": 3000}


def scope(method: str, path: str, query: bytes = b"", length: int = 0) -> dict:
    headers = [(b"host", b"localhost:4566"), (b"authorization", AUTH),
               (b"x-amz-date", b"20260101T000000Z"), (b"x-amz-content-sha256", b"UNSIGNED-PAYLOAD"),
               (b"user-agent", b"Boto3/1.43 md/Botocore#1.43"), (b"accept-encoding", b"identity")]
    if method == "PUT":
        headers += [(b"content-type", b"application/octet-stream"),
                    (b"content-length", str(length).encode())]
    return {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
            "query_string": query, "client": ("127.0.0.1", 5000), "headers": headers}


async def call(app, method: str, path: str, query: bytes = b"", body: bytes = b"") -> list[dict]:
    sent = await drive(app, scope(method, path, query, len(body)), body)
    assert sent[0]["status"] in (200, 404), sent
    return sent


def cases() -> dict:
    return {
        "put": ("PUT", "/bench/small-put", b"", SMALL),
        "get": ("GET", "/bench/small-00007", b"", b""),
        "head": ("HEAD", "/bench/small-00007", b"", b""),
        "miss": ("GET", "/bench/no-such-key", b"", b""),
        "list": ("GET", "/bench", b"list-type=2&prefix=list%2F&max-keys=1000", b""),
    }


async def main(argv: list[str]) -> None:
    ephemeral = "--ephemeral" in argv
    argv = [a for a in argv if a != "--ephemeral"]
    app = build_app(Settings(data_dir=Path(tempfile.mkdtemp()), ephemeral=ephemeral))
    await call(app, "PUT", "/bench")
    for i in range(20):
        await call(app, "PUT", f"/bench/small-{i:05d}", body=SMALL)
    for i in range(LIST_KEYS):
        await call(app, "PUT", f"/bench/list/{i:07d}", body=b"x")
    await app.storage.flush()
    for name, (method, path, query, body) in cases().items():
        best = await best_of_three(lambda: call(app, method, path, query, body), ROUNDS[name])
        print(f"{name}: {best * 1e6:.1f} us/op")
    if argv:
        method, path, query, body = cases()[argv[0]]
        await profile(lambda: call(app, method, path, query, body), ROUNDS[argv[0]])


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
