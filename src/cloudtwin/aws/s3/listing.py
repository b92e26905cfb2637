"""Listing objects: ListObjectsV2, ListObjects (V1) and ListObjectVersions, with prefix,
delimiter (CommonPrefixes), start-after/markers, continuation tokens, max-keys and
encoding-type=url (keys percent-encoded in the answer; botocore asks for it by default)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from cloudtwin.aws._face import Operations
from cloudtwin.aws.s3.checksums import MEMBERS
from cloudtwin.aws.s3.env import S3Env
from cloudtwin.aws.s3.errors import invalid_argument
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines._kernel.paging import decode_token, encode_token
from cloudtwin.engines.blobs import Blob, Listed, Page

operations = Operations()
Params = dict[str, Any]
MAX_KEYS = 1000


def _max_keys(p: Params) -> int:
    value = p.get("MaxKeys", MAX_KEYS)
    if value < 0:
        raise invalid_argument("Argument maxKeys must be an integer between 0 and 2147483647", "maxKeys", str(value))
    return min(value, MAX_KEYS)


def _encoder(p: Params) -> Any:
    if p.get("EncodingType") == "url":
        return lambda text: quote(text, safe="/~")
    return lambda text: text


def _entry(blob: Blob | Listed, encode: Any) -> dict[str, Any]:
    entry = {"Key": encode(blob.key), "LastModified": blob.modified, "ETag": f'"{blob.etag}"', "Size": blob.size,
             "StorageClass": blob.tier}
    algorithms = [name for name in blob.digests if name in MEMBERS]
    if algorithms:
        entry["ChecksumAlgorithm"] = algorithms
    return entry


def _common(p: Params, page: Page[Any], encode: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"Name": p["Bucket"], "Prefix": encode(p.get("Prefix", "")), "MaxKeys": p.get("MaxKeys", MAX_KEYS),
                           "IsTruncated": page.truncated,
                           "CommonPrefixes": [{"Prefix": encode(c)} for c in page.prefixes]}
    if p.get("Delimiter"):
        out["Delimiter"] = encode(p["Delimiter"])
    if p.get("EncodingType"):
        out["EncodingType"] = p["EncodingType"]
    return out


@operations.operation("ListObjectsV2")
def list_objects_v2(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    after = p.get("StartAfter", "")
    if p.get("ContinuationToken"):
        try:
            after = max(after, decode_token(p["ContinuationToken"]))
        except Invalid:
            raise invalid_argument("The continuation token provided is incorrect", "continuation-token") from None
    page = env.blobs.list_blobs(p["Bucket"], p.get("Prefix", ""), p.get("Delimiter", ""), after, _max_keys(p))
    encode = _encoder(p)
    out = _common(p, page, encode)
    out.update(Contents=[_entry(b, encode) for b in page.blobs], KeyCount=len(page.blobs) + len(page.prefixes))
    for name in ("ContinuationToken", "StartAfter"):
        if p.get(name):
            out[name] = encode(p[name]) if name == "StartAfter" else p[name]
    if page.truncated:
        out["NextContinuationToken"] = encode_token(page.next_key)
    return out


@operations.operation("ListObjects")
def list_objects(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    page = env.blobs.list_blobs(p["Bucket"], p.get("Prefix", ""), p.get("Delimiter", ""), p.get("Marker", ""),
                                _max_keys(p))
    encode = _encoder(p)
    out = _common(p, page, encode)
    out.update(Contents=[_entry(b, encode) for b in page.blobs], Marker=encode(p.get("Marker", "")))
    if page.truncated and p.get("Delimiter"):
        out["NextMarker"] = encode(page.next_key)
    return out


@operations.operation("ListObjectVersions")
def list_object_versions(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    page = env.blobs.list_versions(p["Bucket"], p.get("Prefix", ""), p.get("Delimiter", ""), p.get("KeyMarker", ""),
                                   p.get("VersionIdMarker", ""), _max_keys(p))
    encode = _encoder(p)
    out = _common(p, page, encode)
    versions, markers = [], []
    for blob in page.blobs:
        common = {"Key": encode(blob.key), "VersionId": blob.version, "IsLatest": blob.latest,
                  "LastModified": blob.modified}
        if blob.marker:
            markers.append(common)
        else:
            versions.append({**_entry(blob, encode), **common})
    out.update(Versions=versions, DeleteMarkers=markers, KeyMarker=encode(p.get("KeyMarker", "")),
               VersionIdMarker=p.get("VersionIdMarker", ""))
    if page.truncated:
        out["NextKeyMarker"] = encode(page.next_key)
        if page.next_version:
            out["NextVersionIdMarker"] = page.next_version
    return out
