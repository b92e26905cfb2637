"""Server-side encryption: which key seals an object (SSE-S3, SSE-KMS, SSE-C, the bucket's
default), the KMS key provider the blob engine calls, and the response members that say it.

Every object is encrypted at rest, as in S3 since 2023: SSE-S3 ("AES256") unless the request
or the bucket's default encryption asks for a KMS key, or the request brings its own key
(SSE-C: base64 key and its MD5 in headers; the key is never stored).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

from cloudtwin.aws._arns import arn, kms_key_ref
from cloudtwin.aws.s3.checksums import decode_b64
from cloudtwin.aws.s3.env import bucket_arn
from cloudtwin.aws.s3.errors import invalid_argument
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.blobs import Blob, BlobsEngine, Sealing
from cloudtwin.engines.keys import AES_256, ENCRYPT, PROVIDER, KeysEngine, NewKey

KMS = ("aws:kms", "aws:kms:dsse")
PROVIDER_ALIAS = "alias/aws/s3"
SETTING = "encryption"


class KmsKeys:
    """The blob engine's KeyProvider for "key" sealing, on the keys engine."""

    def __init__(self, keys: KeysEngine) -> None:
        self.keys = keys

    def seal(self, scope: Scope, key_ref: str, place: tuple[str, str]) -> tuple[bytes, bytes, str]:
        if key_ref:
            key_scope, ref = kms_key_ref(key_ref, scope)
        else:
            key_scope = scope
            ref = self.keys.provider_key(scope, PROVIDER_ALIAS, NewKey(
                AES_256, ENCRYPT, "Default key that protects my s3 data when no other key is defined",
                manager=PROVIDER, rotation_days=365)).key_id
        data_key = self.keys.crypto.generate_data_key(key_scope, ref, 32, object_context(place))
        return data_key.plaintext, data_key.ciphertext, arn("kms", key_scope, f"key/{data_key.key_id}")

    def unseal(self, scope: Scope, key_ref: str, wrapped: bytes, place: tuple[str, str]) -> bytes:
        key_scope, _ = kms_key_ref(key_ref, scope)
        return self.keys.crypto.decrypt_data_key(key_scope, wrapped, object_context(place))


def object_context(place: tuple[str, str]) -> dict[str, str]:
    """The encryption context S3 gives KMS for an object's data key: the object's ARN."""
    bucket, key = place
    return {"aws:s3:arn": f"{bucket_arn(bucket)}/{key}"}


def customer_sealing(p: Mapping[str, Any], prefix: str = "") -> Sealing | None:
    """The SSE-C key of a request (``prefix`` "CopySource" for a copy's source), checked against its MD5."""
    algorithm = p.get(f"{prefix}SSECustomerAlgorithm")
    if algorithm is None:
        return None
    if algorithm != "AES256":
        raise invalid_argument("The encryption algorithm specified is not valid.",
                               "x-amz-server-side-encryption-customer-algorithm", algorithm)
    key = decode_b64(p.get(f"{prefix}SSECustomerKey", ""), "encryption key")
    given_md5 = p.get(f"{prefix}SSECustomerKeyMD5")
    if len(key) != 32:
        raise invalid_argument("The secret key was invalid for the specified algorithm.",
                               "x-amz-server-side-encryption-customer-key", "")
    if given_md5 and decode_b64(given_md5, "key MD5") != hashlib.md5(key).digest():
        raise invalid_argument("The calculated MD5 hash of the key did not match the hash that was provided.",
                               "x-amz-server-side-encryption-customer-key-MD5", given_md5)
    return Sealing("customer", customer_key=key)


def bucket_default(blobs: BlobsEngine, bucket: str) -> tuple[str, str]:
    """(algorithm, KMS key id) of the bucket's default encryption."""
    rules = blobs.container(bucket).settings.get(SETTING, {}).get("Rules", [])
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    return default.get("SSEAlgorithm", "AES256"), default.get("KMSMasterKeyID", "")


def sealing_for_write(blobs: BlobsEngine, bucket: str, p: Mapping[str, Any]) -> Sealing:
    customer = customer_sealing(p)
    if customer is not None:
        return customer
    algorithm, key_id = bucket_default(blobs, bucket)
    if p.get("ServerSideEncryption"):
        algorithm, key_id = p["ServerSideEncryption"], p.get("SSEKMSKeyId", "")
    if algorithm in KMS:
        return Sealing("key", key_ref=key_id or p.get("SSEKMSKeyId", ""))
    return Sealing("managed")


def encryption_members(blob: Blob) -> dict[str, Any]:
    if blob.sealing_mode == "customer":
        return {"SSECustomerAlgorithm": "AES256", "SSECustomerKeyMD5": base64.b64encode(blob.customer_key_md5).decode()}
    if blob.sealing_mode == "key":
        return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": blob.key_ref}
    return {"ServerSideEncryption": "AES256"}
