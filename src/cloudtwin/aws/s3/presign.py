"""Presigned URLs: expiry on the server clock, then the signature, in both forms S3 accepts:
SigV4 query authentication (``X-Amz-Credential``...) and the legacy SigV2 one
(``AWSAccessKeyId``, ``Expires``, ``Signature``), which boto3 still makes for S3 unless told
to sign with s3v4.

The signature is checked for access keys whose secret cloudtwin knows (``S3Env.credentials``,
by default the SDKs' usual test/test); a URL signed with any other key is accepted unchecked,
since cloudtwin does not yet keep users' secrets. Errors are S3's: an expired URL is 403
AccessDenied "Request has expired", a tampered one 403 SignatureDoesNotMatch.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import unquote

from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.sigv4 import Credential, request_time, signature_matches
from cloudtwin.protocols.aws.shapes import format_timestamp
from cloudtwin.protocols.http import HttpRequest

MAX_EXPIRES = 7 * 24 * 3600
#: The query parameters SigV2 signs (the "sub-resources" and response overrides).
V2_SIGNED_PARAMS = frozenset({
    "accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber", "policy",
    "requestPayment", "torrent", "versioning", "versionId", "versions", "website", "uploads", "uploadId",
    "response-content-type", "response-content-language", "response-expires", "response-cache-control",
    "response-content-disposition", "response-content-encoding", "delete", "lifecycle", "tagging", "restore",
    "storageClass", "notification", "replication", "analytics", "metrics", "inventory", "select", "select-type",
    "object-lock"})


def _query_error(message: str) -> AwsError:
    return AwsError("AuthorizationQueryParametersError", message)


def check_presigned(request: HttpRequest, credential: Credential, secrets: Mapping[str, str], now: float) -> None:
    """Raise S3's error unless ``request`` is a live, correctly signed presigned request."""
    signed_at = request_time(credential)
    if signed_at is None:
        raise _query_error("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
    if not 0 < credential.expires <= MAX_EXPIRES:
        raise _query_error("X-Amz-Expires must be less than a week (in seconds) that is 604800")
    if now > signed_at + credential.expires:
        raise _expired(signed_at + credential.expires, now, {"X-Amz-Expires": str(credential.expires)})
    secret = secrets.get(credential.access_key)
    if secret is not None and not signature_matches(request, credential, secret, s3=True):
        raise _signature_mismatch(credential.access_key)


def _expired(expires_at: float, now: float, fields: dict[str, str]) -> AwsError:
    return AwsError("AccessDenied", "Request has expired", 403, fields={
        **fields, "Expires": format_timestamp(expires_at, "iso8601"), "ServerTime": format_timestamp(now, "iso8601")})


def _signature_mismatch(access_key: str) -> AwsError:
    return AwsError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                    "you provided. Check your key and signing method.", 403, fields={"AWSAccessKeyId": access_key})


def is_presigned_v2(request: HttpRequest) -> bool:
    return "Signature=" in request.query_string and "AWSAccessKeyId" in request.query


def v2_string_to_sign(request: HttpRequest, expires: str) -> str:
    headers = request.headers
    amz = sorted((k, v.strip()) for k, v in headers.items() if k.startswith("x-amz-"))
    signed = sorted((k, unquote(v)) for k, _, v in (p.partition("=") for p in request.query_string.split("&"))
                    if k in V2_SIGNED_PARAMS)
    resource = request.raw_path + ("?" + "&".join(f"{k}={v}" if v else k for k, v in signed) if signed else "")
    return "\n".join([request.method, headers.get("content-md5", ""), headers.get("content-type", ""), expires,
                      *(f"{k}:{v}" for k, v in amz), resource])


def v2_signature(secret: str, text: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()).decode()


def check_presigned_v2(request: HttpRequest, secrets: Mapping[str, str], now: float) -> None:
    """The same checks for a SigV2 presigned URL (``request`` already in path style)."""
    query = request.query
    expires, access_key = query.get("Expires", ""), query.get("AWSAccessKeyId", "")
    if not expires.isdigit():
        raise AwsError("AccessDenied", "Query-string authentication requires the Signature, Expires and "
                       "AWSAccessKeyId parameters", 403)
    if now > int(expires):
        raise _expired(int(expires), now, {})
    secret = secrets.get(access_key)
    if secret is not None:
        expected = v2_signature(secret, v2_string_to_sign(request, expires))
        if not hmac.compare_digest(expected, query.get("Signature", "")):
            raise _signature_mismatch(access_key)
