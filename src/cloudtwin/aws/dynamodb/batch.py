"""DynamoDB BatchGetItem and BatchWriteItem.

Limits as documented: 100 keys and 16 MB per BatchGetItem (what does not fit comes back in
UnprocessedKeys), 25 requests and 16 MB per BatchWriteItem. Nothing is throttled here, so
UnprocessedItems is always empty. A batch that fails validation writes nothing.
"""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.dynamodb.capacity import read_units, wants_capacity, write_units
from cloudtwin.aws.dynamodb.env import DynamoEnv, table_name
from cloudtwin.aws.dynamodb.requests import RequestExpressions, item_in, key_in
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables import WriteAction
from cloudtwin.engines.tables.values import item_size
from cloudtwin.protocols.aws.errors import validation_error

operations = Operations()
MAX_GET_KEYS, MAX_WRITES = 100, 25
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
DUPLICATES = "Provided list of item keys contains duplicates"


def _capacity(p: Params, units: dict[str, float]) -> dict[str, Any]:
    if not wants_capacity(p):
        return {}
    return {"ConsumedCapacity": [{"TableName": t, "CapacityUnits": u} for t, u in units.items()]}


@operations.operation("BatchGetItem")
def batch_get_item(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    requests = p["RequestItems"]
    if sum(len(r["Keys"]) for r in requests.values()) > MAX_GET_KEYS:
        raise validation_error("Too many items requested for the BatchGetItem call")
    responses: dict[str, list[Any]] = {}
    unprocessed: dict[str, Any] = {}
    units: dict[str, float] = {}
    total = 0
    for table, request in requests.items():
        name = table_name({"TableName": table})
        exprs = RequestExpressions.for_read(request)
        keys = [key_in(k) for k in request["Keys"]]
        if len({repr(sorted(k.items())) for k in keys}) != len(keys):
            raise validation_error(DUPLICATES)
        responses[table] = []
        for i, key in enumerate(keys):
            if total >= MAX_RESPONSE_BYTES:
                unprocessed[table] = {**request, "Keys": request["Keys"][i:]}
                break
            item = env.tables.get_item(ctx.scope, name, key)
            if item is not None:
                size = item_size(item)
                total += size
                units[table] = units.get(table, 0) + read_units(size, bool(request.get("ConsistentRead")))
                responses[table].append(exprs.project(item))
    return {"Responses": responses, "UnprocessedKeys": unprocessed, **_capacity(p, units)}


def _write_action(table: str, request: dict[str, Any]) -> WriteAction:
    if len(request) != 1:
        raise validation_error("Supplied AttributeValue has more than one datatypes set, must contain exactly one "
                               "of the supported datatypes" if len(request) > 1 else
                               "1 validation error detected: WriteRequest must contain exactly one of "
                               "PutRequest or DeleteRequest")
    if "PutRequest" in request:
        return WriteAction("put", table, item=item_in(request["PutRequest"]["Item"]))
    return WriteAction("delete", table, key=key_in(request["DeleteRequest"]["Key"]))


@operations.operation("BatchWriteItem")
def batch_write_item(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    requests = p["RequestItems"]
    count = sum(len(r) for r in requests.values())
    if count > MAX_WRITES or count == 0:
        raise validation_error("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
                               "Map value must satisfy constraint: [Member must have length less than or equal "
                               "to 25, Member must have length greater than or equal to 1]")
    actions = [_write_action(table_name({"TableName": t}), r) for t, rs in requests.items() for r in rs]
    try:
        env.tables.write_all(ctx.scope, actions)
    except Invalid as exc:
        if exc.kind == "duplicate_item":
            raise validation_error(DUPLICATES) from None
        raise
    units: dict[str, float] = {}
    if wants_capacity(p):
        for action in actions:
            units[action.table] = units.get(action.table, 0) + write_units(item_size(action.item or {}))
    return {"UnprocessedItems": {}, **_capacity(p, units)}
