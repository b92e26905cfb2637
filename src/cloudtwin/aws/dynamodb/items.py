"""DynamoDB single-item operations: PutItem, GetItem, UpdateItem, DeleteItem."""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.dynamodb.capacity import consumed, read_units, write_units
from cloudtwin.aws.dynamodb.env import DynamoEnv, table_name
from cloudtwin.aws.dynamodb.requests import (
    RequestExpressions, check_return_values, item_in, key_in, updated_view,
)
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines.tables.values import item_size

operations = Operations()


def _return_on_failure(p: Params) -> bool:
    return p.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"


@operations.operation("PutItem")
def put_item(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    check_return_values(p, ("NONE", "ALL_OLD"))
    item = item_in(p["Item"])
    exprs = RequestExpressions.for_write(p)
    name = table_name(p)
    old = env.tables.put_item(ctx.scope, name, item, exprs.condition, _return_on_failure(p))
    result: dict[str, Any] = {"Attributes": old} if old and p.get("ReturnValues") == "ALL_OLD" else {}
    return {**result, **consumed(p, name, lambda: write_units(max(item_size(item), item_size(old or {}))))}


@operations.operation("GetItem")
def get_item(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    exprs = RequestExpressions.for_read(p)
    name = table_name(p)
    item = env.tables.get_item(ctx.scope, name, key_in(p["Key"]))
    result: dict[str, Any] = {}
    if item is not None:
        result["Item"] = exprs.project(item)
    return {**result, **consumed(p, name, lambda: read_units(item_size(item or {}), bool(p.get("ConsistentRead"))))}


@operations.operation("UpdateItem")
def update_item(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    mode = check_return_values(p, ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"))
    exprs = RequestExpressions.for_update(p)
    name = table_name(p)
    old, new = env.tables.update_item(ctx.scope, name, key_in(p["Key"]), exprs.update, exprs.condition,
                                      _return_on_failure(p))
    result: dict[str, Any] = {}
    view = updated_view(mode, old, new, exprs.update)
    if view:
        result["Attributes"] = view
    return {**result, **consumed(p, name, lambda: write_units(max(item_size(new), item_size(old or {}))))}


@operations.operation("DeleteItem")
def delete_item(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    check_return_values(p, ("NONE", "ALL_OLD"))
    exprs = RequestExpressions.for_write(p)
    name = table_name(p)
    old = env.tables.delete_item(ctx.scope, name, key_in(p["Key"]), exprs.condition, _return_on_failure(p))
    result: dict[str, Any] = {"Attributes": old} if old and p.get("ReturnValues") == "ALL_OLD" else {}
    return {**result, **consumed(p, name, lambda: write_units(item_size(old or {})))}
