"""KMS encryption: Encrypt, Decrypt, ReEncrypt, the GenerateDataKey family, GenerateRandom."""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.kms.env import KmsEnv, context_of, dry_run, key_arn, key_target, no_recipient, target
from cloudtwin.aws.kms.names import DATA_KEY_BYTES, ENCRYPTION, ENCRYPTION_NAMES, KEY_PAIR_SPECS
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.keys import Decrypted
from cloudtwin.protocols.aws.errors import AwsError, validation_error

operations = Operations()


def _algorithm(p: Params, member: str = "EncryptionAlgorithm") -> str:
    return ENCRYPTION[p.get(member, "SYMMETRIC_DEFAULT")]


@operations.operation("Encrypt")
def encrypt(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, ref = key_target(env, ctx, p)
    dry_run(env, scope, ref, p)
    sealed = env.keys.crypto.encrypt(scope, ref, p["Plaintext"], context_of(p), _algorithm(p))
    return {"CiphertextBlob": sealed.ciphertext, "KeyId": key_arn(scope, sealed.key_id),
            "EncryptionAlgorithm": p.get("EncryptionAlgorithm", "SYMMETRIC_DEFAULT")}


def _decrypted(scope: Scope, opened: Decrypted, p: Params) -> dict[str, Any]:
    return {"KeyId": key_arn(scope, opened.key_id), "EncryptionAlgorithm": p.get("EncryptionAlgorithm",
                                                                                  "SYMMETRIC_DEFAULT"),
            "KeyMaterialId": opened.material_id}


@operations.operation("Decrypt")
def decrypt(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    no_recipient(p)
    if "CiphertextBlob" not in p:
        raise validation_error("1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy "
                               "constraint: Member must not be null")
    scope, ref = key_target(env, ctx, p) if "KeyId" in p else (ctx.scope, None)
    if ref is not None:
        dry_run(env, scope, ref, p)
    opened = env.keys.crypto.decrypt(scope, p["CiphertextBlob"], context_of(p), ref, _algorithm(p))
    return {"Plaintext": opened.plaintext, **_decrypted(scope, opened, p)}


@operations.operation("ReEncrypt")
def re_encrypt(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, destination = key_target(env, ctx, p, "DestinationKeyId")
    dry_run(env, scope, destination, p)
    source = target(env, ctx, p["SourceKeyId"])[1] if "SourceKeyId" in p else None
    opened, sealed = env.keys.crypto.re_encrypt(
        scope, p["CiphertextBlob"], destination, context_of(p, "SourceEncryptionContext"),
        context_of(p, "DestinationEncryptionContext"), source, _algorithm(p, "SourceEncryptionAlgorithm"),
        _algorithm(p, "DestinationEncryptionAlgorithm"))
    return {"CiphertextBlob": sealed.ciphertext, "SourceKeyId": key_arn(scope, opened.key_id),
            "KeyId": key_arn(scope, sealed.key_id),
            "SourceEncryptionAlgorithm": ENCRYPTION_NAMES[_algorithm(p, "SourceEncryptionAlgorithm")],
            "DestinationEncryptionAlgorithm": ENCRYPTION_NAMES[_algorithm(p, "DestinationEncryptionAlgorithm")],
            "SourceKeyMaterialId": opened.material_id, "DestinationKeyMaterialId": sealed.material_id}


def _without_plaintext(ctx: RequestContext, made: dict[str, Any], secret: str) -> dict[str, Any]:
    """The ...WithoutPlaintext operations answer the same, less the secret."""
    if ctx.operation.endswith("WithoutPlaintext"):
        del made[secret]
    return made


@operations.operation("GenerateDataKey")
@operations.operation("GenerateDataKeyWithoutPlaintext")
def generate_data_key(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    no_recipient(p)
    if ("NumberOfBytes" in p) == ("KeySpec" in p):
        raise validation_error("Please specify either number of bytes or key spec.")
    size = p["NumberOfBytes"] if "NumberOfBytes" in p else DATA_KEY_BYTES[p["KeySpec"]]
    scope, ref = key_target(env, ctx, p)
    dry_run(env, scope, ref, p)
    made = env.keys.crypto.generate_data_key(scope, ref, size, context_of(p))
    return _without_plaintext(ctx, {"CiphertextBlob": made.ciphertext, "Plaintext": made.plaintext,
                                    "KeyId": key_arn(scope, made.key_id), "KeyMaterialId": made.material_id},
                              "Plaintext")


@operations.operation("GenerateDataKeyPair")
@operations.operation("GenerateDataKeyPairWithoutPlaintext")
def generate_data_key_pair(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    no_recipient(p)
    if p["KeyPairSpec"] not in KEY_PAIR_SPECS:
        raise AwsError("UnsupportedOperationException", f"KeyPairSpec {p['KeyPairSpec']} is not supported by "
                       f"cloudtwin")
    scope, ref = key_target(env, ctx, p)
    dry_run(env, scope, ref, p)
    pair = env.keys.crypto.generate_data_key_pair(scope, ref, KEY_PAIR_SPECS[p["KeyPairSpec"]], context_of(p))
    return _without_plaintext(ctx, {
        "PrivateKeyCiphertextBlob": pair.private_ciphertext, "PrivateKeyPlaintext": pair.private_key,
        "PublicKey": pair.public_key, "KeyId": key_arn(scope, pair.key_id), "KeyPairSpec": p["KeyPairSpec"],
        "KeyMaterialId": pair.material_id}, "PrivateKeyPlaintext")


@operations.operation("GenerateRandom")
def generate_random(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    no_recipient(p)
    if "CustomKeyStoreId" in p:
        raise AwsError("CustomKeyStoreNotFoundException", f"Custom key store {p['CustomKeyStoreId']} not found")
    if "NumberOfBytes" not in p:
        raise validation_error("1 validation error detected: Value null at 'numberOfBytes' failed to satisfy "
                               "constraint: Member must not be null")
    return {"Plaintext": env.keys.crypto.random(p["NumberOfBytes"])}
