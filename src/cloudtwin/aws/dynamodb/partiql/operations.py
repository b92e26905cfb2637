"""DynamoDB's PartiQL operations: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction.

ExecuteStatement runs one statement (a SELECT page, or one singleton write). BatchExecuteStatement
runs up to 25 statements, all reads or all writes, each answered in order with its item or its
Error; one failing statement does not stop the others, and reads must name a full key.
ExecuteTransaction runs up to 100 statements all or nothing through the engine's write_all
(EXISTS(SELECT ...) is a condition check), or reads up to 100 items by key; a ClientRequestToken
makes a write transaction idempotent for 10 minutes, as for TransactWriteItems.
"""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.dynamodb.capacity import consumed, read_units, write_units
from cloudtwin.aws.dynamodb.env import DynamoEnv
from cloudtwin.aws.dynamodb.errors import to_aws
from cloudtwin.aws.dynamodb.partiql import syntax as S
from cloudtwin.aws.dynamodb.partiql.binding import canonical_json, parameters
from cloudtwin.aws.dynamodb.partiql.parser import parse
from cloudtwin.aws.dynamodb.partiql.plans import write_action
from cloudtwin.aws.dynamodb.partiql.reads import keyed_read, select_page
from cloudtwin.aws.dynamodb.requests import updated_view
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.errors import ConditionFailed, EngineError, Invalid
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.tables import TablesEngine, WriteAction, request_digest
from cloudtwin.engines.tables.model import AttrValue, Item
from cloudtwin.engines.tables.values import item_size
from cloudtwin.protocols.aws.errors import AwsError, validation_error

operations = Operations()
DUPLICATE = "Duplicate primary key exists in table"
_RETURN_VALUES = {"ALL OLD": "ALL_OLD", "MODIFIED OLD": "UPDATED_OLD", "ALL NEW": "ALL_NEW",
                  "MODIFIED NEW": "UPDATED_NEW"}
_BATCH_CODES = {"ValidationException": "ValidationError", "ConditionalCheckFailedException": "ConditionalCheckFailed",
                "DuplicateItemException": "DuplicateItem", "ResourceNotFoundException": "ResourceNotFound"}
_MIXED = "{} API does not support both read and write operations in the same request."


def _statement(entry: Params) -> tuple[S.Statement, list[AttrValue]]:
    parsed = parse(entry["Statement"])
    return parsed.statement, parameters(entry.get("Parameters"), parsed.params)


def _on_failure(entry: Params) -> bool:
    return entry.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"


