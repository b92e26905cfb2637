"""Versioning and Object Lock: bucket versioning state, the bucket's lock configuration and
default retention, and per-version retention (GOVERNANCE, COMPLIANCE) and legal hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from cloudtwin.aws._face import Operations
from cloudtwin.aws.s3.errors import invalid_request, malformed_xml
from cloudtwin.aws.s3.env import S3Env
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines.blobs import ENABLED, SUSPENDED, Retention
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()
Params = dict[str, Any]
DAY = 86400.0
YEAR = 365 * DAY


@operations.operation("PutBucketVersioning")
def put_bucket_versioning(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    status = (p.get("VersioningConfiguration") or {}).get("Status")
    if status not in ("Enabled", "Suspended"):
        raise malformed_xml()
    env.blobs.set_versioning(p["Bucket"], status == "Enabled")
    return {}


@operations.operation("GetBucketVersioning")
def get_bucket_versioning(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    state = env.blobs.container(p["Bucket"]).versioning
    return {"Status": {ENABLED: "Enabled", SUSPENDED: "Suspended"}[state]} if state else {}


@operations.operation("PutObjectLockConfiguration")
def put_object_lock_configuration(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    config = p.get("ObjectLockConfiguration") or {}
    if config.get("ObjectLockEnabled") != "Enabled":
        raise malformed_xml()
    default = (config.get("Rule") or {}).get("DefaultRetention")
    retention = None
    if default:
        days, years = default.get("Days"), default.get("Years")
        if (days is None) == (years is None) or not default.get("Mode"):
            raise malformed_xml()
        retention = (default["Mode"].lower(), days * DAY if days is not None else years * YEAR)
    env.blobs.set_lock(p["Bucket"], retention)
    env.blobs.set_setting(p["Bucket"], "lock-rule", config.get("Rule"))
    return {}


@operations.operation("GetObjectLockConfiguration")
def get_object_lock_configuration(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    box = env.blobs.container(p["Bucket"])
    if not box.lock_enabled:
        raise AwsError("ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this "
                       "bucket", 404, fields={"BucketName": p["Bucket"]})
    config: dict[str, Any] = {"ObjectLockEnabled": "Enabled"}
    if box.settings.get("lock-rule"):
        config["Rule"] = box.settings["lock-rule"]
    return {"ObjectLockConfiguration": config}


def _locked_bucket(env: S3Env, bucket: str) -> None:
    if not env.blobs.container(bucket).lock_enabled:
        raise invalid_request("Bucket is missing Object Lock Configuration")


@operations.operation("PutObjectRetention")
def put_object_retention(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    _locked_bucket(env, p["Bucket"])
    given = p.get("Retention") or {}
    until = given.get("RetainUntilDate")
    if bool(given.get("Mode")) != bool(until):
        raise malformed_xml()
    retention = Retention(given["Mode"].lower(), until.timestamp() if isinstance(until, datetime) else until) \
        if until else None
    env.blobs.set_retention(p["Bucket"], p["Key"], p.get("VersionId"), retention,
                            bypass=bool(p.get("BypassGovernanceRetention")))
    return {}


@operations.operation("GetObjectRetention")
def get_object_retention(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    _locked_bucket(env, p["Bucket"])
    retention = env.blobs.head(p["Bucket"], p["Key"], p.get("VersionId")).props.retention
    if retention is None:
        raise AwsError("NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock "
                       "configuration", 404)
    return {"Retention": {"Mode": retention.mode.upper(), "RetainUntilDate": retention.until}}


@operations.operation("PutObjectLegalHold")
def put_object_legal_hold(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    _locked_bucket(env, p["Bucket"])
    status = (p.get("LegalHold") or {}).get("Status")
    if status not in ("ON", "OFF"):
        raise malformed_xml()
    env.blobs.update(p["Bucket"], p["Key"], p.get("VersionId"),
                     lambda b: replace(b, props=replace(b.props, legal_hold=status == "ON")))
    return {}


@operations.operation("GetObjectLegalHold")
def get_object_legal_hold(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    _locked_bucket(env, p["Bucket"])
    blob = env.blobs.head(p["Bucket"], p["Key"], p.get("VersionId"))
    return {"LegalHold": {"Status": "ON" if blob.props.legal_hold else "OFF"}}
