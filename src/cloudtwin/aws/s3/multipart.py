"""Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts,
ListMultipartUploads, with S3's rules: part numbers 1-10000, parts of at least 5 MiB but the
last, ascending part order, and the composite ETag (MD5 of the parts' MD5s, "-N")."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from cloudtwin.aws._face import Operations
from cloudtwin.aws.s3.buckets import owner
from cloudtwin.aws.s3.checksums import MEMBERS, checksum_members
from cloudtwin.aws.s3.encryption import customer_sealing, encryption_members, sealing_for_write
from cloudtwin.aws.s3.env import S3Env
from cloudtwin.aws.s3.errors import invalid_argument
from cloudtwin.aws.s3.objects import read_source, write_conditions, written_members
from cloudtwin.aws.s3.props import byte_range, check_key, props_from
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines.blobs import Blob, Part, Upload

operations = Operations()
Params = dict[str, Any]
MIN_PART_BYTES = 5 * 1024 * 1024
MAX_PART_NUMBER = 10000


def _sse_members(upload: Upload) -> dict[str, Any]:
    if upload.sealing_mode == "key":
        return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": upload.key_ref}
    if upload.sealing_mode == "managed":
        return {"ServerSideEncryption": "AES256"}
    return {}


@operations.operation("CreateMultipartUpload")
def create_multipart_upload(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    check_key(p["Key"])
    box = env.blobs.container(p["Bucket"])
    algorithm = p.get("ChecksumAlgorithm")
    upload = env.blobs.start_upload(ctx.scope, p["Bucket"], p["Key"], props_from(box, p),
                                    sealing_for_write(env.blobs, p["Bucket"], p), [algorithm] if algorithm else [])
    out = {"Bucket": p["Bucket"], "Key": p["Key"], "UploadId": upload.upload_id, **_sse_members(upload)}
    if algorithm:
        out["ChecksumAlgorithm"] = algorithm
    return out


def _part_number(p: Params) -> int:
    number = p["PartNumber"]
    if not 1 <= number <= MAX_PART_NUMBER:
        raise invalid_argument("Part number must be an integer between 1 and 10000, inclusive", "partNumber",
                               str(number))
    return int(number)


def _part_members(part: Part, upload: Upload) -> dict[str, Any]:
    return {"ETag": f'"{part.etag}"', **_sse_members(upload), **checksum_members(dict(part.digests))}


@operations.operation("UploadPart")
def upload_part(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any] | Awaitable[dict[str, Any]]:
    number = _part_number(p)
    upload = env.blobs.upload_info(p["Bucket"], p["Key"], p["UploadId"])
    staging = env.blobs.stage_part(ctx.scope, p["Bucket"], p["Key"], p["UploadId"], number, customer_sealing(p))
    return env.io.store(lambda chunks, digests: env.blobs.write(staging, chunks, digests),
                        lambda written: _part_members(env.blobs.commit_part(staging, written), upload))


@operations.operation("UploadPartCopy")
def upload_part_copy(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    number = _part_number(p)
    upload = env.blobs.upload_info(p["Bucket"], p["Key"], p["UploadId"])
    source, source_key = read_source(env, ctx, p)
    first, last = byte_range(p.get("CopySourceRange"), source.size) or (0, source.size - 1)
    chunks = env.blobs.read(ctx.scope, source, first, last, sealing=source_key)
    part = env.blobs.put_part(ctx.scope, p["Bucket"], p["Key"], p["UploadId"], number, chunks,
                              sealing=customer_sealing(p))
    out: dict[str, Any] = {"CopyPartResult": {"ETag": f'"{part.etag}"', "LastModified": part.modified},
                           **_sse_members(upload)}
    if source.version != "null":
        out["CopySourceVersionId"] = source.version
    return out


@operations.operation("CompleteMultipartUpload")
def complete_multipart_upload(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    write_conditions(p)
    chosen = [(part["PartNumber"], part.get("ETag", "")) for part in (p.get("MultipartUpload") or {}).get("Parts", [])]
    blob: Blob = env.blobs.complete_upload(ctx.scope, p["Bucket"], p["Key"], p["UploadId"], chosen, MIN_PART_BYTES)
    host = ctx.host or "localhost"
    return {"Location": f"http://{host}/{p['Bucket']}/{p['Key']}", "Bucket": p["Bucket"], "Key": p["Key"],
            **written_members(blob), **checksum_members(dict(blob.digests), blob.parts), **encryption_members(blob)}


@operations.operation("AbortMultipartUpload")
def abort_multipart_upload(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.blobs.abort_upload(p["Bucket"], p["Key"], p["UploadId"])
    return {}


@operations.operation("ListParts")
def list_parts(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    upload = env.blobs.upload_info(p["Bucket"], p["Key"], p["UploadId"])
    after, limit = int(p.get("PartNumberMarker") or 0), min(p.get("MaxParts", 1000), 1000)
    parts = [part for part in env.blobs.parts(p["Bucket"], p["Key"], p["UploadId"]) if part.number > after]
    page = parts[:limit]
    out: dict[str, Any] = {
        "Bucket": p["Bucket"], "Key": p["Key"], "UploadId": p["UploadId"], "PartNumberMarker": after,
        "MaxParts": limit, "IsTruncated": len(parts) > limit, "StorageClass": upload.props.tier,
        "Owner": owner(ctx), "Initiator": owner(ctx),
        "Parts": [{"PartNumber": part.number, "LastModified": part.modified, "ETag": f'"{part.etag}"',
                   "Size": part.size, **checksum_members(dict(part.digests))} for part in page]}
    if page:
        out["NextPartNumberMarker"] = page[-1].number
    if upload.digest_names and upload.digest_names[0] in MEMBERS:
        out["ChecksumAlgorithm"] = upload.digest_names[0]
    return out


@operations.operation("ListMultipartUploads")
def list_multipart_uploads(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    prefix, limit = p.get("Prefix", ""), min(p.get("MaxUploads", 1000), 1000)
    after = (p.get("KeyMarker", ""), p.get("UploadIdMarker", ""))
    uploads = [u for u in env.blobs.uploads(p["Bucket"])
               if u.key.startswith(prefix) and (u.key, u.upload_id) > after]
    page = uploads[:limit]
    out: dict[str, Any] = {
        "Bucket": p["Bucket"], "Prefix": prefix, "KeyMarker": after[0], "UploadIdMarker": after[1],
        "MaxUploads": limit, "IsTruncated": len(uploads) > limit,
        "Uploads": [{"UploadId": u.upload_id, "Key": u.key, "Initiated": u.initiated, "StorageClass": u.props.tier,
                     "Owner": owner(ctx), "Initiator": owner(ctx)} for u in page]}
    if len(uploads) > limit:
        out.update(NextKeyMarker=page[-1].key, NextUploadIdMarker=page[-1].upload_id)
    return out
