"""Engine errors -> S3's error codes, HTTP statuses and messages (S3 API Reference, "Error
responses"), and the errors S3's own rules raise."""

from __future__ import annotations

from cloudtwin.engines._kernel.errors import (
    AlreadyExists, Conflict, EngineError, Invalid, LimitExceeded, NotFound, PreconditionFailed,
)
from cloudtwin.protocols.aws.errors import AwsError

_NOT_FOUND = {
    "container": ("NoSuchBucket", "BucketName"),
    "blob": ("NoSuchKey", "Key"),
    "version": ("NoSuchVersion", "VersionId"),
    "upload": ("NoSuchUpload", "UploadId"),
}
_CONFLICT = {
    "container-not-empty": ("BucketNotEmpty", 409),
    "marker": ("MethodNotAllowed", 405),
    "archived": ("InvalidObjectState", 403),
    "not-archived": ("InvalidObjectState", 403),
    "locked": ("AccessDenied", 403),
    "locked-container": ("InvalidBucketState", 409),
    "unversioned-container": ("InvalidBucketState", 409),
}
_PARTS = {"order": "InvalidPartOrder", "missing": "InvalidPart", "empty": "MalformedXML"}
#: Errors of the keys engine, as S3 reports a refusal of the object's KMS key.
_KEY_ERRORS = {
    "key": ("KMS.NotFoundException", 400),
    "alias": ("KMS.NotFoundException", 400),
    "key-disabled": ("KMS.DisabledException", 400),
    "key-pending-deletion": ("KMS.KMSInvalidStateException", 400),
    "key-state": ("KMS.KMSInvalidStateException", 400),
    "ciphertext": ("KMS.InvalidCiphertextException", 400),
    "usage": ("KMS.InvalidKeyUsageException", 400),
}


def delete_marker_headers(exc: EngineError) -> dict[str, str]:
    marker = exc.extra.get("marker")
    if marker is None:
        return {}
    return {"x-amz-delete-marker": "true", "x-amz-version-id": marker.version}  # type: ignore[attr-defined]


def _not_found(exc: NotFound) -> AwsError:
    code, field = _NOT_FOUND.get(exc.kind, ("NoSuchKey", "Key"))
    return AwsError(code, exc.detail, 404, fields={field: exc.name}, headers=delete_marker_headers(exc))


def _invalid(exc: Invalid) -> AwsError:
    if exc.kind == "digest":
        if exc.name == "MD5":
            return AwsError("BadDigest", "The Content-MD5 you specified did not match what we received.")
        if exc.name == "CONTENT-SHA256":
            return AwsError("XAmzContentSHA256Mismatch",
                            "The provided 'x-amz-content-sha256' header does not match what was computed.")
        return AwsError("BadDigest", f"The {exc.name} you specified did not match the calculated checksum.")
    if exc.kind == "parts":
        return AwsError(_PARTS.get(exc.name, "InvalidPart"), exc.detail)
    if exc.kind == "customer-key":
        if exc.name == "mismatch":
            return AwsError("AccessDenied", "Access Denied", 403)
        if exc.name == "missing":
            return AwsError("InvalidRequest", "The object was stored using a form of Server Side Encryption. "
                            "The correct parameters must be provided to retrieve the object.")
    return AwsError("InvalidArgument", exc.detail)


def to_aws(exc: EngineError) -> AwsError:
    if exc.kind in _KEY_ERRORS:  # the object's KMS key refused: S3 answers with KMS's error
        code, status = _KEY_ERRORS[exc.kind]
        return AwsError(code, exc.detail, status)
    if isinstance(exc, NotFound):
        return _not_found(exc)
    if isinstance(exc, AlreadyExists):
        if exc.extra.get("mine"):
            return AwsError("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket "
                            "succeeded and you already own it.", 409, fields={"BucketName": exc.name})
        return AwsError("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace "
                        "is shared by all users of the system. Please select a different name and try again.", 409,
                        fields={"BucketName": exc.name})
    if isinstance(exc, Conflict):
        code, status = _CONFLICT.get(exc.kind, ("InvalidRequest", 400))
        return AwsError(code, exc.detail, status, headers=delete_marker_headers(exc))
    if isinstance(exc, PreconditionFailed):
        return AwsError("PreconditionFailed", exc.detail, 412, fields={"Condition": exc.extra.get("condition", "If-Match")})
    if isinstance(exc, LimitExceeded) and exc.kind == "part-size":
        return AwsError("EntityTooSmall", exc.detail, fields={
            "ProposedSize": exc.extra.get("size"), "MinSizeAllowed": exc.extra.get("min"),
            "PartNumber": exc.name})
    if isinstance(exc, Invalid):
        return _invalid(exc)
    return AwsError("InternalError", exc.detail, 500, sender_fault=False)


def malformed_xml() -> AwsError:
    return AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our "
                    "published schema")


def invalid_argument(message: str, name: str = "", value: str = "") -> AwsError:
    fields = {"ArgumentName": name, "ArgumentValue": value} if name else {}
    return AwsError("InvalidArgument", message, fields=fields)


def invalid_request(message: str) -> AwsError:
    return AwsError("InvalidRequest", message)


def malformed_post(message: str) -> AwsError:
    return AwsError("MalformedPOSTRequest", message)
