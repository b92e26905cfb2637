"""KMS imported key material: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial."""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.kms.env import KmsEnv, key_arn, key_target
from cloudtwin.aws.kms.names import IMPORT_PARAMETERS_SECONDS, WRAPPING_ALGORITHMS, WRAPPING_KEY_SPECS
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.protocols.aws.errors import AwsError, validation_error

operations = Operations()


@operations.operation("GetParametersForImport")
def get_parameters_for_import(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    algorithm, spec = p["WrappingAlgorithm"], p["WrappingKeySpec"]
    if algorithm not in WRAPPING_ALGORITHMS or spec not in WRAPPING_KEY_SPECS:
        raise AwsError("UnsupportedOperationException", f"{algorithm} with {spec} is not supported by cloudtwin "
                       f"(RSAES_PKCS1_V1_5 is no longer supported by AWS either)")
    scope, ref = key_target(env, ctx, p)
    made = env.keys.imports.parameters(scope, ref, WRAPPING_KEY_SPECS[spec], WRAPPING_ALGORITHMS[algorithm],
                                       IMPORT_PARAMETERS_SECONDS)
    return {"KeyId": key_arn(scope, made.key_id), "ImportToken": made.token.encode("ascii"),
            "PublicKey": made.public_key, "ParametersValidTo": made.valid_to}


def _valid_to(p: Params) -> float | None:
    expires = p.get("ExpirationModel", "KEY_MATERIAL_EXPIRES" if "ValidTo" in p else "KEY_MATERIAL_DOES_NOT_EXPIRE")
    if expires == "KEY_MATERIAL_EXPIRES" and "ValidTo" not in p:
        raise validation_error("A ValidTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
    if expires == "KEY_MATERIAL_DOES_NOT_EXPIRE" and "ValidTo" in p:
        raise validation_error("A ValidTo date must not be set if the ExpirationModel is "
                               "KEY_MATERIAL_DOES_NOT_EXPIRE")
    return p["ValidTo"].timestamp() if "ValidTo" in p else None


@operations.operation("ImportKeyMaterial")
def import_key_material(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    valid_to = _valid_to(p)
    scope, ref = key_target(env, ctx, p)
    if p.get("ImportType") == "NEW_KEY_MATERIAL" and env.keys.key(scope, ref).material_id:
        raise AwsError("UnsupportedOperationException", "cloudtwin keeps one imported key material per key: "
                       "only the same material can be imported again")
    token = p["ImportToken"].decode("ascii", "replace")
    key = env.keys.imports.import_material(scope, ref, token, p["EncryptedKeyMaterial"], valid_to)
    return {"KeyId": key_arn(scope, key.key_id), "KeyMaterialId": key.material_id}


@operations.operation("DeleteImportedKeyMaterial")
def delete_imported_key_material(env: KmsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, ref = key_target(env, ctx, p)
    key = env.keys.key(scope, ref)
    env.keys.imports.delete_material(scope, ref)
    return {"KeyId": key_arn(scope, key.key_id), "KeyMaterialId": key.material_id}
