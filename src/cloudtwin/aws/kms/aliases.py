"""KMS aliases: create, update, delete, list. Names begin with alias/; alias/aws/ is AWS's."""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._arns import kms_key_ref
from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.kms.describe import alias_entry, page
from cloudtwin.aws.kms.env import KmsEnv, alias_arn, key_target
from cloudtwin.aws.kms.names import AWS_ALIAS_PREFIX, PREDEFINED_ALIASES
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.protocols.aws.errors import AwsError, validation_error

operations = Operations()


def _customer_alias(p: Params) -> str:
    name = p["AliasName"]
    if not name.startswith("alias/") or name == "alias/":
        raise validation_error("Invalid identifier")
    if ":" in name:
        raise validation_error(f"{name} contains invalid characters for an alias")
    if name.startswith(AWS_ALIAS_PREFIX):
        raise AwsError("NotAuthorizedException", f"{name}: the alias/aws/ prefix is reserved for AWS managed keys")
    return name


def _target_key(ctx: RequestContext, p: Params) -> str:
    ref = kms_key_ref(p["TargetKeyId"], ctx.scope)[1]
    if ref.startswith("alias/"):
        raise validation_error("Aliases must refer to keys. Not aliases")
    return ref


@operations.operation("CreateAlias")
def create_alias(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.keys.create_alias(ctx.scope, _customer_alias(p), _target_key(ctx, p))
    return {}


@operations.operation("UpdateAlias")
def update_alias(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.keys.update_alias(ctx.scope, _customer_alias(p), _target_key(ctx, p))
    return {}


@operations.operation("DeleteAlias")
def delete_alias(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.keys.delete_alias(ctx.scope, _customer_alias(p))
    return {}


@operations.operation("ListAliases")
def list_aliases(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    """The scope's aliases, with AWS's predefined alias/aws/... names that have no key yet."""
    entries = [alias_entry(ctx.scope, a) for a in env.keys.aliases(ctx.scope)]
    if "KeyId" in p:
        key_id = env.keys.key(*key_target(env, ctx, p)).key_id
        entries = [e for e in entries if e["TargetKeyId"] == key_id]
    else:
        named = {e["AliasName"] for e in entries}
        entries += [{"AliasName": name, "AliasArn": alias_arn(ctx.scope, name)}
                    for name in PREDEFINED_ALIASES if name not in named]
    chunk, more = page(sorted(entries, key=lambda e: e["AliasName"]), p, 50)
    return {"Aliases": chunk, **more}
