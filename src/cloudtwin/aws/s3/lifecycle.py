"""Bucket lifecycle configuration: S3's rules as given back by GetBucketLifecycleConfiguration,
and the engine's Rules they become (applied by the blob engine's sweep on the server clock).

Filters: Prefix (also the legacy rule-level Prefix), Tag, ObjectSizeGreaterThan/LessThan and
their And. Actions: Transitions (Days; a Date applies from that day), Expiration (Days, Date,
ExpiredObjectDeleteMarker), NoncurrentVersionTransitions/Expiration (NoncurrentDays),
AbortIncompleteMultipartUpload (DaysAfterInitiation).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cloudtwin.aws._face import Operations
from cloudtwin.aws.s3.env import S3Env
from cloudtwin.aws.s3.errors import malformed_xml
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines.blobs import Rule, Transition
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()
Params = dict[str, Any]
SETTING = "lifecycle"
MAX_RULES = 1000


def _filter(rule: dict[str, Any]) -> dict[str, Any]:
    found = rule.get("Filter") or {}
    merged = {**found, **(found.get("And") or {})}
    tags = {t["Key"]: t.get("Value", "") for t in merged.get("Tags", [])}
    if "Tag" in merged:
        tags[merged["Tag"]["Key"]] = merged["Tag"].get("Value", "")
    return {"prefix": merged.get("Prefix", rule.get("Prefix", "")) or "", "tags": tags,
            "size_over": merged.get("ObjectSizeGreaterThan"), "size_under": merged.get("ObjectSizeLessThan")}


def _transitions(entries: list[dict[str, Any]], days_member: str) -> tuple[Transition, ...]:
    return tuple(Transition(int(e.get(days_member) or 0), e["StorageClass"]) for e in entries)


def to_rule(rule: dict[str, Any]) -> Rule:
    expiration = rule.get("Expiration") or {}
    noncurrent = rule.get("NoncurrentVersionExpiration") or {}
    abort = rule.get("AbortIncompleteMultipartUpload") or {}
    date = expiration.get("Date")
    return Rule(
        id=rule.get("ID", ""), enabled=rule.get("Status") == "Enabled", **_filter(rule),
        transitions=_transitions(rule.get("Transitions", []), "Days"),
        expire_days=expiration.get("Days"),
        expire_at=date.timestamp() if isinstance(date, datetime) else None,
        noncurrent_transitions=_transitions(rule.get("NoncurrentVersionTransitions", []), "NoncurrentDays"),
        noncurrent_expire_days=noncurrent.get("NoncurrentDays"),
        abort_uploads_days=abort.get("DaysAfterInitiation"),
        remove_expired_markers=bool(expiration.get("ExpiredObjectDeleteMarker")))


def _check(rules: list[dict[str, Any]]) -> None:
    if not rules or len(rules) > MAX_RULES:
        raise malformed_xml()
    ids = [r.get("ID") for r in rules if r.get("ID")]
    if len(ids) != len(set(ids)):
        raise AwsError("InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule")
    for rule in rules:
        if rule.get("Status") not in ("Enabled", "Disabled"):
            raise malformed_xml()
        actions = ("Expiration", "Transitions", "NoncurrentVersionExpiration", "NoncurrentVersionTransitions",
                   "AbortIncompleteMultipartUpload")
        if not any(rule.get(a) for a in actions):
            raise AwsError("InvalidRequest", "At least one action needs to be specified in a rule")


@operations.operation("PutBucketLifecycleConfiguration")
def put_bucket_lifecycle_configuration(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    rules = (p.get("LifecycleConfiguration") or {}).get("Rules", [])
    _check(rules)
    env.blobs.set_setting(p["Bucket"], SETTING, rules)
    env.blobs.set_rules(p["Bucket"], [to_rule(r) for r in rules])
    return {}


@operations.operation("GetBucketLifecycleConfiguration")
def get_bucket_lifecycle_configuration(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    rules = env.blobs.container(p["Bucket"]).settings.get(SETTING)
    if not rules:
        raise AwsError("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", 404,
                       fields={"BucketName": p["Bucket"]})
    return {"Rules": rules}


@operations.operation("DeleteBucketLifecycle")
def delete_bucket_lifecycle(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.blobs.set_setting(p["Bucket"], SETTING, None)
    env.blobs.set_rules(p["Bucket"], [])
    return {}
