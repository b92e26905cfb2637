"""S3 buckets and objects through boto3: naming rules, put/get/head/delete/copy, metadata,
content headers, tagging, listing (V1, V2, delimiters, pages, url encoding), conditional
requests, ranges, CORS, and the errors S3 answers with."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from tests.conftest import ServerProcess


def bucket_name(unique_name: str, prefix: str = "") -> str:
    return (prefix + unique_name.lower())[-50:].lstrip("-")


def make_bucket(s3: Any, unique_name: str, **kwargs: Any) -> str:
    name = bucket_name(unique_name)
    s3.create_bucket(Bucket=name, **kwargs)
    return name


def client(server: ServerProcess, service: str = "s3", **kwargs: Any) -> Any:
    return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1", **kwargs)


@pytest.fixture(scope="session")
def s3(aws: Any) -> Any:
    return aws("s3")


@pytest.fixture
def bucket(s3: Any, unique_name: str) -> str:
    return make_bucket(s3, unique_name)


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def status(excinfo: pytest.ExceptionInfo[ClientError]) -> int:
    return int(excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"])


def test_bucket_lifecycle_and_naming_rules(s3: Any, unique_name: str) -> None:
    name = bucket_name(unique_name)
    assert s3.create_bucket(Bucket=name)["Location"] == f"/{name}"
    assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert [b["Name"] for b in s3.list_buckets(Prefix=name)["Buckets"]] == [name]
    first = s3.list_buckets(MaxBuckets=1)
    assert len(first["Buckets"]) == 1
    if "ContinuationToken" in first:
        after = s3.list_buckets(ContinuationToken=first["ContinuationToken"])["Buckets"]
        assert first["Buckets"][0]["Name"] not in [b["Name"] for b in after]
    s3.head_bucket(Bucket=name)
    with pytest.raises(ClientError) as again:
        s3.create_bucket(Bucket=name)
    assert error_code(again) == "BucketAlreadyOwnedByYou"
    for bad in ("ab", "Has-Upper", "under_score", "a..b", "192.168.1.1", "-dash", "xn--punycode", "x" * 64):
        with pytest.raises(ClientError) as invalid:
            s3.create_bucket(Bucket=bad)
        assert error_code(invalid) == "InvalidBucketName", bad
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    with pytest.raises(ClientError) as not_empty:
        s3.delete_bucket(Bucket=name)
    assert error_code(not_empty) == "BucketNotEmpty"
    s3.delete_object(Bucket=name, Key="k")
    s3.delete_bucket(Bucket=name)
    with pytest.raises(ClientError) as gone:
        s3.head_bucket(Bucket=name)
    assert status(gone) == 404
    with pytest.raises(ClientError) as missing:
        s3.list_objects_v2(Bucket=name)
    assert error_code(missing) == "NoSuchBucket"


def test_put_get_head_with_metadata_and_content_headers(s3: Any, bucket: str) -> None:
    body = b"hello world"
    put = s3.put_object(Bucket=bucket, Key="docs/a.txt", Body=body, ContentType="text/plain",
                        CacheControl="max-age=60", ContentDisposition="attachment", ContentLanguage="en",
                        Metadata={"owner": "ana"}, Tagging="team=core&env=dev")
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"' and put["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="docs/a.txt")
    assert got["Body"].read() == body and got["ContentLength"] == len(body)
    assert (got["ContentType"], got["CacheControl"], got["ContentDisposition"], got["ContentLanguage"]) == (
        "text/plain", "max-age=60", "attachment", "en")
    assert got["Metadata"] == {"owner": "ana"} and got["TagCount"] == 2 and got["ETag"] == put["ETag"]
    head = s3.head_object(Bucket=bucket, Key="docs/a.txt")
    assert head["ContentLength"] == len(body) and "StorageClass" not in head
    tags = s3.get_object_tagging(Bucket=bucket, Key="docs/a.txt")["TagSet"]
    assert {t["Key"]: t["Value"] for t in tags} == {"team": "core", "env": "dev"}
    s3.put_object_tagging(Bucket=bucket, Key="docs/a.txt", Tagging={"TagSet": [{"Key": "x", "Value": "1"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="docs/a.txt")["TagSet"] == [{"Key": "x", "Value": "1"}]
    overridden = s3.get_object(Bucket=bucket, Key="docs/a.txt", ResponseContentType="application/json")
    assert overridden["ContentType"] == "application/json"
    assert s3.get_object(Bucket=bucket, Key="docs/a.txt", ChecksumMode="ENABLED").get("ChecksumCRC32")


def test_missing_keys_and_deletes(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as missing:
        s3.get_object(Bucket=bucket, Key="nope")
    assert error_code(missing) == "NoSuchKey" and status(missing) == 404
    with pytest.raises(ClientError) as head_missing:
        s3.head_object(Bucket=bucket, Key="nope")
    assert status(head_missing) == 404
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    s3.delete_object(Bucket=bucket, Key="k")  # deleting what is not there is fine
    for i in range(3):
        s3.put_object(Bucket=bucket, Key=f"many/{i}", Body=b"x")
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": f"many/{i}"} for i in range(3)]})
    assert sorted(d["Key"] for d in result["Deleted"]) == ["many/0", "many/1", "many/2"]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_copy_object_keeps_or_replaces_metadata(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"payload", ContentType="text/csv", Metadata={"a": "1"})
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert copied["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(b"payload").hexdigest()}"'
    dst = s3.get_object(Bucket=bucket, Key="dst")
    assert dst["Body"].read() == b"payload" and dst["Metadata"] == {"a": "1"} and dst["ContentType"] == "text/csv"
    s3.copy_object(Bucket=bucket, Key="dst2", CopySource=f"{bucket}/src", MetadataDirective="REPLACE",
                   Metadata={"b": "2"}, ContentType="text/plain")
    assert s3.head_object(Bucket=bucket, Key="dst2")["Metadata"] == {"b": "2"}
    with pytest.raises(ClientError) as onto_itself:
        s3.copy_object(Bucket=bucket, Key="src", CopySource=f"{bucket}/src")
    assert error_code(onto_itself) == "InvalidRequest"
    with pytest.raises(ClientError) as no_source:
        s3.copy_object(Bucket=bucket, Key="x", CopySource=f"{bucket}/missing")
    assert error_code(no_source) == "NoSuchKey"


def test_list_objects_v2_prefix_delimiter_pages_and_encoding(s3: Any, bucket: str) -> None:
    keys = ["a/1", "a/2", "b", "c/x/1", "c/y", "d e+f", "z"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b".")
    grouped = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["a/", "c/"]
    assert [o["Key"] for o in grouped["Contents"]] == ["b", "d e+f", "z"] and grouped["KeyCount"] == 5
    nested = s3.list_objects_v2(Bucket=bucket, Prefix="c/", Delimiter="/")
    assert [p["Prefix"] for p in nested["CommonPrefixes"]] == ["c/x/"] and nested["Contents"][0]["Key"] == "c/y"
    seen, token = [], None
    while True:
        page = s3.list_objects_v2(Bucket=bucket, MaxKeys=2, **({"ContinuationToken": token} if token else {}))
        seen += [o["Key"] for o in page.get("Contents", [])]
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert seen == keys
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, StartAfter="c/y")["Contents"]] == ["d e+f", "z"]
    paginated = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 3})
                 for o in p.get("Contents", [])]
    assert paginated == keys
    v1 = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2)
    assert v1["IsTruncated"] and v1["NextMarker"] == "b"
    v1_rest = s3.list_objects(Bucket=bucket, Delimiter="/", Marker=v1["NextMarker"])
    assert [p["Prefix"] for p in v1_rest["CommonPrefixes"]] == ["c/"]


def test_conditional_requests(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["ETag"]
    assert s3.get_object(Bucket=bucket, Key="k", IfMatch=etag)["Body"].read() == b"v1"
    with pytest.raises(ClientError) as mismatch:
        s3.get_object(Bucket=bucket, Key="k", IfMatch='"other"')
    assert status(mismatch) == 412
    with pytest.raises(ClientError) as not_modified:
        s3.get_object(Bucket=bucket, Key="k", IfNoneMatch=etag)
    assert status(not_modified) == 304
    modified = s3.head_object(Bucket=bucket, Key="k")["LastModified"]  # the server's clock, which tests move
    later = modified + timedelta(hours=1)
    with pytest.raises(ClientError) as since:
        s3.head_object(Bucket=bucket, Key="k", IfModifiedSince=later)
    assert status(since) == 304
    earlier = modified - timedelta(hours=1)
    with pytest.raises(ClientError) as unmodified:
        s3.get_object(Bucket=bucket, Key="k", IfUnmodifiedSince=earlier)
    assert status(unmodified) == 412
    with pytest.raises(ClientError) as exists:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v2", IfNoneMatch="*")
    assert error_code(exists) == "PreconditionFailed" and status(exists) == 412
    s3.put_object(Bucket=bucket, Key="fresh", Body=b"new", IfNoneMatch="*")
    with pytest.raises(ClientError) as stale:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v3", IfMatch='"stale"')
    assert status(stale) == 412
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v1"


def test_range_gets(s3: Any, bucket: str) -> None:
    body = bytes(range(256)) * 40
    s3.put_object(Bucket=bucket, Key="r", Body=body)
    part = s3.get_object(Bucket=bucket, Key="r", Range="bytes=100-199")
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert part["ContentRange"] == f"bytes 100-199/{len(body)}" and part["Body"].read() == body[100:200]
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=-10")["Body"].read() == body[-10:]
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=10000-")["Body"].read() == body[10000:]
    with pytest.raises(ClientError) as unsatisfiable:
        s3.get_object(Bucket=bucket, Key="r", Range=f"bytes={len(body)}-")
    assert error_code(unsatisfiable) == "InvalidRange" and status(unsatisfiable) == 416


def test_bucket_settings_are_stored(s3: Any, bucket: str) -> None:
    policy = '{"Version":"2012-10-17","Statement":[]}'
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == policy
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert s3.get_bucket_acl(Bucket=bucket)["Grants"][0]["Permission"] == "FULL_CONTROL"
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "cost", "Value": "1"}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "cost", "Value": "1"}]
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0][
        "ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    s3.delete_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError) as no_policy:
        s3.get_bucket_policy(Bucket=bucket)
    assert error_code(no_policy) == "NoSuchBucketPolicy"
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] is None


def test_cors_preflight_and_response_headers(s3: Any, server: Any, bucket: str) -> None:
    url = f"{server.endpoint}/{bucket}/pic.png"
    denied = requests.options(url, headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"})
    assert denied.status_code == 403 and b"CORSResponse" in denied.content
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"][0]["MaxAgeSeconds"] == 600
    ok = requests.options(url, headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
                                        "Access-Control-Request-Headers": "content-type"})
    assert ok.status_code == 200 and ok.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "PUT" in ok.headers["Access-Control-Allow-Methods"] and ok.headers["Access-Control-Max-Age"] == "600"
    other = requests.options(url, headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "GET"})
    assert other.status_code == 403
    s3.put_object(Bucket=bucket, Key="pic.png", Body=b"png")
    got = requests.get(url, headers={"Origin": "https://app.example.com"})
    assert got.headers.get("Access-Control-Allow-Origin") == "https://app.example.com"


def test_virtual_hosted_style_addressing(server: Any, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="v/h.txt", Body=b"virtual")
    port = server.endpoint.rsplit(":", 1)[1]
    for domain in ("s3.localhost", "localhost"):
        response = requests.get(f"{server.endpoint}/v/h.txt", headers={"Host": f"{bucket}.{domain}:{port}"})
        assert response.status_code == 200 and response.content == b"virtual", domain
    listing = requests.get(f"{server.endpoint}/?list-type=2", headers={"Host": f"{bucket}.s3.localhost:{port}"})
    assert b"<Key>v/h.txt</Key>" in listing.content


def test_virtual_hosted_style_through_boto3(server: Any, bucket: str) -> None:
    import boto3
    from botocore.config import Config

    port = server.endpoint.rsplit(":", 1)[1]
    client = boto3.client("s3", endpoint_url=f"http://s3.localhost:{port}", region_name="us-east-1",
                          config=Config(s3={"addressing_style": "virtual"}, retries={"max_attempts": 1}))
    try:
        client.put_object(Bucket=bucket, Key="boto-virtual", Body=b"yes")
    except Exception as exc:  # name resolution of *.localhost is the OS's business, not ours
        pytest.skip(f"{bucket}.s3.localhost does not resolve here: {exc}")
    assert client.get_object(Bucket=bucket, Key="boto-virtual")["Body"].read() == b"yes"


def test_a_configured_domain_addresses_buckets(tmp_path: Any) -> None:
    own = ServerProcess(tmp_path / "data", "--s3-domain", "files.example.test").start()
    try:
        client(own).create_bucket(Bucket="docs")
        client(own).put_object(Bucket="docs", Key="readme.md", Body=b"# hi")
        got = requests.get(f"{own.endpoint}/readme.md", headers={"Host": f"docs.files.example.test:{own.port}"})
        assert got.status_code == 200 and got.content == b"# hi"
    finally:
        own.stop()
