"""Object operations: Put, Get, Head, Delete, DeleteObjects, Copy, RestoreObject."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, unquote

from cloudtwin.aws._face import Operations
from cloudtwin.aws.s3.checksums import checksum_members
from cloudtwin.aws.s3.encryption import customer_sealing, encryption_members, sealing_for_write
from cloudtwin.aws.s3.env import S3Env
from cloudtwin.aws.s3.errors import invalid_argument, invalid_request, to_aws
from cloudtwin.aws.s3.props import (
    byte_range, check_conditions, check_key, check_tags, object_members, props_from, tags_from_set,
)
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.errors import EngineError
from cloudtwin.engines.blobs import Blob
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()
Params = dict[str, Any]
#: RestoreObject's delay until the restored copy is readable, by retrieval tier (S3 User Guide,
#: "Archive retrieval options"; the upper ends of the documented ranges).
RESTORE_DELAY = {"Expedited": 5 * 60, "Standard": 5 * 3600, "Bulk": 12 * 3600}
DEEP_ARCHIVE_DELAY = {"Expedited": 12 * 3600, "Standard": 12 * 3600, "Bulk": 48 * 3600}


def written_members(blob: Blob) -> dict[str, Any]:
    out = {"ETag": f'"{blob.etag}"', **encryption_members(blob), **checksum_members(dict(blob.digests))}
    if blob.version != "null":
        out["VersionId"] = blob.version
    return out


def write_conditions(p: Params) -> tuple[bool, str | None]:
    none_match = p.get("IfNoneMatch")
    if none_match is not None and none_match.strip() != "*":
        raise AwsError("NotImplemented", "A header you provided implies functionality that is not implemented", 501,
                       fields={"Header": "If-None-Match"})
    return none_match is not None, p.get("IfMatch")


@operations.operation("PutObject")
def put_object(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any] | Awaitable[dict[str, Any]]:
    check_key(p["Key"])
    box = env.blobs.container(p["Bucket"])
    if_absent, if_match = write_conditions(p)
    props = props_from(box, p)
    staging = env.blobs.stage(ctx.scope, p["Bucket"], p["Key"], sealing_for_write(env.blobs, p["Bucket"], p),
                              if_absent, if_match)
    return env.io.store(lambda chunks, digests: env.blobs.write(staging, chunks, digests),
                        lambda written: written_members(env.blobs.commit(ctx.scope, staging, written, props)))


def _find(env: S3Env, p: Params) -> Blob:
    return env.blobs.head(p["Bucket"], p["Key"], p.get("VersionId"))


def requested_span(env: S3Env, blob: Blob, p: Params) -> tuple[int, int] | None:
    """The bytes a GET or HEAD asks for: one part (PartNumber), a Range, or everything (None)."""
    if p.get("PartNumber") is None:
        return byte_range(p.get("Range"), blob.size)
    span = env.blobs.part_span(blob, p["PartNumber"])
    if span is None:
        raise AwsError("InvalidPartNumber", "The requested partnumber is not satisfiable", 416,
                       fields={"PartNumberRequested": p["PartNumber"], "ActualPartCount": blob.parts or 1})
    return span


@operations.operation("HeadObject")
def head_object(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    blob = _find(env, p)
    check_conditions(blob, p)
    out = object_members(blob, ctx.now, p.get("ChecksumMode") == "ENABLED")
    if p.get("PartNumber") is not None:
        first, last = requested_span(env, blob, p) or (0, blob.size - 1)
        out.update(ContentLength=last - first + 1, ContentRange=f"bytes {first}-{last}/{blob.size}")
        env.io.status = 206
    return out


_OVERRIDES = {"ResponseContentType": "ContentType", "ResponseCacheControl": "CacheControl",
              "ResponseContentDisposition": "ContentDisposition", "ResponseContentEncoding": "ContentEncoding",
              "ResponseContentLanguage": "ContentLanguage", "ResponseExpires": "Expires"}


@operations.operation("GetObject")
def get_object(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    blob = _find(env, p)
    if blob.marker:
        raise to_aws_marker(blob)
    check_conditions(blob, p)
    span = requested_span(env, blob, p)
    first, last = span or (0, blob.size - 1)
    chunks = env.blobs.read(ctx.scope, blob, first, last, sealing=customer_sealing(p))
    out = object_members(blob, ctx.now, p.get("ChecksumMode") == "ENABLED" and span is None)
    out.update({_OVERRIDES[k]: v for k, v in p.items() if k in _OVERRIDES})
    out["ContentLength"] = max(last - first + 1, 0)
    env.io.send(chunks, out["ContentLength"])
    if span is not None:
        out["ContentRange"] = f"bytes {first}-{last}/{blob.size}"
        env.io.status = 206
    return out


def to_aws_marker(blob: Blob) -> AwsError:
    return AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405,
                    fields={"Method": "GET", "ResourceType": "DeleteMarker"},
                    headers={"x-amz-delete-marker": "true", "x-amz-version-id": blob.version})


def _delete(env: S3Env, ctx: RequestContext, bucket: str, key: str, version: str | None,
            bypass: bool) -> dict[str, Any]:
    gone = env.blobs.delete(ctx.scope, bucket, key, version, bypass=bypass)
    out: dict[str, Any] = {}
    if gone is not None and gone.marker:
        out["DeleteMarker"] = True
    if gone is not None and (gone.marker or gone.version != "null"):
        out["VersionId"] = gone.version
    return out


@operations.operation("DeleteObject")
def delete_object(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    return _delete(env, ctx, p["Bucket"], p["Key"], p.get("VersionId"), bool(p.get("BypassGovernanceRetention")))


@operations.operation("DeleteObjects")
def delete_objects(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    request = p["Delete"]
    objects = request.get("Objects", [])
    if not objects or len(objects) > 1000:
        raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our "
                       "published schema")
    deleted, errors = [], []
    for entry in objects:
        try:
            done = _delete(env, ctx, p["Bucket"], entry["Key"], entry.get("VersionId"),
                           bool(p.get("BypassGovernanceRetention")))
        except EngineError as exc:
            error = to_aws(exc)
            errors.append({"Key": entry["Key"], "VersionId": entry.get("VersionId"), "Code": error.code,
                           "Message": error.message})
            continue
        result = {"Key": entry["Key"], **({"VersionId": entry["VersionId"]} if entry.get("VersionId") else {})}
        if done.get("DeleteMarker"):
            result.update(DeleteMarker=True, DeleteMarkerVersionId=done["VersionId"])
        deleted.append(result)
    return {"Deleted": [] if request.get("Quiet") else deleted, "Errors": errors}


def copy_source(value: str) -> tuple[str, str, str | None]:
    """(bucket, key, version) of an x-amz-copy-source value ("/bucket/key?versionId=...")."""
    path, _, query = value.partition("?")
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    if not bucket or not key:
        raise invalid_argument("Invalid copy source object key", "x-amz-copy-source", value)
    version = parse_qs(query).get("versionId", [None])[0]
    return bucket, key, version


def read_source(env: S3Env, ctx: RequestContext, p: Params) -> tuple[Blob, Any]:
    bucket, key, version = copy_source(p["CopySource"])
    source = env.blobs.head(bucket, key, version)
    check_conditions(source, p, "CopySourceIf")
    return source, customer_sealing(p, "CopySource")


@operations.operation("CopyObject")
def copy_object(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    check_key(p["Key"])
    source, source_key = read_source(env, ctx, p)
    box = env.blobs.container(p["Bucket"])
    props = _copied_props(source, props_from(box, p), p)
    _refuse_copy_onto_itself(source, p)
    sealing = sealing_for_write(env.blobs, p["Bucket"], p)
    chunks = env.blobs.read(ctx.scope, source, sealing=source_key)
    blob = env.blobs.put(ctx.scope, p["Bucket"], p["Key"], chunks, props, sealing=sealing, how="copy")
    out = {k: v for k, v in written_members(blob).items() if k != "ETag" and not k.startswith("Checksum")}
    out["CopyObjectResult"] = {"ETag": f'"{blob.etag}"', "LastModified": blob.modified}
    if source.version != "null":
        out["CopySourceVersionId"] = source.version
    return out


def _copied_props(source: Blob, given: Any, p: Params) -> Any:
    props = given
    if p.get("MetadataDirective", "COPY") == "COPY":
        props = replace(props, headers=source.props.headers, metadata=source.props.metadata)
    if p.get("TaggingDirective", "COPY") == "COPY":
        props = replace(props, tags=source.props.tags)
    return props


def _refuse_copy_onto_itself(source: Blob, p: Params) -> None:
    same = (source.container, source.key) == (p["Bucket"], p["Key"])
    changes = (p.get("MetadataDirective") == "REPLACE" or p.get("StorageClass") or p.get("ServerSideEncryption")
               or p.get("WebsiteRedirectLocation") or p.get("SSECustomerAlgorithm"))
    if same and not changes:
        raise invalid_request("This copy request is illegal because it is trying to copy an object to itself "
                              "without changing the object's metadata, storage class, website redirect location "
                              "or encryption attributes.")


@operations.operation("RestoreObject")
def restore_object(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    request = p.get("RestoreRequest") or {}
    days = request.get("Days", 1)
    tier = (request.get("GlacierJobParameters") or {}).get("Tier") or request.get("Tier") or "Standard"
    blob = _find(env, p)
    delays = DEEP_ARCHIVE_DELAY if blob.tier == "DEEP_ARCHIVE" else RESTORE_DELAY
    fresh = env.blobs.restore(ctx.scope, p["Bucket"], p["Key"], p.get("VersionId"), days, delays.get(tier, 5 * 3600))
    env.io.status = 202 if fresh else 200
    return {}


@operations.operation("GetObjectAttributes")
def get_object_attributes(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    blob = _find(env, p)
    wanted = set(p.get("ObjectAttributes", []))
    out: dict[str, Any] = {"LastModified": blob.modified}
    if blob.version != "null":
        out["VersionId"] = blob.version
    if "ETag" in wanted:
        out["ETag"] = blob.etag
    if "StorageClass" in wanted:
        out["StorageClass"] = blob.tier
    if "ObjectSize" in wanted:
        out["ObjectSize"] = blob.size
    if "Checksum" in wanted and blob.digests:
        out["Checksum"] = checksum_members(dict(blob.digests), blob.parts)
    if "ObjectParts" in wanted and blob.parts:
        out["ObjectParts"] = _parts_page(env.blobs.part_sizes(blob), p)
    return out


def _parts_page(sizes: list[int], p: Params) -> dict[str, Any]:
    after, limit = int(p.get("PartNumberMarker") or 0), min(p.get("MaxParts", 1000), 1000)
    numbers = list(range(after + 1, len(sizes) + 1))
    page = numbers[:limit]
    out: dict[str, Any] = {"TotalPartsCount": len(sizes), "PartNumberMarker": after, "MaxParts": limit,
                           "IsTruncated": len(numbers) > limit,
                           "Parts": [{"PartNumber": n, "Size": sizes[n - 1]} for n in page]}
    if page:
        out["NextPartNumberMarker"] = page[-1]
    return out


@operations.operation("PutObjectTagging")
def put_object_tagging(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    tags = tags_from_set(p["Tagging"].get("TagSet", []))
    blob = env.blobs.update(p["Bucket"], p["Key"], p.get("VersionId"),
                            lambda b: replace(b, props=replace(b.props, tags=tags)))
    return {"VersionId": blob.version} if blob.version != "null" else {}


@operations.operation("GetObjectTagging")
def get_object_tagging(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    blob = _find(env, p)
    out: dict[str, Any] = {"TagSet": [{"Key": k, "Value": v} for k, v in blob.props.tags.items()]}
    if blob.version != "null":
        out["VersionId"] = blob.version
    return out


@operations.operation("DeleteObjectTagging")
def delete_object_tagging(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    blob = env.blobs.update(p["Bucket"], p["Key"], p.get("VersionId"),
                            lambda b: replace(b, props=replace(b.props, tags=check_tags({}))))
    return {"VersionId": blob.version} if blob.version != "null" else {}
