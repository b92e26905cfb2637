"""Browser form uploads (S3 "POST Object" with a SigV4-signed policy document).

The policy (base64 JSON) says until when the form is good and what its fields may hold:
exact matches ``{"field": "v"}`` or ``["eq", "$field", "v"]``, ``["starts-with", "$field",
"prefix"]`` and ``["content-length-range", min, max]``. Every form field but the signature,
the policy, ``file`` and ``x-ignore-*`` must be named by a condition. The signature is the
HMAC of the policy under the SigV4 signing key, checked when cloudtwin knows the secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import orjson

from cloudtwin.aws.s3.encryption import sealing_for_write
from cloudtwin.aws.s3.errors import invalid_argument
from cloudtwin.aws.s3.form import Form, boundary_of
from cloudtwin.aws.s3.presign import v2_signature
from cloudtwin.aws.s3.props import check_key, props_from
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.shapes import parse_timestamp
from cloudtwin.protocols.aws.sigv4 import Credential, signing_key
from cloudtwin.protocols.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from cloudtwin.aws.s3.env import S3Env

_UNCHECKED = {"x-amz-signature", "policy", "file", "awsaccesskeyid", "signature", "bucket"}


def is_form_upload(request: HttpRequest) -> bool:
    return request.content_type.lower().startswith("multipart/form-data")


def _denied(message: str) -> AwsError:
    return AwsError("AccessDenied", f"Invalid according to Policy: {message}", 403)


def _policy(fields: dict[str, str]) -> dict[str, Any]:
    try:
        document = orjson.loads(base64.b64decode(fields["policy"], validate=True))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise invalid_argument("Invalid Policy: Invalid JSON.", "policy") from None
    if not isinstance(document, dict) or "expiration" not in document:
        raise invalid_argument("Invalid Policy: Policy missing expiration.", "policy")
    return document


def _check_signature(env: S3Env, fields: dict[str, str]) -> None:
    if "awsaccesskeyid" in fields:  # SigV2: HMAC-SHA1 of the policy
        secret = env.credentials.get(fields["awsaccesskeyid"])
        if secret is not None and not hmac.compare_digest(v2_signature(secret, fields["policy"]),
                                                          fields.get("signature", "")):
            raise _mismatch()
        return
    parts = fields.get("x-amz-credential", "").split("/")
    if len(parts) != 5 or "x-amz-signature" not in fields:
        raise invalid_argument("Bucket POST must contain a field named 'x-amz-credential' and 'x-amz-signature'")
    secret = env.credentials.get(parts[0])
    if secret is None:
        return
    key = signing_key(secret, Credential(parts[0], parts[1], parts[2], parts[3]))
    expected = hmac.new(key, fields["policy"].encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["x-amz-signature"]):
        raise _mismatch()


def _mismatch() -> AwsError:
    return AwsError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                    "you provided. Check your key and signing method.", 403)


def _check_conditions(policy: dict[str, Any], fields: dict[str, str]) -> tuple[int, int]:
    """The content-length range the policy allows, after checking every other condition."""
    covered: set[str] = set()
    size_range = (0, 5 * 1024**3)
    for condition in policy.get("conditions", []):
        if isinstance(condition, dict):
            condition = ["eq", *next(iter(condition.items()))]
            condition[1] = "$" + condition[1]
        op, *args = condition
        if op == "content-length-range":
            size_range = (int(args[0]), int(args[1]))
            continue
        name = str(args[0]).lstrip("$").lower()
        covered.add(name)
        value = fields.get(name, "")
        if (op == "eq" and value != args[1]) or (op == "starts-with" and not value.startswith(args[1])):
            raise _denied(f'Policy Condition failed: ["{op}", "${name}", "{args[1]}"]')
    extra = [n for n in fields if n not in covered and n not in _UNCHECKED and not n.startswith("x-ignore-")]
    if extra:
        raise _denied(f'Extra input fields: {extra[0]}')
    return size_range


def _sized(chunks: Iterator[bytes], low: int, high: int) -> Iterator[bytes]:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > high:
            raise AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size",
                           fields={"MaxSizeAllowed": high})
        yield chunk
    if total < low:
        raise AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size",
                       fields={"MinSizeAllowed": low})


def _form_params(bucket: str, key: str, fields: dict[str, str], file_type: str) -> dict[str, Any]:
    metadata = {k[len("x-amz-meta-"):]: v for k, v in fields.items() if k.startswith("x-amz-meta-")}
    params: dict[str, Any] = {"Bucket": bucket, "Key": key, "Metadata": metadata,
                              "ContentType": fields.get("content-type") or file_type or None}
    for field, member in (("cache-control", "CacheControl"), ("content-disposition", "ContentDisposition"),
                          ("x-amz-storage-class", "StorageClass"), ("x-amz-server-side-encryption",
                                                                    "ServerSideEncryption")):
        if field in fields:
            params[member] = fields[field]
    return params


def upload(env: S3Env, ctx: RequestContext, bucket: str, request: HttpRequest) -> HttpResponse:
    boundary = boundary_of(request.content_type)
    if boundary is None:
        raise AwsError("MalformedPOSTRequest", "The body of your POST request is not well-formed "
                       "multipart/form-data.")
    box = env.blobs.container(bucket)
    form = Form(env.io.source(), boundary)
    fields = {**form.fields, "bucket": bucket}
    if "policy" in fields:
        _check_signature(env, fields)
        policy = _policy(fields)
        if parse_timestamp(policy["expiration"]).timestamp() < ctx.now:
            raise _denied("Policy expired.")
        low, high = _check_conditions(policy, fields)
    else:
        low, high = 0, 5 * 1024**3
    key = fields.get("key", "").replace("${filename}", form.filename or "")
    if not key:
        raise invalid_argument("Bucket POST must contain a field named 'key'.  If it is specified, please check the "
                               "order of the fields.", "key")
    check_key(key)
    params = _form_params(bucket, key, fields, form.file_type)
    blob = env.blobs.put(ctx.scope, bucket, key, _sized(form.file_chunks(), low, high), props_from(box, params),
                         sealing=sealing_for_write(env.blobs, bucket, params), how="post")
    return _answer(request, bucket, key, blob.etag, fields)


def _answer(request: HttpRequest, bucket: str, key: str, etag: str, fields: dict[str, str]) -> HttpResponse:
    headers = [("etag", f'"{etag}"'), ("location", f"http://{request.host}/{bucket}/{key}")]
    redirect = fields.get("success_action_redirect")
    if redirect:
        query = urlencode({"bucket": bucket, "key": key, "etag": f'"{etag}"'})
        return HttpResponse(303, [headers[0], ("location", f"{redirect}{'&' if '?' in redirect else '?'}{query}")])
    status = fields.get("success_action_status", "204")
    if status == "201":
        body = (f'<?xml version="1.0" encoding="UTF-8"?><PostResponse><Location>http://{escape(request.host)}/'
                f"{escape(bucket)}/{escape(key)}</Location><Bucket>{escape(bucket)}</Bucket><Key>{escape(key)}</Key>"
                f'<ETag>"{etag}"</ETag></PostResponse>')
        return HttpResponse(201, [*headers, ("content-type", "application/xml")], body.encode())
    return HttpResponse(200 if status == "200" else 204, headers)
