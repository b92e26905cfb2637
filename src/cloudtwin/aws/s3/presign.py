"""Presigned URLs (SigV4 query authentication): expiry on the server clock, then the signature.

The signature is checked for access keys whose secret cloudtwin knows (``S3Env.credentials``,
by default the SDKs' usual test/test); a URL signed with any other key is accepted unchecked,
since cloudtwin does not yet keep users' secrets. Errors are S3's: an expired URL is 403
AccessDenied "Request has expired", a tampered one 403 SignatureDoesNotMatch.
"""

from __future__ import annotations

from collections.abc import Mapping

from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.sigv4 import Credential, request_time, signature_matches
from cloudtwin.protocols.aws.shapes import format_timestamp
from cloudtwin.protocols.http import HttpRequest

MAX_EXPIRES = 7 * 24 * 3600


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
        raise AwsError("AccessDenied", "Request has expired", 403, fields={
            "X-Amz-Expires": str(credential.expires),
            "Expires": format_timestamp(signed_at + credential.expires, "iso8601"),
            "ServerTime": format_timestamp(now, "iso8601")})
    secret = secrets.get(credential.access_key)
    if secret is not None and not signature_matches(request, credential, secret, s3=True):
        raise AwsError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                       "you provided. Check your key and signing method.", 403,
                       fields={"AWSAccessKeyId": credential.access_key})
