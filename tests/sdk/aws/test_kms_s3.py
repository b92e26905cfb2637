"""The keys engine under S3's SSE-KMS, seen from KMS: the default key is KMS's AWS managed
alias/aws/s3 key, and a customer key's state decides whether its objects can be read."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_sse_kms_default_key_is_the_aws_managed_s3_key(aws: Any, unique_name: str) -> None:
    s3, kms = aws("s3"), aws("kms")
    bucket = unique_name.lower()[-40:].strip("-")
    s3.create_bucket(Bucket=bucket)
    written = s3.put_object(Bucket=bucket, Key="k", Body=b"recording", ServerSideEncryption="aws:kms")
    managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert written["SSEKMSKeyId"] == managed["Arn"] and managed["KeyManager"] == "AWS"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"recording"


def test_a_disabled_customer_key_stops_reads_until_enabled(aws: Any, unique_name: str) -> None:
    s3, kms = aws("s3"), aws("kms")
    bucket = unique_name.lower()[-40:].strip("-")
    s3.create_bucket(Bucket=bucket)
    key_id = kms.create_key(Description="per-practice key")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=f"alias/{bucket}", TargetKeyId=key_id)
    written = s3.put_object(Bucket=bucket, Key="k", Body=b"call", ServerSideEncryption="aws:kms",
                            SSEKMSKeyId=f"alias/{bucket}")
    assert written["SSEKMSKeyId"].endswith(key_id)
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="k")
    assert excinfo.value.response["Error"]["Code"] == "KMS.DisabledException"
    kms.enable_key(KeyId=key_id)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"call"
