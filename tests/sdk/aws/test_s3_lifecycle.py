"""Lifecycle that runs, encryption at rest, and the recordings scenario, on a server of this
module's own (its clock is moved by days and years).

Recordings: each practice's call recordings are encrypted with the practice's KMS key, locked
for 7 years in GOVERNANCE mode, moved to STANDARD_IA after 30 days and GLACIER after a year,
and read back from GLACIER only after a restore.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ServerProcess
from tests.sdk.aws.test_s3 import client, error_code, make_bucket, status


@pytest.fixture(scope="module")
def own_server(private_server: ServerProcess) -> ServerProcess:
    return private_server


@pytest.fixture(scope="module")
def s3(own_server: ServerProcess) -> Any:
    return client(own_server)


@pytest.fixture(scope="module")
def kms(own_server: ServerProcess) -> Any:
    return client(own_server, "kms")


@pytest.fixture
def bucket(s3: Any, unique_name: str) -> str:
    return make_bucket(s3, unique_name)


def test_transition_expiration_and_filters(s3: Any, own_server: ServerProcess, bucket: str) -> None:
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "ia", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
         "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]},
        {"ID": "tmp", "Status": "Enabled", "Filter": {"And": {"Prefix": "tmp/", "Tags": [{"Key": "ttl", "Value": "short"}]}},
         "Expiration": {"Days": 7}},
        {"ID": "big", "Status": "Enabled", "Filter": {"ObjectSizeGreaterThan": 100},
         "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]}]})
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [r["ID"] for r in rules] == ["ia", "tmp", "big"]
    s3.put_object(Bucket=bucket, Key="logs/a", Body=b"log")
    s3.put_object(Bucket=bucket, Key="tmp/short", Body=b"t", Tagging="ttl=short")
    s3.put_object(Bucket=bucket, Key="tmp/long", Body=b"t")
    s3.put_object(Bucket=bucket, Key="media/big", Body=b"x" * 200)
    own_server.advance_clock("8d")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="tmp/")["Contents"]] == ["tmp/long"]
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="logs/a")
    own_server.advance_clock("23d")
    assert s3.head_object(Bucket=bucket, Key="logs/a")["StorageClass"] == "STANDARD_IA"
    assert s3.get_object(Bucket=bucket, Key="logs/a")["StorageClass"] == "STANDARD_IA"
    listed = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert listed == {"logs/a": "STANDARD_IA", "media/big": "GLACIER", "tmp/long": "STANDARD"}
    with pytest.raises(ClientError) as archived:
        s3.get_object(Bucket=bucket, Key="media/big")
    assert error_code(archived) == "InvalidObjectState" and status(archived) == 403
    s3.delete_bucket_lifecycle(Bucket=bucket)
    with pytest.raises(ClientError) as none:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert error_code(none) == "NoSuchLifecycleConfiguration"


def test_restore_timing_on_the_clock(s3: Any, own_server: ServerProcess, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="cold")
    s3.put_object(Bucket=bucket, Key="warm", Body=b"w")
    with pytest.raises(ClientError) as warm:
        s3.restore_object(Bucket=bucket, Key="warm", RestoreRequest={"Days": 1})
    assert error_code(warm) == "InvalidObjectState"
    started = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={
        "Days": 2, "GlacierJobParameters": {"Tier": "Expedited"}})
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert s3.head_object(Bucket=bucket, Key="cold")["Restore"] == 'ongoing-request="true"'
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="cold")
    own_server.advance_clock("6m")
    assert s3.head_object(Bucket=bucket, Key="cold")["Restore"].startswith('ongoing-request="false", expiry-date=')
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"frozen"
    own_server.advance_clock("3d")
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="cold")


def test_noncurrent_expiration_and_abort_uploads(s3: Any, own_server: ServerProcess, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "old", "Status": "Enabled", "Filter": {}, "NoncurrentVersionExpiration": {"NoncurrentDays": 5},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 3}}]})
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    current = s3.put_object(Bucket=bucket, Key="k", Body=b"2")["VersionId"]
    s3.create_multipart_upload(Bucket=bucket, Key="stale")
    own_server.advance_clock("6d")
    assert [v["VersionId"] for v in s3.list_object_versions(Bucket=bucket)["Versions"]] == [current]
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_sse_kinds_and_no_plaintext_on_disk(s3: Any, kms: Any, own_server: ServerProcess, bucket: str) -> None:
    marker = b"PLAINTEXT-" + os.urandom(8).hex().encode()
    assert s3.put_object(Bucket=bucket, Key="s3", Body=marker * 100)["ServerSideEncryption"] == "AES256"
    key = kms.create_key()["KeyMetadata"]
    put = s3.put_object(Bucket=bucket, Key="kms", Body=marker * 100, ServerSideEncryption="aws:kms",
                        SSEKMSKeyId=key["KeyId"])
    assert put["ServerSideEncryption"] == "aws:kms" and put["SSEKMSKeyId"] == key["Arn"]
    customer = os.urandom(32)
    s3.put_object(Bucket=bucket, Key="c", Body=marker * 100, SSECustomerAlgorithm="AES256", SSECustomerKey=customer)
    got = s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=customer)
    assert got["Body"].read() == marker * 100
    assert got["SSECustomerKeyMD5"] == base64.b64encode(hashlib.md5(customer).digest()).decode()
    with pytest.raises(ClientError) as without_key:
        s3.get_object(Bucket=bucket, Key="c")
    assert error_code(without_key) == "InvalidRequest"
    with pytest.raises(ClientError) as wrong_key:
        s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=os.urandom(32))
    assert status(wrong_key) == 403
    assert s3.get_object(Bucket=bucket, Key="kms")["Body"].read() == marker * 100
    for path in Path(own_server.data_dir).rglob("*"):
        if path.is_file():
            assert marker not in path.read_bytes(), path
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as disabled:
        s3.get_object(Bucket=bucket, Key="kms")
    assert error_code(disabled) == "KMS.DisabledException"
    kms.enable_key(KeyId=key["KeyId"])
    assert s3.get_object(Bucket=bucket, Key="kms")["Body"].read() == marker * 100


def test_bucket_default_kms_encryption(s3: Any, kms: Any, bucket: str) -> None:
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName=f"alias/{bucket}", TargetKeyId=key["KeyId"])
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": f"alias/{bucket}"}}]})
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"secret")
    assert put["ServerSideEncryption"] == "aws:kms" and put["SSEKMSKeyId"] == key["Arn"]
    assert s3.head_object(Bucket=bucket, Key="k")["SSEKMSKeyId"] == key["Arn"]
    default = s3.put_object(Bucket=bucket, Key="aws-key", Body=b"x", ServerSideEncryption="aws:kms")
    assert default["SSEKMSKeyId"].startswith("arn:aws:kms:us-east-1:000000000000:key/")


def test_recordings_scenario(s3: Any, kms: Any, own_server: ServerProcess, unique_name: str) -> None:
    practice = "practice-" + os.urandom(3).hex()
    key = kms.create_key(Description=f"recordings of {practice}")["KeyMetadata"]
    kms.create_alias(AliasName=f"alias/{practice}", TargetKeyId=key["KeyId"])
    bucket = f"{practice}-recordings"
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": f"alias/{practice}"}}]})
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Years": 7}}})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "tiers", "Status": "Enabled", "Filter": {"Prefix": "calls/"},
        "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 365, "StorageClass": "GLACIER"}]}]})
    audio = os.urandom(64 * 1024)
    put = s3.put_object(Bucket=bucket, Key="calls/2026-12-04/call-1.wav", Body=audio)
    assert put["ServerSideEncryption"] == "aws:kms" and put["SSEKMSKeyId"] == key["Arn"]
    head = s3.head_object(Bucket=bucket, Key="calls/2026-12-04/call-1.wav")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert (head["ObjectLockRetainUntilDate"] - head["LastModified"]).days >= 7 * 365 - 1
    with pytest.raises(ClientError) as locked:
        s3.delete_object(Bucket=bucket, Key="calls/2026-12-04/call-1.wav", VersionId=put["VersionId"])
    assert error_code(locked) == "AccessDenied"
    own_server.advance_clock("31d")
    assert s3.head_object(Bucket=bucket, Key="calls/2026-12-04/call-1.wav")["StorageClass"] == "STANDARD_IA"
    assert s3.get_object(Bucket=bucket, Key="calls/2026-12-04/call-1.wav")["Body"].read() == audio
    own_server.advance_clock("335d")
    assert s3.head_object(Bucket=bucket, Key="calls/2026-12-04/call-1.wav")["StorageClass"] == "GLACIER"
    with pytest.raises(ClientError) as frozen:
        s3.get_object(Bucket=bucket, Key="calls/2026-12-04/call-1.wav")
    assert error_code(frozen) == "InvalidObjectState"
    s3.restore_object(Bucket=bucket, Key="calls/2026-12-04/call-1.wav", RestoreRequest={
        "Days": 1, "GlacierJobParameters": {"Tier": "Standard"}})
    own_server.advance_clock("5h")
    assert s3.get_object(Bucket=bucket, Key="calls/2026-12-04/call-1.wav")["Body"].read() == audio
