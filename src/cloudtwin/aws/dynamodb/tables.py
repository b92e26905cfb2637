"""DynamoDB table operations: create, describe, list, update, delete, tags, TTL, limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from cloudtwin.aws._arns import resource_name
from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.dynamodb.descriptions import describe
from cloudtwin.aws.dynamodb.env import DynamoEnv, table_name
from cloudtwin.aws.dynamodb.schema import INVALID, index_spec, table_spec
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines.tables import GLOBAL, TableSpec
from cloudtwin.protocols.aws.errors import AwsError, validation_error

operations = Operations()
MAX_TAGS = 50


@operations.operation("CreateTable")
def create_table(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    spec = table_spec(p)
    if spec.meta.get("stream", {}) and spec.meta["stream"].get("StreamEnabled"):
        spec = replace(spec, meta={**spec.meta, "stream_label": _stream_label(ctx.now)})
    tags = _tags(p.get("Tags", []))
    info = env.tables.create_table(ctx.scope, spec, tags)
    return {"TableDescription": describe(ctx.scope, info, "ACTIVE")}


@operations.operation("DescribeTable")
def describe_table(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    info = env.tables.describe_table(ctx.scope, table_name(p))
    return {"Table": describe(ctx.scope, info)}


@operations.operation("ListTables")
def list_tables(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    names = env.tables.list_tables(ctx.scope)
    start = p.get("ExclusiveStartTableName")
    if start is not None:
        names = [n for n in names if n > start]
    limit = p.get("Limit", 100)
    result: dict[str, Any] = {"TableNames": names[:limit]}
    if len(names) > limit:
        result["LastEvaluatedTableName"] = names[limit - 1]
    return result


@operations.operation("DeleteTable")
def delete_table(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = table_name(p)
    if env.tables.table_spec(ctx.scope, name).meta.get("deletion_protection"):
        raise validation_error("Resource cannot be deleted as it is currently protected against deletion. "
                               "Disable deletion protection first.")
    info = env.tables.delete_table(ctx.scope, name)
    return {"TableDescription": describe(ctx.scope, info, "DELETING")}


@operations.operation("UpdateTable")
def update_table(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = table_name(p)
    spec = env.tables.table_spec(ctx.scope, name)
    changed = _apply_settings(spec, p, ctx.now)
    changed = _apply_index_updates(changed, p.get("GlobalSecondaryIndexUpdates", []), p)
    if changed == spec and changed.meta == spec.meta:
        raise validation_error("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                               "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
    info = env.tables.update_table(ctx.scope, name, changed)
    return {"TableDescription": describe(ctx.scope, info)}


def _apply_settings(spec: TableSpec, p: Params, now: float) -> TableSpec:
    meta = dict(spec.meta)
    if "BillingMode" in p:
        meta["billing_mode"] = p["BillingMode"]
        if p["BillingMode"] == "PAY_PER_REQUEST":
            meta["throughput"] = None
    if "ProvisionedThroughput" in p:
        if meta.get("billing_mode") == "PAY_PER_REQUEST":
            raise validation_error(f"{INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified "
                                   "when BillingMode is PAY_PER_REQUEST")
        meta["throughput"] = p["ProvisionedThroughput"]
    if "StreamSpecification" in p:
        stream = p["StreamSpecification"]
        if stream.get("StreamEnabled") and (meta.get("stream") or {}).get("StreamEnabled"):
            raise validation_error(f"Table already has an enabled stream: {spec.name}")
        meta["stream"] = stream
        if stream.get("StreamEnabled"):
            meta["stream_label"] = _stream_label(now)
    for param, key in (("SSESpecification", "sse"), ("TableClass", "table_class"),
                       ("DeletionProtectionEnabled", "deletion_protection"), ("OnDemandThroughput", "on_demand"),
                       ("WarmThroughput", "warm_throughput")):
        if param in p:
            meta[key] = p[param]
    if "AttributeDefinitions" in p:
        known = {d["AttributeName"]: d for d in meta.get("attribute_definitions", [])}
        known.update({d["AttributeName"]: d for d in p["AttributeDefinitions"]})
        meta["attribute_definitions"] = list(known.values())
    return replace(spec, meta=meta)


def _apply_index_updates(spec: TableSpec, updates: list[dict[str, Any]], p: Params) -> TableSpec:
    indexes = list(spec.indexes)
    types = {d["AttributeName"]: d["AttributeType"] for d in spec.meta.get("attribute_definitions", [])}
    for update in updates:
        if "Create" in update:
            created = index_spec(update["Create"], GLOBAL, types)
            if any(i.name == created.name for i in indexes):
                raise validation_error(f"{INVALID}Index with name: {created.name} already exists")
            indexes.append(created)
        elif "Delete" in update:
            name = update["Delete"]["IndexName"]
            if not any(i.name == name and i.kind == GLOBAL for i in indexes):
                raise AwsError("ResourceNotFoundException", f"Requested resource not found: Index: {name} not found")
            indexes = [i for i in indexes if i.name != name]
        elif "Update" in update:
            name = update["Update"]["IndexName"]
            target = next((i for i in indexes if i.name == name and i.kind == GLOBAL), None)
            if target is None:
                raise AwsError("ResourceNotFoundException", f"Requested resource not found: Index: {name} not found")
            meta = {**target.meta, "throughput": update["Update"].get("ProvisionedThroughput",
                                                                       target.meta.get("throughput"))}
            indexes = [replace(i, meta=meta) if i.name == name else i for i in indexes]
    if sum(1 for i in indexes if i.kind == GLOBAL) > 20:
        raise AwsError("LimitExceededException", "Subscriber limit exceeded: The number of global secondary "
                                                 "indexes exceeds the maximum of 20")
    return replace(spec, indexes=tuple(indexes))


def _stream_label(now: float) -> str:
    return datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "")


def _tags(tags: list[dict[str, str]]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise validation_error(f"The number of tags exceeds the limit of {MAX_TAGS}")
    return {t["Key"]: t["Value"] for t in tags}


def _tagged_table(p: Params) -> str:
    return resource_name(p["ResourceArn"], "dynamodb", "table")


@operations.operation("TagResource")
def tag_resource(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = _tagged_table(p)
    current = env.tables.tags(ctx.scope, name)
    added = _tags(p["Tags"])
    if len({**current, **added}) > MAX_TAGS:
        raise validation_error(f"The number of tags exceeds the limit of {MAX_TAGS}")
    env.tables.tag(ctx.scope, name, added)
    return {}


@operations.operation("UntagResource")
def untag_resource(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.tables.untag(ctx.scope, _tagged_table(p), p["TagKeys"])
    return {}


@operations.operation("ListTagsOfResource")
def list_tags_of_resource(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    tags = env.tables.tags(ctx.scope, _tagged_table(p))
    return {"Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]}


@operations.operation("UpdateTimeToLive")
def update_time_to_live(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = table_name(p)
    setting = p["TimeToLiveSpecification"]
    spec = env.tables.table_spec(ctx.scope, name)
    enabled = bool(spec.meta.get("ttl_enabled"))
    if setting["Enabled"] and enabled:
        raise validation_error("TimeToLive is already enabled")
    if not setting["Enabled"] and not enabled:
        raise validation_error("TimeToLive is already disabled")
    attribute = setting["AttributeName"] if setting["Enabled"] else None
    meta = {**spec.meta, "ttl_enabled": setting["Enabled"], "ttl_attribute_name": setting["AttributeName"]}
    env.tables.update_table(ctx.scope, name, replace(spec, ttl_attribute=attribute, meta=meta))
    return {"TimeToLiveSpecification": setting}


@operations.operation("DescribeTimeToLive")
def describe_time_to_live(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    spec = env.tables.table_spec(ctx.scope, table_name(p))
    if not spec.meta.get("ttl_enabled"):
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
    return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": spec.ttl_attribute}}


@operations.operation("DescribeLimits")
def describe_limits(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    return {"AccountMaxReadCapacityUnits": 80000, "AccountMaxWriteCapacityUnits": 80000,
            "TableMaxReadCapacityUnits": 40000, "TableMaxWriteCapacityUnits": 40000}


@operations.operation("DescribeEndpoints")
def describe_endpoints(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    return {"Endpoints": [{"Address": ctx.host or "localhost", "CachePeriodInMinutes": 1440}]}
