"""SigV4: read the credential scope of a request, and verify a signature when asked.

Sans-IO: the caller supplies the secret key and, for presigned URLs, the current time.
Both forms are read: the ``Authorization`` header and the presigned query
(``X-Amz-Credential``, ``X-Amz-Signature``, ...).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from calendar import timegm
from time import strptime
from typing import NamedTuple
from urllib.parse import quote, unquote

from cloudtwin.protocols.http import HttpRequest

ALGORITHM = "AWS4-HMAC-SHA256"
_SPACES = re.compile(r"\s+")
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


class Credential(NamedTuple):
    """A request's SigV4 credential (a NamedTuple: one is read for every request)."""

    access_key: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...] = ()
    signature: str = ""
    presigned: bool = False
    #: X-Amz-Date of the request (basic ISO 8601), when known.
    amz_date: str = ""
    #: X-Amz-Expires of a presigned request, in seconds.
    expires: int = 0

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def _split_credential(value: str) -> tuple[str, str, str, str] | None:
    parts = value.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        return None
    return parts[0], parts[1], parts[2], parts[3]


def _auth_fields(text: str) -> dict[str, str]:
    """``Credential=..., SignedHeaders=..., Signature=...`` as a dict (split by hand: hot path)."""
    fields = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        fields[name.strip()] = value
    return fields


def read_credential(request: HttpRequest) -> Credential | None:
    """The SigV4 credential of ``request``, from its header or presigned query; None if unsigned."""
    auth = request.headers.get("authorization", "")
    if auth.startswith(ALGORITHM):
        fields = _auth_fields(auth[len(ALGORITHM):])
        parts = _split_credential(fields.get("Credential", ""))
        if parts is None:
            return None
        return Credential(
            *parts,
            signed_headers=tuple(fields.get("SignedHeaders", "").split(";")),
            signature=fields.get("Signature", ""),
            amz_date=request.headers.get("x-amz-date", ""),
        )
    if "X-Amz-Credential" in request.query_string:
        query = request.query
        parts = _split_credential(query.get("X-Amz-Credential", ""))
        if parts is None:
            return None
        try:
            expires = int(query.get("X-Amz-Expires", "0"))
        except ValueError:
            expires = -1
        return Credential(
            *parts,
            signed_headers=tuple(query.get("X-Amz-SignedHeaders", "").split(";")),
            signature=query.get("X-Amz-Signature", ""),
            presigned=True,
            amz_date=query.get("X-Amz-Date", ""),
            expires=expires,
        )
    return None


def request_time(credential: Credential) -> float | None:
    """Epoch seconds of the request's X-Amz-Date, or None when missing or malformed."""
    try:
        return float(timegm(strptime(credential.amz_date, "%Y%m%dT%H%M%SZ")))
    except ValueError:
        return None


def _canonical_path(raw_path: str, s3: bool) -> str:
    if s3:
        return quote(unquote(raw_path), safe="/~") if raw_path else "/"
    segments: list[str] = []
    for segment in (raw_path or "/").split("/"):
        if segment == ".":
            continue
        if segment == ".." and segments:
            segments.pop()
            continue
        segments.append(segment)
    normalized = "/".join(segments) or "/"
    return quote(normalized, safe="/~")


def _canonical_query(request: HttpRequest, presigned: bool) -> str:
    pairs = [
        (quote(k, safe="-_.~"), quote(v, safe="-_.~"))
        for k, v in request.query_list
        if not (presigned and k == "X-Amz-Signature")
    ]
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _canonical_headers(request: HttpRequest, signed: tuple[str, ...]) -> str:
    lines = []
    for name in signed:
        value = request.headers.get(name, "")
        lines.append(f"{name}:{_SPACES.sub(' ', value.strip())}\n")
    return "".join(lines)


def canonical_request(request: HttpRequest, credential: Credential, s3: bool) -> str:
    if credential.presigned:
        payload = "UNSIGNED-PAYLOAD" if s3 else hashlib.sha256(request.body).hexdigest()
    else:
        payload = request.headers.get("x-amz-content-sha256") or hashlib.sha256(request.body).hexdigest()
    return "\n".join(
        (
            request.method,
            _canonical_path(request.raw_path, s3),
            _canonical_query(request, credential.presigned),
            _canonical_headers(request, credential.signed_headers),
            ";".join(credential.signed_headers),
            payload,
        )
    )


def signing_key(secret_key: str, credential: Credential) -> bytes:
    key = ("AWS4" + secret_key).encode()
    for part in (credential.date, credential.region, credential.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def string_to_sign(request: HttpRequest, credential: Credential, s3: bool) -> str:
    digest = hashlib.sha256(canonical_request(request, credential, s3).encode()).hexdigest()
    return f"{ALGORITHM}\n{credential.amz_date}\n{credential.scope}\n{digest}"


def signature_matches(request: HttpRequest, credential: Credential, secret_key: str, s3: bool) -> bool:
    """True when ``credential.signature`` is the SigV4 signature of ``request`` under the secret."""
    to_sign = string_to_sign(request, credential, s3)
    expected = hmac.new(signing_key(secret_key, credential), to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, credential.signature)
