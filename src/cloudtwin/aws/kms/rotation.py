"""KMS key rotation: automatic rotation on the clock, on-demand rotation, and the rotation list."""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.kms.describe import page, rotation_entry
from cloudtwin.aws.kms.env import KmsEnv, key_arn, key_target
from cloudtwin.aws.kms.names import DEFAULT_ROTATION_DAYS, ON_DEMAND_ROTATION_LIMIT
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines.keys import INITIAL, KeyInfo
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()


def _symmetric(key: KeyInfo) -> KeyInfo:
    if key.type.family != "aes":
        raise AwsError("UnsupportedOperationException",
                       f"{key_arn(key.scope, key.key_id)} key spec does not support key rotation.")
    return key


@operations.operation("EnableKeyRotation")
def enable_key_rotation(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.keys.enable_rotation(*key_target(env, ctx, p), p.get("RotationPeriodInDays", DEFAULT_ROTATION_DAYS))
    return {}


@operations.operation("DisableKeyRotation")
def disable_key_rotation(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.keys.disable_rotation(*key_target(env, ctx, p))
    return {}


@operations.operation("GetKeyRotationStatus")
def get_key_rotation_status(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    key = _symmetric(env.keys.key(*key_target(env, ctx, p)))
    status: dict[str, Any] = {"KeyRotationEnabled": key.rotation_days is not None,
                              "KeyId": key_arn(key.scope, key.key_id)}
    if key.rotation_days is not None:
        status.update(RotationPeriodInDays=key.rotation_days, NextRotationDate=key.next_rotation)
    return status


@operations.operation("RotateKeyOnDemand")
def rotate_key_on_demand(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    key = env.keys.rotate_now(*key_target(env, ctx, p), ON_DEMAND_ROTATION_LIMIT)
    return {"KeyId": key.key_id}


@operations.operation("ListKeyRotations")
def list_key_rotations(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, ref = key_target(env, ctx, p)
    key = _symmetric(env.keys.key(scope, ref))
    materials = env.keys.rotations(scope, ref)
    if p.get("IncludeKeyMaterial", "ROTATIONS_ONLY") == "ROTATIONS_ONLY":
        materials = [m for m in materials if m.origin != INITIAL]
    chunk, more = page(materials, p)
    return {"Rotations": [rotation_entry(key, m) for m in chunk], **more}
