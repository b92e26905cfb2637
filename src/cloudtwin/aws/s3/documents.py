"""Bucket settings S3 stores and returns as given (policy, CORS, tagging, website...):
Put/Get/Delete operations generated from one table instead of written out each time."""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._face import Operations
from cloudtwin.aws.s3.env import S3Env
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.protocols.aws.errors import AwsError

Params = dict[str, Any]


def stored_document(operations: Operations, name: str, setting: str, member: str, wrap: str | None,
                    missing: tuple[str, str] | None, default: Any = None, deletable: bool = True) -> None:
    """Register Put<name>, Get<name> and Delete<name>: the Put's ``member`` is kept as the bucket's
    ``setting``; Get answers it (as ``wrap`` when the output nests it), or ``default``, or
    the 404 ``missing`` (code, message)."""

    def put(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
        env.blobs.set_setting(p["Bucket"], setting, p.get(member, {}))
        return {}

    def get(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
        value = env.blobs.container(p["Bucket"]).settings.get(setting, default)
        if value is None:
            if missing is None:
                return {}
            raise AwsError(missing[0], missing[1], 404, fields={"BucketName": p["Bucket"]})
        return {wrap: value} if wrap else dict(value)

    def delete(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
        env.blobs.set_setting(p["Bucket"], setting, None)
        return {}

    operations[f"Put{name}"] = put
    operations[f"Get{name}"] = get
    if deletable:
        operations[f"Delete{name}"] = delete
