"""KMS grants: create, list, list retirable, revoke, retire. Recorded, not enforced yet."""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.kms.describe import grant_entry, page
from cloudtwin.aws.kms.env import KmsEnv, dry_run, key_target
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.protocols.aws.errors import validation_error

operations = Operations()


@operations.operation("CreateGrant")
def create_grant(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, ref = key_target(env, ctx, p)
    dry_run(env, scope, ref, p)
    grant = env.keys.grants.create(scope, ref, p["GranteePrincipal"], p["Operations"],
                                   retiring=p.get("RetiringPrincipal", ""), constraints=p.get("Constraints"),
                                   name=p.get("Name", ""))
    return {"GrantToken": grant.token, "GrantId": grant.grant_id}


@operations.operation("ListGrants")
def list_grants(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, ref = key_target(env, ctx, p)
    grants = [g for g in env.keys.grants.grants(scope, ref)
              if p.get("GrantId", g.grant_id) == g.grant_id and p.get("GranteePrincipal", g.grantee) == g.grantee]
    chunk, more = page(grants, p, 50)
    return {"Grants": [grant_entry(scope, g) for g in chunk], **more}


@operations.operation("ListRetirableGrants")
def list_retirable_grants(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    chunk, more = page(env.keys.grants.retirable(ctx.scope, p["RetiringPrincipal"]), p, 50)
    return {"Grants": [grant_entry(ctx.scope, g) for g in chunk], **more}


@operations.operation("RevokeGrant")
def revoke_grant(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, ref = key_target(env, ctx, p)
    dry_run(env, scope, ref, p)
    env.keys.grants.revoke(scope, ref, p["GrantId"])
    return {}


@operations.operation("RetireGrant")
def retire_grant(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    if "GrantToken" in p:
        env.keys.grants.retire(ctx.scope, token=p["GrantToken"])
    elif "KeyId" in p and "GrantId" in p:
        scope, ref = key_target(env, ctx, p)
        env.keys.grants.retire(scope, ref=ref, grant_id=p["GrantId"])
    else:
        raise validation_error("Either the GrantToken or both the KeyId and GrantId must be specified")
    return {}
