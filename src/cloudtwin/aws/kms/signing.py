"""KMS asymmetric and MAC keys: Sign, Verify, GetPublicKey, DeriveSharedSecret, GenerateMac, VerifyMac."""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.kms.env import KmsEnv, dry_run, key_arn, key_target, no_recipient
from cloudtwin.aws.kms.names import MACS, SIGNING, SPEC_NAMES, USAGE_NAMES, algorithms
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()


def _signing_input(env: KmsEnv, ctx: RequestContext, p: Params) -> tuple[Any, str, str, bool]:
    """(scope, ref, neutral algorithm, prehashed) of a Sign or Verify request."""
    message_type = p.get("MessageType", "RAW")
    if message_type == "EXTERNAL_MU" or p["SigningAlgorithm"] not in SIGNING:
        raise AwsError("UnsupportedOperationException", f"{p['SigningAlgorithm']} with MessageType {message_type} "
                       f"is not supported by cloudtwin")
    scope, ref = key_target(env, ctx, p)
    dry_run(env, scope, ref, p)
    return scope, ref, SIGNING[p["SigningAlgorithm"]], message_type == "DIGEST"


@operations.operation("Sign")
def sign(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, ref, algorithm, prehashed = _signing_input(env, ctx, p)
    key_id, signature = env.keys.crypto.sign(scope, ref, p["Message"], algorithm, prehashed)
    return {"KeyId": key_arn(scope, key_id), "Signature": signature, "SigningAlgorithm": p["SigningAlgorithm"]}


@operations.operation("Verify")
def verify(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, ref, algorithm, prehashed = _signing_input(env, ctx, p)
    key_id = env.keys.crypto.verify(scope, ref, p["Message"], p["Signature"], algorithm, prehashed)
    return {"KeyId": key_arn(scope, key_id), "SignatureValid": True, "SigningAlgorithm": p["SigningAlgorithm"]}


@operations.operation("GetPublicKey")
def get_public_key(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    key, der = env.keys.crypto.public_key(*key_target(env, ctx, p))
    spec = SPEC_NAMES[key.type.name]
    return {"KeyId": key_arn(key.scope, key.key_id), "PublicKey": der, "CustomerMasterKeySpec": spec,
            "KeySpec": spec, "KeyUsage": USAGE_NAMES[key.usage], **algorithms(key)}


@operations.operation("DeriveSharedSecret")
def derive_shared_secret(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    no_recipient(p)
    scope, ref = key_target(env, ctx, p)
    dry_run(env, scope, ref, p)
    key_id, secret = env.keys.crypto.derive_shared_secret(scope, ref, p["PublicKey"],
                                                          p["KeyAgreementAlgorithm"].lower())
    return {"KeyId": key_arn(scope, key_id), "SharedSecret": secret,
            "KeyAgreementAlgorithm": p["KeyAgreementAlgorithm"], "KeyOrigin": "AWS_KMS"}


@operations.operation("GenerateMac")
def generate_mac(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, ref = key_target(env, ctx, p)
    dry_run(env, scope, ref, p)
    key_id, mac = env.keys.crypto.mac(scope, ref, p["Message"], MACS[p["MacAlgorithm"]])
    return {"Mac": mac, "MacAlgorithm": p["MacAlgorithm"], "KeyId": key_arn(scope, key_id)}


@operations.operation("VerifyMac")
def verify_mac(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, ref = key_target(env, ctx, p)
    dry_run(env, scope, ref, p)
    key_id = env.keys.crypto.verify_mac(scope, ref, p["Message"], MACS[p["MacAlgorithm"]], p["Mac"])
    return {"KeyId": key_arn(scope, key_id), "MacValid": True, "MacAlgorithm": p["MacAlgorithm"]}
