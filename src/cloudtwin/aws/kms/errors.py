"""Engine errors -> KMS's error shapes, with AWS's messages naming keys by their ARNs."""

from __future__ import annotations

from cloudtwin.aws.kms.env import alias_arn, key_arn
from cloudtwin.aws.kms.names import USAGE_NAMES
from cloudtwin.engines._kernel.errors import (
    AlreadyExists, ConditionFailed, Conflict, EngineError, Invalid, LimitExceeded, NotFound,
)
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.keys import (
    ALIAS, CIPHERTEXT, GRANT_TOKEN, IMPORT_TOKEN, IMPORT_TOKEN_EXPIRED, KEY, KEY_DISABLED, KEY_MATERIAL, MAC_CHECK,
    SIGNATURE, UNSUPPORTED, USAGE, WRONG_KEY,
)
from cloudtwin.protocols.aws.errors import AwsError

_INVALID = {
    CIPHERTEXT: "InvalidCiphertextException", USAGE: "InvalidKeyUsageException",
    UNSUPPORTED: "UnsupportedOperationException", GRANT_TOKEN: "InvalidGrantTokenException",
    IMPORT_TOKEN: "InvalidImportTokenException", IMPORT_TOKEN_EXPIRED: "ExpiredImportTokenException",
    KEY_MATERIAL: "IncorrectKeyMaterialException", "token": "InvalidMarkerException",
}
_FAILED = {SIGNATURE: "KMSInvalidSignatureException", MAC_CHECK: "KMSInvalidMacException"}


def _named(exc: EngineError) -> str:
    """The engine's message with the key or alias it names written as its ARN (and a refused
    usage worded as AWS words it)."""
    tenant, location = exc.extra.get("tenant"), exc.extra.get("location")
    if not (exc.name and isinstance(tenant, str) and isinstance(location, str)):
        return exc.detail
    scope = Scope(tenant, location)
    full = alias_arn(scope, exc.name) if exc.name.startswith("alias/") else key_arn(scope, exc.name)
    usage, action = exc.extra.get("usage"), exc.extra.get("action")
    if isinstance(usage, str) and action:
        return f"{full} key usage is {USAGE_NAMES[usage]} which is not valid for {action}."
    return exc.detail.replace(exc.name, full)


def _not_found(exc: NotFound) -> AwsError:
    if exc.kind in (KEY, ALIAS) and exc.name.startswith("alias/"):
        tenant, location = str(exc.extra.get("tenant", "")), str(exc.extra.get("location", ""))
        return AwsError("NotFoundException", f"Alias {alias_arn(Scope(tenant, location), exc.name)} is not found.")
    return AwsError("NotFoundException", _named(exc))


def to_aws(exc: EngineError) -> AwsError:
    if isinstance(exc, NotFound):
        return _not_found(exc)
    if isinstance(exc, AlreadyExists):
        return AwsError("AlreadyExistsException", _named(exc))
    if isinstance(exc, Conflict):
        code = "DisabledException" if exc.kind == KEY_DISABLED else "KMSInvalidStateException"
        return AwsError(code, _named(exc))
    if isinstance(exc, ConditionFailed) and exc.kind in _FAILED:
        return AwsError(_FAILED[exc.kind], exc.detail)
    if isinstance(exc, Invalid) and exc.kind == WRONG_KEY:
        return AwsError("IncorrectKeyException", "The key ID in the request does not identify a CMK that can "
                        "perform this operation.")
    if isinstance(exc, Invalid):
        return AwsError(_INVALID.get(exc.kind, "ValidationException"), _named(exc))
    if isinstance(exc, LimitExceeded):
        return AwsError("LimitExceededException", _named(exc))
    return AwsError("KMSInternalException", exc.detail, 500, sender_fault=False)
