"""DynamoDB TransactWriteItems and TransactGetItems: all or nothing, up to 100 actions.

A ClientRequestToken makes TransactWriteItems idempotent for 10 minutes: the same token with
the same request succeeds again without writing twice; with a different request it fails
with IdempotentParameterMismatchException.
"""

from __future__ import annotations

from typing import Any

import orjson

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.dynamodb.env import DynamoEnv, table_name
from cloudtwin.aws.dynamodb.requests import RequestExpressions, item_in, key_in
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables import WriteAction, request_digest
from cloudtwin.protocols.aws.errors import validation_error

operations = Operations()
MAX_ACTIONS = 100
_KINDS = {"Put": "put", "Update": "update", "Delete": "delete", "ConditionCheck": "check"}


def _one(entry: dict[str, Any], names: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    given = [name for name in names if name in entry]
    if len(given) != 1:
        raise validation_error(f"TransactItems can only contain one of {', '.join(names)}")
    return given[0], entry[given[0]]


def _write_action(entry: dict[str, Any]) -> WriteAction:
    kind, body = _one(entry, tuple(_KINDS))
    on_failure = body.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    table = table_name(body)
    if kind == "Update":
        exprs = RequestExpressions.for_update(body)
        return WriteAction("update", table, key=key_in(body["Key"]), condition=exprs.condition,
                           update=exprs.update, return_item_on_failure=on_failure)
    exprs = RequestExpressions.for_write(body)
    if kind == "Put":
        return WriteAction("put", table, item=item_in(body["Item"]), condition=exprs.condition,
                           return_item_on_failure=on_failure)
    return WriteAction(_KINDS[kind], table, key=key_in(body["Key"]), condition=exprs.condition,
                       return_item_on_failure=on_failure)


def _digest(p: Params) -> str:
    request = {k: v for k, v in p.items() if k not in ("ClientRequestToken", "ReturnConsumedCapacity")}
    return request_digest(orjson.dumps(request, default=lambda b: b.hex(), option=orjson.OPT_SORT_KEYS))


@operations.operation("TransactWriteItems")
def transact_write_items(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    entries = p["TransactItems"]
    if len(entries) > MAX_ACTIONS:
        raise validation_error(f"Member must have length less than or equal to {MAX_ACTIONS}")
    actions = [_write_action(entry) for entry in entries]
    token = p.get("ClientRequestToken")
    try:
        env.tables.write_all(ctx.scope, actions, token, _digest(p) if token else "")
    except Invalid as exc:
        if exc.kind == "duplicate_item":
            raise validation_error("Transaction request cannot include multiple operations on one item") from None
        raise
    return {}


@operations.operation("TransactGetItems")
def transact_get_items(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    entries = p["TransactItems"]
    if len(entries) > MAX_ACTIONS:
        raise validation_error(f"Member must have length less than or equal to {MAX_ACTIONS}")
    responses = []
    for entry in entries:
        body = entry["Get"]
        exprs = RequestExpressions.for_read(body)
        item = env.tables.get_item(ctx.scope, table_name(body), key_in(body["Key"]))
        responses.append({"Item": exprs.project(item)} if item is not None else {})
    return {"Responses": responses}
