"""An object's properties on the wire: from a request's params to the engine's Props, and from a
stored Blob back to the members of GetObject/HeadObject; conditional requests and ranges."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from cloudtwin.aws.s3.checksums import checksum_members
from cloudtwin.aws.s3.encryption import encryption_members
from cloudtwin.aws.s3.errors import invalid_argument, invalid_request
from cloudtwin.engines.blobs import Blob, Container, Props, Retention
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.shapes import format_timestamp

#: Content headers kept with an object, by their member names.
CONTENT = ("ContentType", "CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage",
           "WebsiteRedirectLocation")
DEFAULT_TYPE = "binary/octet-stream"
MAX_KEY_BYTES = 1024
MAX_TAGS = 10


def check_key(key: str) -> None:
    size = len(key.encode())
    if size > MAX_KEY_BYTES:
        raise AwsError("KeyTooLongError", "Your key is too long", fields={"MaxSizeAllowed": MAX_KEY_BYTES, "Size": size})


def check_tags(tags: Mapping[str, str]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise AwsError("BadRequest", "Object tags cannot be greater than 10")
    for key, value in tags.items():
        if not key or len(key) > 128 or len(value) > 256:
            raise AwsError("InvalidTag", "The TagKey you have provided is invalid" if not key or len(key) > 128
                           else "The TagValue you have provided is invalid")
    return dict(tags)


def tag_set(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def tags_from_set(entries: list[dict[str, str]]) -> dict[str, str]:
    tags = {e["Key"]: e.get("Value", "") for e in entries}
    if len(tags) != len(entries):
        raise AwsError("InvalidTag", "Cannot provide multiple Tags with the same key")
    return check_tags(tags)


def _timestamp(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def retention_of(box: Container, p: Mapping[str, Any]) -> tuple[Retention | None, bool]:
    mode, until, hold = p.get("ObjectLockMode"), p.get("ObjectLockRetainUntilDate"), p.get("ObjectLockLegalHoldStatus")
    if (mode or until or hold) and not box.lock_enabled:
        raise invalid_request("Bucket is missing Object Lock Configuration")
    if bool(mode) != bool(until):
        raise invalid_argument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
    return (Retention(mode.lower(), _timestamp(until)) if mode else None), hold == "ON"


def props_from(box: Container, p: Mapping[str, Any]) -> Props:
    headers = {name: p[name] for name in CONTENT if p.get(name)}
    if p.get("Expires") is not None:
        headers["Expires"] = _timestamp(p["Expires"])  # type: ignore[assignment]
    tags = check_tags(dict(parse_qsl(p.get("Tagging", ""), keep_blank_values=True)))
    retention, hold = retention_of(box, p)
    return Props(headers, dict(p.get("Metadata") or {}), tags, p.get("StorageClass") or "STANDARD", retention, hold)


def _restore_header(blob: Blob, now: float) -> str | None:
    restore = blob.restore
    if restore is None or now >= restore.expires_at:
        return None
    if now < restore.ready_at:
        return 'ongoing-request="true"'
    return f'ongoing-request="false", expiry-date="{format_timestamp(restore.expires_at, "rfc822")}"'


def object_members(blob: Blob, now: float, checksums: bool = False) -> dict[str, Any]:
    """The members GetObject and HeadObject share."""
    props = blob.props
    out: dict[str, Any] = {"ETag": f'"{blob.etag}"', "LastModified": blob.modified, "ContentLength": blob.size,
                           "AcceptRanges": "bytes", "ContentType": DEFAULT_TYPE, **props.headers,
                           **encryption_members(blob)}
    if props.metadata:
        out["Metadata"] = dict(props.metadata)
    if blob.version != "null":
        out["VersionId"] = blob.version
    if props.tier != "STANDARD":
        out["StorageClass"] = props.tier
    if props.tags:
        out["TagCount"] = len(props.tags)
    if props.retention:
        out["ObjectLockMode"] = props.retention.mode.upper()
        out["ObjectLockRetainUntilDate"] = props.retention.until
    if props.legal_hold:
        out["ObjectLockLegalHoldStatus"] = "ON"
    if blob.parts:
        out["PartsCount"] = blob.parts
    restore = _restore_header(blob, now)
    if restore:
        out["Restore"] = restore
    if checksums:
        out.update(checksum_members(dict(blob.digests), blob.parts))
    return out


def check_conditions(blob: Blob, p: Mapping[str, Any], prefix: str = "If") -> None:
    """If-Match / If-None-Match / If-(Un)Modified-Since, in RFC 7232's order, as S3 applies them
    (``prefix`` "CopySourceIf" for a copy's source, which fails with 412 where a GET says 304)."""
    etag = f'"{blob.etag}"'
    match, none_match = p.get(f"{prefix}Match"), p.get(f"{prefix}NoneMatch")
    modified = p.get(f"{prefix}ModifiedSince")
    unmodified = p.get(f"{prefix}UnmodifiedSince")
    if match is not None and not _etag_in(match, etag):
        raise _failed("If-Match")
    if match is None and unmodified is not None and int(blob.modified) > _timestamp(unmodified):
        raise _failed("If-Unmodified-Since")
    not_modified_code = 412 if prefix != "If" else 304
    if none_match is not None and _etag_in(none_match, etag):
        raise _not_modified(not_modified_code, "If-None-Match")
    if none_match is None and modified is not None and int(blob.modified) <= _timestamp(modified):
        raise _not_modified(not_modified_code, "If-Modified-Since")


def _etag_in(header: str, etag: str) -> bool:
    values = [v.strip() for v in header.split(",")]
    return "*" in values or etag in values or etag.strip('"') in values


def _failed(condition: str) -> AwsError:
    return AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412,
                    fields={"Condition": condition})


def _not_modified(status: int, condition: str) -> AwsError:
    if status == 412:
        return _failed(condition)
    return AwsError("NotModified", "Not Modified", 304)


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) of a ``Range: bytes=...`` header; None to send everything (no range, a form
    S3 ignores, or several ranges); S3's 416 InvalidRange when it asks for nothing there is."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first_text, dash, last_text = header[6:].strip().partition("-")
    if not dash or not (first_text or last_text) or not (first_text + last_text).isdigit():
        return None
    if not first_text:
        length = int(last_text)
        if length == 0 or size == 0:
            raise _invalid_range(header, size)
        return max(size - length, 0), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None
    if first >= size:
        raise _invalid_range(header, size)
    return first, min(last, size - 1)


def _invalid_range(header: str, size: int) -> AwsError:
    return AwsError("InvalidRange", "The requested range is not satisfiable", 416,
                    fields={"RangeRequested": header, "ActualObjectSize": size},
                    headers={"content-range": f"bytes */{size}"})
