"""CORS: the bucket's rules (PutBucketCors), answered on preflight and added to responses.

Models S3 User Guide "Using cross-origin resource sharing (CORS)": the first rule whose
AllowedOrigins (with one ``*`` wildcard), AllowedMethods and AllowedHeaders admit the request
answers; a preflight no rule admits is 403 with S3's CORSResponse error.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from cloudtwin.aws._face import Operations
from cloudtwin.aws.s3.documents import stored_document
from cloudtwin.engines.blobs import BlobsEngine
from cloudtwin.engines._kernel.errors import NotFound
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.http import HttpRequest, HttpResponse

operations = Operations()
SETTING = "cors"
stored_document(operations, "BucketCors", SETTING, "CORSConfiguration", None,
                ("NoSuchCORSConfiguration", "The CORS configuration does not exist"))


@cache
def _pattern(wildcard: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(p) for p in wildcard.lower().split("*")) + "$")


def _admits(patterns: list[str], value: str) -> bool:
    return any(_pattern(p).match(value.lower()) for p in patterns)


def matching_rule(rules: list[dict[str, Any]], origin: str, method: str, headers: list[str]) -> dict[str, Any] | None:
    for rule in rules:
        if (_admits(rule.get("AllowedOrigins", []), origin) and method in rule.get("AllowedMethods", [])
                and all(_admits(rule.get("AllowedHeaders", []), h) for h in headers)):
            return rule
    return None


def _rules(blobs: BlobsEngine, bucket: str) -> list[dict[str, Any]]:
    return list(blobs.container(bucket).settings.get(SETTING, {}).get("CORSRules", []))


def _allow_headers(rule: dict[str, Any], origin: str, method: str) -> list[tuple[str, str]]:
    wildcard = rule.get("AllowedOrigins") == ["*"]
    out = [("access-control-allow-origin", "*" if wildcard else origin),
           ("access-control-allow-methods", ", ".join(rule.get("AllowedMethods", [method]))),
           ("vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")]
    if not wildcard:
        out.append(("access-control-allow-credentials", "true"))
    if rule.get("ExposeHeaders"):
        out.append(("access-control-expose-headers", ", ".join(rule["ExposeHeaders"])))
    if rule.get("MaxAgeSeconds") is not None:
        out.append(("access-control-max-age", str(rule["MaxAgeSeconds"])))
    return out


def preflight(blobs: BlobsEngine, bucket: str, request: HttpRequest) -> list[tuple[str, str]]:
    """The headers of a successful preflight; raises S3's 403 CORSResponse otherwise."""
    origin = request.headers.get("origin", "")
    method = request.headers.get("access-control-request-method", "")
    if not origin or not method:
        raise AwsError("BadRequest", "Insufficient information. Origin request header needed.")
    asked = [h.strip() for h in request.headers.get("access-control-request-headers", "").split(",") if h.strip()]
    rules = _rules(blobs, bucket)
    if not rules:
        raise AwsError("CORSResponse", "CORS is not enabled for this bucket.", 403)
    rule = matching_rule(rules, origin, method, asked)
    if rule is None:
        raise AwsError("CORSResponse", "This CORS request is not allowed. This is usually because the evalution of "
                       "Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers "
                       "are not whitelisted by the resource's CORS spec.", 403)
    headers = _allow_headers(rule, origin, method)
    if asked:
        headers.append(("access-control-allow-headers", ", ".join(asked)))
    return headers


def add_cors_headers(blobs: BlobsEngine, bucket: str, request: HttpRequest, response: HttpResponse) -> None:
    """On an actual cross-origin request, the headers of the rule that admits it (if any)."""
    origin = request.headers.get("origin")
    if not origin or not bucket:
        return
    try:
        rule = matching_rule(_rules(blobs, bucket), origin, request.method, [])
    except NotFound:
        return
    if rule is not None:
        response.headers.extend(_allow_headers(rule, origin, request.method))
