"""KMS's names for what the keys engine calls by neutral names, and KMS's own numbers.

Key specs, key usages, states and algorithms both ways; the limits and defaults the API
reference documents (ScheduleKeyDeletion's 7-30 day window, 25 on-demand rotations per key,
50 tags per key, data key sizes); and the default key policy AWS gives a new key.
"""

from __future__ import annotations

import orjson

from cloudtwin.engines.keys import (
    AGREE, DISABLED, ENABLED, ENCRYPT, MAC, PENDING_DELETION, PENDING_IMPORT, SIGN, SYMMETRIC_GCM, KeyInfo,
)

KEY_SPECS = {
    "SYMMETRIC_DEFAULT": "aes-256", "RSA_2048": "rsa-2048", "RSA_3072": "rsa-3072", "RSA_4096": "rsa-4096",
    "ECC_NIST_P256": "ec-p256", "ECC_NIST_P384": "ec-p384", "ECC_NIST_P521": "ec-p521",
    "ECC_SECG_P256K1": "ec-secp256k1",
    "HMAC_224": "hmac-224", "HMAC_256": "hmac-256", "HMAC_384": "hmac-384", "HMAC_512": "hmac-512",
}
USAGES = {"ENCRYPT_DECRYPT": ENCRYPT, "SIGN_VERIFY": SIGN, "GENERATE_VERIFY_MAC": MAC, "KEY_AGREEMENT": AGREE}
STATES = {ENABLED: "Enabled", DISABLED: "Disabled", PENDING_DELETION: "PendingDeletion",
          PENDING_IMPORT: "PendingImport"}
ENCRYPTION = {"SYMMETRIC_DEFAULT": SYMMETRIC_GCM, "RSAES_OAEP_SHA_1": "rsa-oaep-sha1",
              "RSAES_OAEP_SHA_256": "rsa-oaep-sha256"}
SIGNING = {
    **{f"RSASSA_PSS_SHA_{bits}": f"rsa-pss-sha{bits}" for bits in (256, 384, 512)},
    **{f"RSASSA_PKCS1_V1_5_SHA_{bits}": f"rsa-pkcs1-sha{bits}" for bits in (256, 384, 512)},
    **{f"ECDSA_SHA_{bits}": f"ecdsa-sha{bits}" for bits in (256, 384, 512)},
}
MACS = {f"HMAC_SHA_{bits}": f"hmac-sha{bits}" for bits in (224, 256, 384, 512)}
KEY_PAIR_SPECS = {name: neutral for name, neutral in KEY_SPECS.items() if neutral[:3] in ("rsa", "ec-")}
DATA_KEY_BYTES = {"AES_256": 32, "AES_128": 16}
WRAPPING_ALGORITHMS = {"RSAES_OAEP_SHA_1": "rsa-oaep-sha1", "RSAES_OAEP_SHA_256": "rsa-oaep-sha256",
                       "RSA_AES_KEY_WRAP_SHA_1": "rsa-aes-kwp-sha1", "RSA_AES_KEY_WRAP_SHA_256": "rsa-aes-kwp-sha256"}
WRAPPING_KEY_SPECS = {spec: KEY_SPECS[spec] for spec in ("RSA_2048", "RSA_3072", "RSA_4096")}
IMPORT_PARAMETERS_SECONDS = 24 * 3600

SPEC_NAMES = {v: k for k, v in KEY_SPECS.items()}
USAGE_NAMES = {v: k for k, v in USAGES.items()}
ENCRYPTION_NAMES = {v: k for k, v in ENCRYPTION.items()}
SIGNING_NAMES = {v: k for k, v in SIGNING.items()}
MAC_NAMES = {v: k for k, v in MACS.items()}

#: Which usages each key spec allows.
SPEC_USAGES = {spec: ("ENCRYPT_DECRYPT",) for spec in ("SYMMETRIC_DEFAULT",)} | {
    spec: ("ENCRYPT_DECRYPT", "SIGN_VERIFY") for spec in ("RSA_2048", "RSA_3072", "RSA_4096")} | {
    spec: ("SIGN_VERIFY", "KEY_AGREEMENT") for spec in ("ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521")} | {
    "ECC_SECG_P256K1": ("SIGN_VERIFY",)} | {
    spec: ("GENERATE_VERIFY_MAC",) for spec in ("HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512")}

PENDING_WINDOW_DAYS = (7, 30)
DEFAULT_PENDING_WINDOW_DAYS = 30
DEFAULT_ROTATION_DAYS = 365
ON_DEMAND_ROTATION_LIMIT = 25
MAX_TAGS = 50
POLICY_NAME = "default"
AWS_ALIAS_PREFIX = "alias/aws/"
#: The AWS managed key aliases ListAliases shows in every account, with or without their key.
PREDEFINED_ALIASES = tuple(f"{AWS_ALIAS_PREFIX}{service}" for service in (
    "acm", "dynamodb", "ebs", "elasticfilesystem", "es", "glue", "kinesisvideo", "lambda", "rds", "redshift",
    "s3", "secretsmanager", "sns", "sqs", "ssm", "xray"))


def default_policy(account: str) -> str:
    """The key policy AWS gives a key created without one: the account's root may do everything."""
    return orjson.dumps({
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }],
    }, option=orjson.OPT_INDENT_2).decode()


def algorithms(key: KeyInfo) -> dict[str, list[str]]:
    """The algorithm lists of KeyMetadata and GetPublicKey that apply to the key's usage."""
    if key.usage == ENCRYPT:
        return {"EncryptionAlgorithms": [ENCRYPTION_NAMES[a] for a in key.type.encryption]}
    if key.usage == SIGN:
        return {"SigningAlgorithms": [SIGNING_NAMES[a] for a in key.type.signing]}
    if key.usage == AGREE:
        return {"KeyAgreementAlgorithms": [a.upper() for a in key.type.agreement]}
    return {"MacAlgorithms": [MAC_NAMES[a] for a in key.type.mac]}
