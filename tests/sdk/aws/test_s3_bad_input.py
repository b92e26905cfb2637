"""Bad input to S3: S3's own error codes and XML, and nothing stored is lost. Keys over 1024
bytes, wrong Content-MD5, wrong checksums, aws-chunked bodies (good, lying, truncated),
malformed XML configurations, unknown sub-resources."""

from __future__ import annotations

import base64
import hashlib
import zlib
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from tests.sdk.aws.test_s3 import bucket, error_code, s3  # noqa: F401  (fixtures)


def test_key_too_long(s3: Any, bucket: str) -> None:  # noqa: F811
    with pytest.raises(ClientError) as too_long:
        s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x")
    assert error_code(too_long) == "KeyTooLongError"
    s3.put_object(Bucket=bucket, Key="k" * 1024, Body=b"x")


def test_wrong_digests_keep_the_previous_object(s3: Any, bucket: str) -> None:  # noqa: F811
    s3.put_object(Bucket=bucket, Key="k", Body=b"original")
    wrong_md5 = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as bad_md5:
        s3.put_object(Bucket=bucket, Key="k", Body=b"changed", ContentMD5=wrong_md5)
    assert error_code(bad_md5) == "BadDigest"
    with pytest.raises(ClientError) as not_base64:
        s3.put_object(Bucket=bucket, Key="k", Body=b"changed", ContentMD5="not base64!")
    assert error_code(not_base64) == "InvalidDigest"
    with pytest.raises(ClientError) as bad_crc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"changed", ChecksumCRC32="AAAAAA==")
    assert error_code(bad_crc) == "BadDigest"
    with pytest.raises(ClientError) as bad_sha:
        s3.put_object(Bucket=bucket, Key="k", Body=b"changed",
                      ChecksumSHA256=base64.b64encode(hashlib.sha256(b"nope").digest()).decode())
    assert error_code(bad_sha) == "BadDigest"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"original"
    good = base64.b64encode(hashlib.sha256(b"changed").digest()).decode()
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"changed", ChecksumSHA256=good)["ChecksumSHA256"] == good


def _chunked(data: bytes, chunk: int, trailer: str) -> bytes:
    out = b""
    for i in range(0, len(data), chunk):
        piece = data[i:i + chunk]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n" + trailer.encode() + b"\r\n\r\n"


def _put_chunked(server: Any, bucket: str, key: str, body: bytes, decoded: int) -> requests.Response:  # noqa: F811
    return requests.put(f"{server.endpoint}/{bucket}/{key}", data=body, headers={
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(decoded), "x-amz-trailer": "x-amz-checksum-crc32"})


def test_aws_chunked_bodies_with_trailing_checksums(s3: Any, server: Any, bucket: str) -> None:  # noqa: F811
    data = bytes(range(256)) * 300
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    ok = _put_chunked(server, bucket, "chunked", _chunked(data, 8192, f"x-amz-checksum-crc32:{crc}"), len(data))
    assert ok.status_code == 200, ok.content
    got = s3.get_object(Bucket=bucket, Key="chunked", ChecksumMode="ENABLED")
    assert got["Body"].read() == data and got["ChecksumCRC32"] == crc
    lying = _put_chunked(server, bucket, "chunked", _chunked(b"evil" * 10, 8, "x-amz-checksum-crc32:AAAAAA=="), 40)
    assert lying.status_code == 400 and b"<Code>BadDigest</Code>" in lying.content
    truncated = _chunked(data, 8192, f"x-amz-checksum-crc32:{crc}")[:20000]
    cut = _put_chunked(server, bucket, "chunked", truncated, len(data))
    assert cut.status_code == 400 and b"<Code>IncompleteBody</Code>" in cut.content
    assert s3.get_object(Bucket=bucket, Key="chunked")["Body"].read() == data


@pytest.mark.parametrize("query,body", [
    ("lifecycle", b"<LifecycleConfiguration><Rule>"),
    ("lifecycle", b"<LifecycleConfiguration></LifecycleConfiguration>"),
    ("versioning", b"<VersioningConfiguration><Status>Sometimes</Status></VersioningConfiguration>"),
    ("cors", b"not xml at all"),
    ("tagging", b"<Tagging><TagSet><Tag><Key>a</Key></Tag"),
])
def test_malformed_xml_configurations(server: Any, s3: Any, bucket: str, query: str, body: bytes) -> None:  # noqa: F811
    response = requests.put(f"{server.endpoint}/{bucket}?{query}", data=body,
                            headers={"content-md5": base64.b64encode(hashlib.md5(body).digest()).decode()})
    assert response.status_code == 400 and b"<Code>MalformedXML</Code>" in response.content, response.content


def test_delete_objects_needs_objects(server: Any, bucket: str) -> None:  # noqa: F811
    body = b"<Delete></Delete>"
    response = requests.post(f"{server.endpoint}/{bucket}?delete", data=body,
                             headers={"content-md5": base64.b64encode(hashlib.md5(body).digest()).decode()})
    assert response.status_code == 400 and b"MalformedXML" in response.content


def test_unsupported_conditional_write(s3: Any, bucket: str) -> None:  # noqa: F811
    with pytest.raises(ClientError) as unsupported:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", IfNoneMatch='"etag"')
    assert error_code(unsupported) == "NotImplemented"


def test_bad_continuation_token_and_max_keys(s3: Any, bucket: str) -> None:  # noqa: F811
    with pytest.raises(ClientError) as token:
        s3.list_objects_v2(Bucket=bucket, ContinuationToken="!!!")
    assert error_code(token) == "InvalidArgument"
    assert s3.list_objects_v2(Bucket=bucket, MaxKeys=0)["KeyCount"] == 0


def test_wrong_content_md5_on_a_configuration(server: Any, bucket: str) -> None:  # noqa: F811
    body = b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    response = requests.put(f"{server.endpoint}/{bucket}?versioning", data=body, headers={"content-md5": wrong})
    assert response.status_code == 400 and b"<Code>BadDigest</Code>" in response.content


@pytest.mark.parametrize("member,good", [("ChecksumCRC32C", "4waSgw=="), ("ChecksumCRC64NVME", "rosUhgp5mIg="),
                                         ("ChecksumSHA1", "98O8HYCOBHMq32eZZczDTKeuNEE=")])
def test_every_checksum_algorithm(s3: Any, bucket: str, member: str, good: str) -> None:  # noqa: F811
    """The standard check values of each algorithm over b"123456789" (CRC catalogue)."""
    put = s3.put_object(Bucket=bucket, Key="check", Body=b"123456789", **{member: good})
    assert put[member] == good
    assert s3.head_object(Bucket=bucket, Key="check", ChecksumMode="ENABLED")[member] == good
    with pytest.raises(ClientError) as wrong:
        s3.put_object(Bucket=bucket, Key="check", Body=b"123456780", **{member: good})
    assert error_code(wrong) == "BadDigest"