@operations.operation("ExecuteStatement")
def execute_statement(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    statement, params = _statement(p)
    if isinstance(statement, S.Select):
        consistent = bool(p.get("ConsistentRead"))
        page = select_page(env.tables, ctx.scope, statement, p["Statement"], params, p.get("Limit"),
                           p.get("NextToken"), consistent)
        result: dict[str, Any] = {"Items": page.items, **({"NextToken": page.next_token} if page.next_token else {})}
        return {**result, **consumed(p, statement.table, lambda: read_units(page.read_bytes, consistent))}
    items, size = _write(env.tables, ctx.scope, statement, params, _on_failure(p))
    return {"Items": items, **consumed(p, _table(statement), lambda: write_units(size))}


def _write(tables: TablesEngine, scope: Scope, statement: S.Statement, params: list[AttrValue],
           on_failure: bool) -> tuple[list[Item], int]:
    """Run one INSERT, UPDATE or DELETE; (the items its RETURNING asks for, bytes written)."""
    if isinstance(statement, S.Exists):
        raise Invalid("EXISTS can only be used in ExecuteTransaction write requests.")
    if isinstance(statement, S.Delete) and statement.returning not in (None, "ALL OLD"):
        raise Invalid(f"Invalid returning clause: RETURNING {statement.returning} *. Only RETURNING ALL OLD * is "
                      "allowed in DELETE statements.")
    action = write_action(statement, tables.table_spec(scope, _table(statement)), params, on_failure)
    if action.kind == "put":
        try:
            tables.put_item(scope, action.table, action.item or {}, action.condition)
        except ConditionFailed:
            raise AwsError("DuplicateItemException", DUPLICATE) from None
        return [], item_size(action.item or {})
    returning = getattr(statement, "returning", None)
    if action.kind == "delete":
        old = tables.delete_item(scope, action.table, action.key or {}, action.condition, on_failure)
        return ([old] if old and returning else []), item_size(old or {})
    old, new = tables.update_item(scope, action.table, action.key or {}, action.update, action.condition, on_failure)
    view = updated_view(_RETURN_VALUES[returning], old, new, action.update) if returning else None
    return ([view] if view else []), item_size(new)


def _table(statement: S.Statement) -> str:
    return statement.select.table if isinstance(statement, S.Exists) else statement.table


def _check_not_mixed(statements: list[S.Statement], api: str) -> bool:
    """True when every statement reads; refused when reads and writes are mixed."""
    reads = [isinstance(statement, S.Select) for statement in statements]
    if any(reads) and not all(reads):
        raise validation_error(_MIXED.format(api))
    return all(reads)


# -- batches ----------------------------------------------------------------------------------------
@operations.operation("BatchExecuteStatement")
def batch_execute_statement(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    entries = p["Statements"]
    parsed = []
    for entry in entries:
        try:
            parsed.append(parse(entry["Statement"]).statement)
        except Invalid:
            continue
    _check_not_mixed(parsed, "BatchExecuteStatement")
    return {"Responses": [_batch_one(env.tables, ctx.scope, entry) for entry in entries]}


def _batch_one(tables: TablesEngine, scope: Scope, entry: Params) -> dict[str, Any]:
    table: dict[str, str] = {}
    try:
        statement, params = _statement(entry)
        table["TableName"] = _table(statement)
        if isinstance(statement, S.Select):
            item = keyed_read(tables, scope, statement, params, _KEYED["BatchExecuteStatement"], _KEYED["index"])
            return {**table, **({"Item": item} if item is not None else {})}
        items, _ = _write(tables, scope, statement, params, _on_failure(entry))
        return {**table, **({"Item": items[0]} if items else {})}
    except (AwsError, EngineError) as exc:
        error = exc if isinstance(exc, AwsError) else to_aws(exc)
        item = {"Item": error.fields["Item"]} if "Item" in error.fields else {}
        code = _BATCH_CODES.get(error.code, "InternalServerError")
        return {**table, "Error": {"Code": code, "Message": error.message, **item}}


_KEYED = {
    "BatchExecuteStatement": "Select statements within BatchExecuteStatement must specify the primary key in the "
                             "where clause.",
    "ExecuteTransaction": "Select statements within ExecuteTransaction must specify the primary key in the where "
                          "clause.",
    "index": "Reads on indices are not supported within transactions.",
}


# -- transactions -----------------------------------------------------------------------------------
@operations.operation("ExecuteTransaction")
def execute_transaction(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    entries = p["TransactStatements"]
    statements = [_statement(entry) for entry in entries]
    if _check_not_mixed([statement for statement, _ in statements], "ExecuteTransaction"):
        return {"Responses": [_transaction_read(env.tables, ctx.scope, select, params)  # type: ignore[arg-type]
                              for select, params in statements]}
    actions = [_transaction_action(env.tables, ctx.scope, *found, _on_failure(entry))
               for found, entry in zip(statements, entries)]
    token = p.get("ClientRequestToken")
    try:
        env.tables.write_all(ctx.scope, actions, token, request_digest(canonical_json(entries)) if token else "")
    except Invalid as exc:
        if exc.kind == "duplicate_item":
            raise validation_error("Transaction request cannot include multiple operations on one item") from None
        raise
    except ConditionFailed as exc:
        raise _cancelled(exc, actions) from None
    return {}


def _transaction_read(tables: TablesEngine, scope: Scope, select: S.Select, params: list[AttrValue]) -> dict[str, Any]:
    item = keyed_read(tables, scope, select, params, _KEYED["ExecuteTransaction"], _KEYED["index"])
    return {"Item": item} if item is not None else {}


def _transaction_action(tables: TablesEngine, scope: Scope, statement: S.Statement, params: list[AttrValue],
                        on_failure: bool) -> WriteAction:
    if getattr(statement, "returning", None) is not None:
        raise Invalid("RETURNING is not supported in ExecuteTransaction statements")
    return write_action(statement, tables.table_spec(scope, _table(statement)), params, on_failure)


def _cancelled(exc: ConditionFailed, actions: list[WriteAction]) -> AwsError:
    """TransactionCanceledException, where an INSERT whose key exists reads DuplicateItem."""
    reasons: list[Any] = exc.extra["reasons"]  # type: ignore[assignment]
    for index, action in enumerate(actions):
        if action.kind == "put" and reasons[index] is not None:
            reasons[index] = ("DuplicateItem", None)
    error = to_aws(exc)
    for reason in error.fields["CancellationReasons"]:
        if reason["Code"] == "DuplicateItem":
            reason["Message"] = DUPLICATE
    return error
