"""Bucket operations: create (with S3's naming rules), delete, head, list, location, and the
settings S3 stores as given (policy, ACL, tagging, encryption, website, ownership...)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from cloudtwin.aws._face import Operations
from cloudtwin.aws.s3.documents import stored_document
from cloudtwin.aws.s3.encryption import SETTING as ENCRYPTION
from cloudtwin.aws.s3.env import S3Env
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()
Params = dict[str, Any]

_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
DEFAULT_ENCRYPTION = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                                 "BucketKeyEnabled": False}]}


def check_bucket_name(name: str) -> None:
    """S3's bucket naming rules (User Guide, "General purpose bucket naming rules")."""
    if (not _NAME.match(name) or ".." in name or _IP.match(name) or name.startswith(_RESERVED_PREFIXES)
            or name.endswith(_RESERVED_SUFFIXES)):
        raise AwsError("InvalidBucketName", "The specified bucket is not valid.", fields={"BucketName": name})


def owner(ctx: RequestContext) -> dict[str, str]:
    return {"DisplayName": "webfile", "ID": hashlib.sha256(ctx.scope.tenant.encode()).hexdigest()}


@operations.operation("CreateBucket")
def create_bucket(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = p["Bucket"]
    check_bucket_name(name)
    constraint = (p.get("CreateBucketConfiguration") or {}).get("LocationConstraint")
    if constraint and constraint != ctx.scope.location:
        raise AwsError("IllegalLocationConstraintException", f"The {constraint} location constraint is incompatible "
                       f"for the region specific endpoint this request was sent to.")
    env.blobs.create_container(ctx.scope, name, lock_enabled=bool(p.get("ObjectLockEnabledForBucket")))
    return {"Location": f"/{name}"}


@operations.operation("DeleteBucket")
def delete_bucket(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.blobs.delete_container(p["Bucket"])
    return {}


@operations.operation("HeadBucket")
def head_bucket(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    _, location = env.blobs.container_owner(p["Bucket"])
    return {"BucketRegion": location}


@operations.operation("GetBucketLocation")
def get_bucket_location(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    _, location = env.blobs.container_owner(p["Bucket"])
    return {"LocationConstraint": None if location == "us-east-1" else location}


@operations.operation("ListBuckets")
def list_buckets(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    prefix, after = p.get("Prefix", ""), p.get("ContinuationToken", "")
    names = [(name, location, created) for name, location, created in env.blobs.list_containers(ctx.scope)
             if name.startswith(prefix) and name > after and location == p.get("BucketRegion", location)]
    limit = min(p.get("MaxBuckets", 10000), 10000)
    page = names[:limit]
    out: dict[str, Any] = {"Buckets": [{"Name": n, "CreationDate": c, "BucketRegion": r} for n, r, c in page],
                           "Owner": owner(ctx)}
    if prefix:
        out["Prefix"] = prefix
    if len(names) > limit:
        out["ContinuationToken"] = page[-1][0]
    return out


def _full_control(ctx: RequestContext) -> dict[str, Any]:
    grantee = {**owner(ctx), "Type": "CanonicalUser"}
    return {"Owner": owner(ctx), "Grants": [{"Grantee": grantee, "Permission": "FULL_CONTROL"}]}


@operations.operation("PutBucketAcl")
def put_bucket_acl(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.blobs.set_setting(p["Bucket"], "acl", p.get("ACL") or "private")
    return {}


@operations.operation("GetBucketAcl")
def get_bucket_acl(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.blobs.container(p["Bucket"])
    return _full_control(ctx)


@operations.operation("PutObjectAcl")
def put_object_acl(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.blobs.head(p["Bucket"], p["Key"], p.get("VersionId"))
    return {}


@operations.operation("GetObjectAcl")
def get_object_acl(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.blobs.head(p["Bucket"], p["Key"], p.get("VersionId"))
    return _full_control(ctx)


stored_document(operations, "BucketPolicy", "policy", "Policy", "Policy",
                ("NoSuchBucketPolicy", "The bucket policy does not exist"))
stored_document(operations, "BucketTagging", "tagging", "Tagging", None,
                ("NoSuchTagSet", "The TagSet does not exist"))
stored_document(operations, "BucketEncryption", ENCRYPTION, "ServerSideEncryptionConfiguration",
                "ServerSideEncryptionConfiguration", None, default=DEFAULT_ENCRYPTION)
stored_document(operations, "BucketWebsite", "website", "WebsiteConfiguration", None,
                ("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"))
stored_document(operations, "BucketOwnershipControls", "ownership", "OwnershipControls", "OwnershipControls",
                ("OwnershipControlsNotFoundError", "The bucket ownership controls were not found"))
stored_document(operations, "PublicAccessBlock", "public-access", "PublicAccessBlockConfiguration",
                "PublicAccessBlockConfiguration",
                ("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"))
