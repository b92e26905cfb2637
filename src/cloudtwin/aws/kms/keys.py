"""KMS key operations: create, describe, list, describe/enable/disable, schedule and cancel deletion."""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.kms.describe import key_metadata, page
from cloudtwin.aws.kms.env import KmsEnv, key_arn, key_target
from cloudtwin.aws.kms.names import (
    DEFAULT_PENDING_WINDOW_DAYS, KEY_SPECS, PENDING_WINDOW_DAYS, POLICY_NAME, SPEC_USAGES, USAGES, default_policy,
)
from cloudtwin.aws.kms.policies import checked_policy, checked_tags
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines.keys import NewKey
from cloudtwin.protocols.aws.errors import AwsError, validation_error

operations = Operations()


def unsupported(message: str) -> AwsError:
    return AwsError("UnsupportedOperationException", message)


def _spec_and_usage(p: Params) -> tuple[str, str]:
    if "KeySpec" in p and "CustomerMasterKeySpec" in p:
        raise validation_error("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
                               "CustomerMasterKeySpec is deprecated.")
    spec = p.get("KeySpec") or p.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    usage = p.get("KeyUsage", "ENCRYPT_DECRYPT")
    if spec not in KEY_SPECS:
        raise unsupported(f"KeySpec {spec} is not supported by cloudtwin")
    if usage not in USAGES:
        raise unsupported(f"KeyUsage {usage} is not supported by cloudtwin")
    if usage not in SPEC_USAGES[spec]:
        raise validation_error(f"KeyUsage {usage} is not compatible with KeySpec {spec}")
    return spec, usage


@operations.operation("CreateKey")
def create_key(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    spec, usage = _spec_and_usage(p)
    origin = p.get("Origin", "AWS_KMS")
    if origin not in ("AWS_KMS", "EXTERNAL") or p.get("MultiRegion") or p.get("CustomKeyStoreId"):
        raise unsupported("cloudtwin creates single-Region keys with Origin AWS_KMS or EXTERNAL only")
    policy = checked_policy(p.get("Policy") or default_policy(ctx.scope.tenant))
    new = NewKey(KEY_SPECS[spec], USAGES[usage], p.get("Description", ""), {POLICY_NAME: policy},
                 checked_tags(p.get("Tags", [])), imported=origin == "EXTERNAL")
    return {"KeyMetadata": key_metadata(env.keys.create_key(ctx.scope, new))}


@operations.operation("DescribeKey")
def describe_key(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    return {"KeyMetadata": key_metadata(env.keys.key(*key_target(env, ctx, p)))}


@operations.operation("ListKeys")
def list_keys(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    keys, more = page(env.keys.keys(ctx.scope), p)
    return {"Keys": [{"KeyId": k.key_id, "KeyArn": key_arn(k.scope, k.key_id)} for k in keys], **more}


@operations.operation("UpdateKeyDescription")
def update_key_description(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.keys.set_description(*key_target(env, ctx, p), p["Description"])
    return {}


@operations.operation("EnableKey")
def enable_key(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.keys.enable(*key_target(env, ctx, p))
    return {}


@operations.operation("DisableKey")
def disable_key(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.keys.disable(*key_target(env, ctx, p))
    return {}


@operations.operation("ScheduleKeyDeletion")
def schedule_key_deletion(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    days = p.get("PendingWindowInDays", DEFAULT_PENDING_WINDOW_DAYS)
    low, high = PENDING_WINDOW_DAYS
    if not low <= days <= high:
        bound = f"greater than or equal to {low}" if days < low else f"less than or equal to {high}"
        raise validation_error(f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed "
                               f"to satisfy constraint: Member must have value {bound}")
    key = env.keys.schedule_deletion(*key_target(env, ctx, p), days)
    return {"KeyId": key_arn(key.scope, key.key_id), "DeletionDate": key.delete_at, "KeyState": "PendingDeletion",
            "PendingWindowInDays": days}


@operations.operation("CancelKeyDeletion")
def cancel_key_deletion(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    key = env.keys.cancel_deletion(*key_target(env, ctx, p))
    return {"KeyId": key_arn(key.scope, key.key_id)}
