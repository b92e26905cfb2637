"""KmsEnv: the engine the KMS face calls, and how a request's KeyId becomes a key reference."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cloudtwin.aws._arns import arn, kms_key_ref
from cloudtwin.aws.kms.names import AWS_ALIAS_PREFIX, DEFAULT_ROTATION_DAYS, default_policy
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.keys import AES_256, ENCRYPT, PROVIDER, KeysEngine, NewKey
from cloudtwin.protocols.aws.errors import AwsError

Target = tuple[Scope, str]
#: What a key id looks like; anything else that is not an alias name names no key (and never
#: one of the engine's INTERNAL keys, whose aliases do not begin with alias/).
_KEY_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class KmsEnv:
    keys: KeysEngine


def key_arn(scope: Scope, key_id: str) -> str:
    return arn("kms", scope, f"key/{key_id}")


def alias_arn(scope: Scope, name: str) -> str:
    return arn("kms", scope, name)


def target(env: KmsEnv, ctx: RequestContext, value: str) -> Target:
    """(scope, ref) of a KeyId in any of its four forms; an ``alias/aws/...`` alias brings its AWS
    managed key into being, as AWS does on first use."""
    scope, ref = kms_key_ref(value, ctx.scope)
    if not ref.startswith("alias/") and not _KEY_ID.fullmatch(ref):
        raise AwsError("NotFoundException", f"Invalid keyId '{value}'")
    if ref.startswith(AWS_ALIAS_PREFIX):
        service = ref[len(AWS_ALIAS_PREFIX):]
        env.keys.provider_key(scope, ref, NewKey(
            AES_256, ENCRYPT, f"Default key that protects my {service} data when no other key is defined",
            {"default": default_policy(scope.tenant)}, manager=PROVIDER, rotation_days=DEFAULT_ROTATION_DAYS))
    return scope, ref


def key_target(env: KmsEnv, ctx: RequestContext, p: dict[str, Any], member: str = "KeyId") -> Target:
    return target(env, ctx, p[member])


def context_of(p: dict[str, Any], member: str = "EncryptionContext") -> dict[str, str] | None:
    return p.get(member) or None


def dry_run(env: KmsEnv, scope: Scope, ref: str, p: dict[str, Any]) -> None:
    """Answer a DryRun request once its key is found: AWS's DryRunOperationException."""
    if p.get("DryRun"):
        env.keys.key(scope, ref)
        raise AwsError("DryRunOperationException",
                       "The request would have succeeded, but the DryRun option is set.", 412)


def no_recipient(p: dict[str, Any]) -> None:
    if "Recipient" in p:
        raise AwsError("UnsupportedOperationException", "Recipient (Nitro Enclaves attestation) is not supported "
                       "by cloudtwin")
