"""Versioning and Object Lock through boto3: version ids, delete markers, ListObjectVersions,
GET/DELETE by version, suspension; GOVERNANCE (bypass only with the header) and COMPLIANCE
retention, legal hold, default retention."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.sdk.aws.test_s3 import bucket, error_code, make_bucket, s3, status  # noqa: F401  (fixtures)


def server_now(server: Any) -> datetime:
    return datetime.fromtimestamp(server.get("/_cloudtwin/clock")["now"], timezone.utc)


def test_versions_and_delete_markers(s3: Any, bucket: str) -> None:  # noqa: F811
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    v1 = s3.put_object(Bucket=bucket, Key="doc", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="doc", Body=b"two")["VersionId"]
    assert v1 != v2 and s3.get_object(Bucket=bucket, Key="doc")["VersionId"] == v2
    assert s3.get_object(Bucket=bucket, Key="doc", VersionId=v1)["Body"].read() == b"one"
    deleted = s3.delete_object(Bucket=bucket, Key="doc")
    assert deleted["DeleteMarker"] is True
    with pytest.raises(ClientError) as hidden:
        s3.get_object(Bucket=bucket, Key="doc")
    assert error_code(hidden) == "NoSuchKey"
    assert hidden.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as on_marker:
        s3.get_object(Bucket=bucket, Key="doc", VersionId=deleted["VersionId"])
    assert status(on_marker) == 405
    listing = s3.list_object_versions(Bucket=bucket)
    assert [v["VersionId"] for v in listing["Versions"]] == [v2, v1]
    assert [(m["VersionId"], m["IsLatest"]) for m in listing["DeleteMarkers"]] == [(deleted["VersionId"], True)]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    s3.delete_object(Bucket=bucket, Key="doc", VersionId=deleted["VersionId"])
    assert s3.get_object(Bucket=bucket, Key="doc")["Body"].read() == b"two"
    s3.delete_object(Bucket=bucket, Key="doc", VersionId=v2)
    assert s3.get_object(Bucket=bucket, Key="doc")["Body"].read() == b"one"
    with pytest.raises(ClientError) as no_version:
        s3.get_object(Bucket=bucket, Key="doc", VersionId="nosuchversion")
    assert error_code(no_version) == "NoSuchVersion"


def test_version_listing_pages(s3: Any, bucket: str) -> None:  # noqa: F811
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    made = [(key, s3.put_object(Bucket=bucket, Key=key, Body=b".")["VersionId"]) for key in ["a", "a", "a", "b", "c"]]
    expected = [("a", made[2][1]), ("a", made[1][1]), ("a", made[0][1]), ("b", made[3][1]), ("c", made[4][1])]
    pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket, PaginationConfig={"PageSize": 2})
    seen = [(v["Key"], v["VersionId"]) for page in pages for v in page.get("Versions", [])]
    assert seen == expected


def test_suspended_versioning_writes_null_versions(s3: Any, bucket: str) -> None:  # noqa: F811
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    kept = s3.put_object(Bucket=bucket, Key="k", Body=b"kept")["VersionId"]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"null-1")
    s3.put_object(Bucket=bucket, Key="k", Body=b"null-2")
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert sorted(v["VersionId"] for v in versions) == sorted([kept, "null"])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"null-2"


@pytest.fixture
def locked_bucket(s3: Any, unique_name: str) -> str:  # noqa: F811
    return make_bucket(s3, unique_name, ObjectLockEnabledForBucket=True)


def test_governance_retention_and_bypass(s3: Any, server: Any, locked_bucket: str) -> None:  # noqa: F811
    until = server_now(server) + timedelta(days=1)
    version = s3.put_object(Bucket=locked_bucket, Key="r", Body=b"x", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=until)["VersionId"]
    retention = s3.get_object_retention(Bucket=locked_bucket, Key="r")["Retention"]
    assert retention["Mode"] == "GOVERNANCE" and abs((retention["RetainUntilDate"] - until).total_seconds()) < 1
    with pytest.raises(ClientError) as locked:
        s3.delete_object(Bucket=locked_bucket, Key="r", VersionId=version)
    assert error_code(locked) == "AccessDenied" and status(locked) == 403
    assert s3.delete_object(Bucket=locked_bucket, Key="r")["DeleteMarker"] is True  # a marker is allowed
    with pytest.raises(ClientError):
        s3.put_object_retention(Bucket=locked_bucket, Key="r", VersionId=version,
                                Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until - timedelta(hours=1)})
    s3.delete_object(Bucket=locked_bucket, Key="r", VersionId=version, BypassGovernanceRetention=True)
    assert all(v["VersionId"] != version for v in s3.list_object_versions(Bucket=locked_bucket).get("Versions", []))


def test_compliance_retention_and_legal_hold(s3: Any, server: Any, locked_bucket: str) -> None:  # noqa: F811
    until = server_now(server) + timedelta(days=1)
    version = s3.put_object(Bucket=locked_bucket, Key="c", Body=b"x", ObjectLockMode="COMPLIANCE",
                            ObjectLockRetainUntilDate=until)["VersionId"]
    with pytest.raises(ClientError) as never:
        s3.delete_object(Bucket=locked_bucket, Key="c", VersionId=version, BypassGovernanceRetention=True)
    assert error_code(never) == "AccessDenied"
    held = s3.put_object(Bucket=locked_bucket, Key="h", Body=b"x")["VersionId"]
    s3.put_object_legal_hold(Bucket=locked_bucket, Key="h", LegalHold={"Status": "ON"})
    assert s3.get_object_legal_hold(Bucket=locked_bucket, Key="h")["LegalHold"]["Status"] == "ON"
    with pytest.raises(ClientError):
        s3.delete_object(Bucket=locked_bucket, Key="h", VersionId=held, BypassGovernanceRetention=True)
    s3.put_object_legal_hold(Bucket=locked_bucket, Key="h", LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=locked_bucket, Key="h", VersionId=held)
    with pytest.raises(ClientError) as suspend:
        s3.put_bucket_versioning(Bucket=locked_bucket, VersioningConfiguration={"Status": "Suspended"})
    assert error_code(suspend) == "InvalidBucketState"


def test_default_retention(s3: Any, locked_bucket: str) -> None:  # noqa: F811
    s3.put_object_lock_configuration(Bucket=locked_bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}})
    config = s3.get_object_lock_configuration(Bucket=locked_bucket)["ObjectLockConfiguration"]
    assert config["Rule"]["DefaultRetention"] == {"Mode": "GOVERNANCE", "Days": 30}
    s3.put_object(Bucket=locked_bucket, Key="d", Body=b"x")
    head = s3.head_object(Bucket=locked_bucket, Key="d")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert (head["ObjectLockRetainUntilDate"] - head["LastModified"]).days in (29, 30)


def test_lock_needs_a_locked_bucket(s3: Any, bucket: str) -> None:  # noqa: F811
    with pytest.raises(ClientError) as plain:
        s3.put_object(Bucket=bucket, Key="x", Body=b"x", ObjectLockMode="GOVERNANCE",
                      ObjectLockRetainUntilDate=datetime(2099, 1, 1, tzinfo=timezone.utc))
    assert error_code(plain) == "InvalidRequest"
    with pytest.raises(ClientError) as no_config:
        s3.get_object_lock_configuration(Bucket=bucket)
    assert error_code(no_config) == "ObjectLockConfigurationNotFoundError"
