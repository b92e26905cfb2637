"""KMS key policies and tags: get/put/list policies, tag/untag/list tags, and their checks.

Key policies are stored as given (valid JSON, one named "default"), not enforced yet; a key
made without one (an AWS managed key another service created) shows AWS's default policy.
"""

from __future__ import annotations

from typing import Any

import orjson

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.kms.describe import page
from cloudtwin.aws.kms.env import KmsEnv, key_target
from cloudtwin.aws.kms.names import MAX_TAGS, POLICY_NAME, default_policy
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()


def checked_policy(document: str) -> str:
    try:
        parsed = orjson.loads(document)
    except orjson.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        raise AwsError("MalformedPolicyDocumentException", "The key policy is not a valid JSON policy document.")
    return document


def checked_tags(tags: list[dict[str, str]]) -> dict[str, str]:
    out = {tag["TagKey"]: tag["TagValue"] for tag in tags}
    if any(name.startswith("aws:") for name in out):
        raise AwsError("TagException", "Tags beginning with aws: are reserved")
    if len(out) > MAX_TAGS:
        raise AwsError("TagException", f"Too many tags: a key has at most {MAX_TAGS}")
    return out


def _policy_name(p: Params) -> str:
    name = p.get("PolicyName", POLICY_NAME)
    if name != POLICY_NAME:
        raise AwsError("NotFoundException", f"No such policy exists: {name}. The only valid name is default.")
    return name


@operations.operation("GetKeyPolicy")
def get_key_policy(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = _policy_name(p)
    key = env.keys.key(*key_target(env, ctx, p))
    return {"Policy": key.policies.get(name) or default_policy(key.scope.tenant), "PolicyName": name}


@operations.operation("PutKeyPolicy")
def put_key_policy(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.keys.put_policy(*key_target(env, ctx, p), _policy_name(p), checked_policy(p["Policy"]))
    return {}


@operations.operation("ListKeyPolicies")
def list_key_policies(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.keys.key(*key_target(env, ctx, p))
    return {"PolicyNames": [POLICY_NAME], "Truncated": False}


@operations.operation("TagResource")
def tag_resource(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, ref = key_target(env, ctx, p)
    tags = checked_tags(p["Tags"])
    if len({**env.keys.key(scope, ref).tags, **tags}) > MAX_TAGS:
        raise AwsError("TagException", f"Too many tags: a key has at most {MAX_TAGS}")
    env.keys.tag(scope, ref, tags)
    return {}


@operations.operation("UntagResource")
def untag_resource(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.keys.untag(*key_target(env, ctx, p), p["TagKeys"])
    return {}


@operations.operation("ListResourceTags")
def list_resource_tags(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    tags = sorted(env.keys.key(*key_target(env, ctx, p)).tags.items())
    chunk, more = page(tags, p, 50)
    return {"Tags": [{"TagKey": k, "TagValue": v} for k, v in chunk], **more}
