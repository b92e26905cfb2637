"""DynamoDB's expression language for the tables engine: conditions, filters, key conditions,
updates and projections, plus the legacy parameters that predate them.

Use one ``ExpressionContext`` per request, parse every expression of the request with it, then
call ``ctx.check_all_used()``::

    ctx = ExpressionContext(params.get("ExpressionAttributeNames"), params.get("ExpressionAttributeValues"))
    condition = parse_condition(text, ctx)                   # .evaluate(item or {}) -> bool
    update = parse_update(text, ctx)                         # .apply(item) -> new item
    keys = parse_key_condition(text, ctx, "pk", "sk", "S", "N")  # .hash_value, .range
    projection = parse_projection(text, ctx)                 # .apply(item) -> projected item
    ctx.check_all_used()

Every refusal is ``cloudtwin.engines._kernel.errors.Invalid`` carrying DynamoDB's message.
Parsing is cached per expression text; evaluation is a chain of closures.
"""

from cloudtwin.engines.tables.expressions.context import ExpressionContext, check_expression_parameters
from cloudtwin.engines.tables.expressions.evaluate import Condition, parse_condition
from cloudtwin.engines.tables.expressions.keycond import KeyCondition, parse_key_condition
from cloudtwin.engines.tables.expressions.legacy import AttributeUpdates
from cloudtwin.engines.tables.expressions.legacy import attribute_updates as legacy_update
from cloudtwin.engines.tables.expressions.legacy import expected_condition as legacy_expected
from cloudtwin.engines.tables.expressions.legacy import filter_condition as legacy_filter
from cloudtwin.engines.tables.expressions.legacy import key_conditions as legacy_key_conditions
from cloudtwin.engines.tables.expressions.projection import Projection, parse_projection
from cloudtwin.engines.tables.expressions.projection import attributes_to_get as legacy_projection
from cloudtwin.engines.tables.expressions.reserved import RESERVED_WORDS, is_reserved
from cloudtwin.engines.tables.expressions.update import Update, parse_update


def parse_filter(text: str, ctx: ExpressionContext) -> Condition:
    """A FilterExpression: a condition whose errors say "Invalid FilterExpression"."""
    return parse_condition(text, ctx, "FilterExpression")


__all__ = [
    "AttributeUpdates",
    "Condition",
    "ExpressionContext",
    "KeyCondition",
    "Projection",
    "RESERVED_WORDS",
    "Update",
    "check_expression_parameters",
    "is_reserved",
    "legacy_expected",
    "legacy_filter",
    "legacy_key_conditions",
    "legacy_projection",
    "legacy_update",
    "parse_condition",
    "parse_filter",
    "parse_key_condition",
    "parse_projection",
    "parse_update",
]
