"""DynamoDB Query and Scan: pages of items, Select, filters, projections, parallel scan."""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.dynamodb.capacity import consumed, read_units
from cloudtwin.aws.dynamodb.env import DynamoEnv, table_name
from cloudtwin.aws.dynamodb.requests import RequestExpressions
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines.tables import GLOBAL, Page, TableSpec
from cloudtwin.engines.tables.values import item_size
from cloudtwin.protocols.aws.errors import validation_error

operations = Operations()


def _check_select(p: Params, spec: TableSpec, exprs: RequestExpressions) -> str:
    select = p.get("Select")
    index = spec.index(p["IndexName"]) if "IndexName" in p else None
    if select == "ALL_PROJECTED_ATTRIBUTES" and "IndexName" not in p:
        raise validation_error("One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES "
                               "is not supported for this request")
    if select == "SPECIFIC_ATTRIBUTES" and not exprs.has_projection:
        raise validation_error("One or more parameter values were invalid: Select type SPECIFIC_ATTRIBUTES "
                               "requires AttributesToGet or ProjectionExpression")
    if select not in (None, "SPECIFIC_ATTRIBUTES") and exprs.has_projection:
        raise validation_error("Cannot specify the ProjectionExpression when choosing to get "
                               f"{select}" if "ProjectionExpression" in p else
                               f"Cannot specify the AttributesToGet when choosing to get {select}")
    if index is not None and index.kind == GLOBAL:
        if p.get("ConsistentRead"):
            raise validation_error("Consistent reads are not supported on global secondary indexes")
        if select == "ALL_ATTRIBUTES" and index.projection != "ALL":
            raise validation_error("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
                                   "supported for global secondary index " f"{index.name} because its projection "
                                   "type is not ALL")
    return select or ("SPECIFIC_ATTRIBUTES" if exprs.has_projection else "ALL_ATTRIBUTES")


def _result(p: Params, name: str, page: Page, select: str, exprs: RequestExpressions) -> dict[str, Any]:
    result: dict[str, Any] = {"Count": len(page.items), "ScannedCount": page.scanned}
    if select != "COUNT":
        result["Items"] = [exprs.project(item) for item in page.items]
    if page.last_key is not None:
        result["LastEvaluatedKey"] = page.last_key
    consistent = bool(p.get("ConsistentRead"))
    return {**result, **consumed(p, name, lambda: read_units(sum(map(item_size, page.items)), consistent))}


@operations.operation("Query")
def query(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = table_name(p)
    spec = env.tables.table_spec(ctx.scope, name)
    exprs = RequestExpressions.for_query(p, spec)
    select = _check_select(p, spec, exprs)
    page = env.tables.query(
        ctx.scope, name, exprs.key_range, index=p.get("IndexName"), filter=exprs.filter,
        forward=p.get("ScanIndexForward", True), limit=p.get("Limit"), start_key=p.get("ExclusiveStartKey"),
    )
    return _result(p, name, page, select, exprs)


@operations.operation("Scan")
def scan(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = table_name(p)
    spec = env.tables.table_spec(ctx.scope, name)
    exprs = RequestExpressions.for_scan(p)
    select = _check_select(p, spec, exprs)
    segment, total = _segments(p)
    page = env.tables.scan(
        ctx.scope, name, index=p.get("IndexName"), filter=exprs.filter, limit=p.get("Limit"),
        start_key=p.get("ExclusiveStartKey"), segment=segment, total_segments=total,
    )
    return _result(p, name, page, select, exprs)


def _segments(p: Params) -> tuple[int, int]:
    segment, total = p.get("Segment"), p.get("TotalSegments")
    if segment is None and total is None:
        return 0, 1
    if total is None:
        raise validation_error("The TotalSegments parameter is required but was not present in the request when "
                               "Segment parameter is present")
    if segment is None:
        raise validation_error("The Segment parameter is required but was not present in the request when "
                               "parameter TotalSegments is present")
    if segment >= total:
        raise validation_error("The Segment parameter is zero-based and must be less than parameter "
                               f"TotalSegments: Segment: {segment} is not less than TotalSegments: {total}")
    return segment, total
