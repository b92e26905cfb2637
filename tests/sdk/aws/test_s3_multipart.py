"""Multipart uploads through boto3: the part rules, the composite ETag, copies of parts, listing
and aborting uploads, and boto3's managed transfer (upload_fileobj/download_fileobj)."""

from __future__ import annotations

import hashlib
import io
import os
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from tests.sdk.aws.test_s3 import bucket, error_code, s3  # noqa: F401  (fixtures)

MiB = 1024 * 1024


def test_multipart_upload_composite_etag_and_ranges(s3: Any, bucket: str) -> None:  # noqa: F811
    parts_data = [os.urandom(5 * MiB), os.urandom(5 * MiB), b"tail"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big.bin", ContentType="video/mp4", Metadata={"m": "1"})
    upload_id = upload["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key="big.bin", UploadId=upload_id, PartNumber=i + 1, Body=data)["ETag"]
             for i, data in enumerate(parts_data)]
    listed = s3.list_parts(Bucket=bucket, Key="big.bin", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in listed] == [(1, 5 * MiB), (2, 5 * MiB), (3, 4)]
    assert upload_id in [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket)["Uploads"]]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="big.bin", UploadId=upload_id, MultipartUpload={
        "Parts": [{"PartNumber": i + 1, "ETag": etag} for i, etag in enumerate(etags)]})
    expected = hashlib.md5(b"".join(hashlib.md5(d).digest() for d in parts_data)).hexdigest() + "-3"
    assert done["ETag"] == f'"{expected}"'
    whole = b"".join(parts_data)
    got = s3.get_object(Bucket=bucket, Key="big.bin")
    assert got["ContentType"] == "video/mp4" and got["Metadata"] == {"m": "1"} and got["PartsCount"] == 3
    assert hashlib.md5(got["Body"].read()).digest() == hashlib.md5(whole).digest()
    span = s3.get_object(Bucket=bucket, Key="big.bin", Range=f"bytes={5 * MiB - 3}-{5 * MiB + 2}")["Body"].read()
    assert span == whole[5 * MiB - 3: 5 * MiB + 3]
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    second = s3.get_object(Bucket=bucket, Key="big.bin", PartNumber=2)
    assert second["ResponseMetadata"]["HTTPStatusCode"] == 206 and second["PartsCount"] == 3
    assert second["ContentRange"] == f"bytes {5 * MiB}-{10 * MiB - 1}/{len(whole)}"
    assert second["Body"].read() == parts_data[1]
    assert s3.head_object(Bucket=bucket, Key="big.bin", PartNumber=3)["ContentLength"] == 4
    with pytest.raises(ClientError) as no_part:
        s3.get_object(Bucket=bucket, Key="big.bin", PartNumber=4)
    assert error_code(no_part) == "InvalidPartNumber"
    attributes = s3.get_object_attributes(Bucket=bucket, Key="big.bin",
                                          ObjectAttributes=["ETag", "ObjectParts", "ObjectSize", "StorageClass"])
    assert attributes["ETag"] == expected and attributes["ObjectSize"] == len(whole)
    assert attributes["ObjectParts"]["TotalPartsCount"] == 3 and attributes["StorageClass"] == "STANDARD"
    assert [part["Size"] for part in attributes["ObjectParts"]["Parts"]] == [5 * MiB, 5 * MiB, 4]


def test_part_rules(s3: Any, bucket: str) -> None:  # noqa: F811
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    small = [s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=n, Body=b"x" * 10)["ETag"]
             for n in (1, 2)]
    with pytest.raises(ClientError) as too_small:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": small[0]}, {"PartNumber": 2, "ETag": small[1]}]})
    assert error_code(too_small) == "EntityTooSmall"
    with pytest.raises(ClientError) as order:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={
            "Parts": [{"PartNumber": 2, "ETag": small[1]}, {"PartNumber": 1, "ETag": small[0]}]})
    assert error_code(order) == "InvalidPartOrder"
    with pytest.raises(ClientError) as wrong_etag:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": '"0123"'}]})
    assert error_code(wrong_etag) == "InvalidPart"
    with pytest.raises(ClientError) as bad_number:
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=10001, Body=b"x")
    assert error_code(bad_number) == "InvalidArgument"
    one = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": small[0]}]})
    assert one["ETag"].endswith('-1"') and s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x" * 10
    with pytest.raises(ClientError) as finished:
        s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    assert error_code(finished) == "NoSuchUpload"


def test_abort_and_upload_part_copy(s3: Any, bucket: str) -> None:  # noqa: F811
    s3.put_object(Bucket=bucket, Key="source", Body=b"0123456789")
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="copy")["UploadId"]
    copied = s3.upload_part_copy(Bucket=bucket, Key="copy", UploadId=upload_id, PartNumber=1,
                                 CopySource={"Bucket": bucket, "Key": "source"}, CopySourceRange="bytes=2-5")
    s3.complete_multipart_upload(Bucket=bucket, Key="copy", UploadId=upload_id, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"2345"
    doomed = s3.create_multipart_upload(Bucket=bucket, Key="doomed")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="doomed", UploadId=doomed, PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket=bucket, Key="doomed", UploadId=doomed)
    with pytest.raises(ClientError) as aborted:
        s3.upload_part(Bucket=bucket, Key="doomed", UploadId=doomed, PartNumber=2, Body=b"x")
    assert error_code(aborted) == "NoSuchUpload"


def test_managed_transfer_round_trip(s3: Any, bucket: str) -> None:  # noqa: F811
    data = os.urandom(12 * MiB + 123)
    config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=4)
    s3.upload_fileobj(io.BytesIO(data), bucket, "managed.bin", Config=config)
    assert s3.head_object(Bucket=bucket, Key="managed.bin")["ContentLength"] == len(data)
    out = io.BytesIO()
    s3.download_fileobj(bucket, "managed.bin", out, Config=config)
    assert out.getvalue() == data
