"""The expressions of one DynamoDB request, modern or legacy, parsed together.

One ExpressionContext serves all expressions of a request, so names and values that no
expression uses are refused, as DynamoDB does. Legacy parameters (Expected, AttributeUpdates,
KeyConditions, QueryFilter, ScanFilter, AttributesToGet) become the same engine nodes; mixing
them with expressions is refused with DynamoDB's message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudtwin.aws._face import Params
from cloudtwin.engines.tables import KeyRange, TableSpec
from cloudtwin.engines.tables import expressions as ex
from cloudtwin.engines.tables.values import normalize_item
from cloudtwin.protocols.aws.errors import validation_error

Item = dict[str, Any]


def item_in(item: Item) -> Item:
    """An Item parameter, validated and with numbers and sets normalized."""
    return normalize_item(item)


def key_in(key: Item) -> Item:
    return normalize_item(key)


def check_return_values(p: Params, allowed: tuple[str, ...]) -> str:
    mode = p.get("ReturnValues", "NONE")
    if mode not in allowed:
        raise validation_error("Return values set to invalid value")
    return mode


@dataclass
class RequestExpressions:
    condition: Any = None
    update: Any = None
    projection: Any = None
    filter: Any = None
    key_range: KeyRange | None = None

    @property
    def has_projection(self) -> bool:
        return self.projection is not None

    def project(self, item: Item) -> Item:
        return self.projection.apply(item) if self.projection is not None else item

    # -- builders, one per kind of request ------------------------------------------------------
    @classmethod
    def for_read(cls, p: Params) -> RequestExpressions:
        ctx = _context(p, ("ProjectionExpression",), ("AttributesToGet",))
        return cls() if ctx is None else _checked(ctx, cls(projection=_projection(p, ctx)))

    @classmethod
    def for_write(cls, p: Params) -> RequestExpressions:
        ctx = _context(p, ("ConditionExpression",), ("Expected", "ConditionalOperator"))
        return cls() if ctx is None else _checked(ctx, cls(condition=_condition(p, ctx)))

    @classmethod
    def for_update(cls, p: Params) -> RequestExpressions:
        ctx = _context(p, ("UpdateExpression", "ConditionExpression"),
                       ("AttributeUpdates", "Expected", "ConditionalOperator"))
        if ctx is None:
            return cls()
        if "UpdateExpression" in p:
            update = ex.parse_update(p["UpdateExpression"], ctx)
        else:
            update = ex.legacy_update(p["AttributeUpdates"]) if "AttributeUpdates" in p else None
        return _checked(ctx, cls(condition=_condition(p, ctx), update=update))

    @classmethod
    def for_query(cls, p: Params, spec: TableSpec) -> RequestExpressions:
        ctx = _context(p, ("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
                       ("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"))
        ctx = ctx or ex.ExpressionContext()
        return _checked(ctx, cls(projection=_projection(p, ctx), filter=_filter(p, ctx, "QueryFilter"),
                                 key_range=_key_range(p, ctx, spec)))

    @classmethod
    def for_scan(cls, p: Params) -> RequestExpressions:
        ctx = _context(p, ("ProjectionExpression", "FilterExpression"),
                       ("AttributesToGet", "ScanFilter", "ConditionalOperator"))
        if ctx is None:
            return cls()
        return _checked(ctx, cls(projection=_projection(p, ctx), filter=_filter(p, ctx, "ScanFilter")))


def _context(p: Params, expressions: tuple[str, ...], legacy: tuple[str, ...]) -> ex.ExpressionContext | None:
    """The request's expression context, after DynamoDB's rules on which parameters go together;
    None when the request has none of these parameters (the common, fast case)."""
    names, values = p.get("ExpressionAttributeNames"), p.get("ExpressionAttributeValues")
    if names is None and values is None and not any(k in p for k in expressions + legacy):
        return None
    ex.check_expression_parameters({k: p.get(k) for k in expressions}, {k: p.get(k) for k in legacy},
                                   names, values)
    return ex.ExpressionContext(names, values)


def _checked(ctx: ex.ExpressionContext, found: RequestExpressions) -> RequestExpressions:
    ctx.check_all_used()
    return found


def _condition(p: Params, ctx: ex.ExpressionContext) -> Any:
    if "ConditionExpression" in p:
        return ex.parse_condition(p["ConditionExpression"], ctx, "ConditionExpression")
    if "Expected" in p:
        return ex.legacy_expected(p["Expected"], p.get("ConditionalOperator"))
    return None


def _projection(p: Params, ctx: ex.ExpressionContext) -> Any:
    if "ProjectionExpression" in p:
        return ex.parse_projection(p["ProjectionExpression"], ctx)
    if "AttributesToGet" in p:
        return ex.legacy_projection(p["AttributesToGet"])
    return None


def _filter(p: Params, ctx: ex.ExpressionContext, legacy_name: str) -> Any:
    if "FilterExpression" in p:
        return ex.parse_condition(p["FilterExpression"], ctx, "FilterExpression")
    if legacy_name in p:
        return ex.legacy_filter(p[legacy_name], p.get("ConditionalOperator"), legacy_name)
    return None


def _key_range(p: Params, ctx: ex.ExpressionContext, spec: TableSpec) -> KeyRange:
    schema: Any = spec
    if "IndexName" in p:
        schema = spec.index(p["IndexName"])
        if schema is None:
            raise validation_error(f"The table does not have the specified index: {p['IndexName']}")
    hash_key, range_key = schema.hash_key, schema.range_key
    names = (hash_key.name, range_key.name if range_key else None, hash_key.type, range_key.type if range_key else None)
    if "KeyConditionExpression" in p:
        condition = ex.parse_key_condition(p["KeyConditionExpression"], ctx, *names)
    elif "KeyConditions" in p:
        condition = ex.legacy_key_conditions(p["KeyConditions"], *names)
    else:
        raise validation_error("Either the KeyConditions or KeyConditionExpression parameter must be specified "
                               "in the request.")
    if condition.range is None:
        return KeyRange(condition.hash_value)
    op, *values = condition.range
    return KeyRange(condition.hash_value, op, tuple(values))


def updated_view(mode: str, old: Item | None, new: Item, update: Any) -> Item | None:
    """What UpdateItem returns for ReturnValues ``mode``."""
    if mode == "ALL_OLD":
        return old
    if mode == "ALL_NEW":
        return new
    if mode in ("UPDATED_OLD", "UPDATED_NEW") and update is not None:
        source = old or {} if mode == "UPDATED_OLD" else new
        return update.updated().apply(source) or None
    return None
