"""S3 durability: an upload acknowledged just before kill -9 is there after the restart, whole;
an upload the client never finished leaves the previous object intact."""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path

import boto3

from tests.conftest import ServerProcess

MiB = 1024 * 1024


def _client(server: ServerProcess) -> object:
    return boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1")


def test_acknowledged_upload_survives_kill_9(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data").start()
    try:
        s3 = _client(server)
        s3.create_bucket(Bucket="durable")
        big = os.urandom(3 * MiB)
        s3.put_object(Bucket="durable", Key="big", Body=big)
        upload = s3.create_multipart_upload(Bucket="durable", Key="parts")["UploadId"]
        part = os.urandom(5 * MiB)
        etag = s3.upload_part(Bucket="durable", Key="parts", UploadId=upload, PartNumber=1, Body=part)["ETag"]
        s3.complete_multipart_upload(Bucket="durable", Key="parts", UploadId=upload,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        s3.put_object(Bucket="durable", Key="last", Body=b"acknowledged just before the crash")
        server.kill()
        server.start()
        s3 = _client(server)
        assert hashlib.sha256(s3.get_object(Bucket="durable", Key="big")["Body"].read()).digest() == \
            hashlib.sha256(big).digest()
        assert s3.get_object(Bucket="durable", Key="parts")["Body"].read() == part
        assert s3.get_object(Bucket="durable", Key="last")["Body"].read() == b"acknowledged just before the crash"
    finally:
        server.stop()


def test_interrupted_upload_leaves_previous_version(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data").start()
    try:
        s3 = _client(server)
        s3.create_bucket(Bucket="interrupted")
        s3.put_object(Bucket="interrupted", Key="k", Body=b"previous")
        for size in (1000, 3 * MiB):  # in memory, and spooled to disk
            with socket.create_connection(("127.0.0.1", server.port)) as conn:
                conn.sendall(f"PUT /interrupted/k HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {size}\r\n\r\n".encode())
                conn.sendall(b"x" * (size // 2))
            assert s3.get_object(Bucket="interrupted", Key="k")["Body"].read() == b"previous"
        server.kill()
        server.start()
        assert _client(server).get_object(Bucket="interrupted", Key="k")["Body"].read() == b"previous"
        leftovers = [p for p in (tmp_path / "data").rglob("*") if p.is_file() and p.parent.name in ("tmp", "spool")]
        assert leftovers == []
    finally:
        server.stop()
