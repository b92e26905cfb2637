"""KeyConditionExpression: a condition DynamoDB accepts only in a narrow shape.

The text is first checked like any condition (reserved words, undefined values, operand types
such as a number in ``begins_with``), in source order; then its shape: an AND of at most one
condition per key attribute, equality on the partition key, and on the sort key one of ``=``,
``<``, ``<=``, ``>``, ``>=``, ``BETWEEN`` or ``begins_with``. Messages are the service's
(Developer Guide, "Query" / "Key condition expressions for query").
"""

from __future__ import annotations

from typing import Any

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.expressions.context import ExpressionContext
from cloudtwin.engines.tables.expressions.evaluate import ConditionCompiler, Predicate
from cloudtwin.engines.tables.expressions.nodes import (
    AndNode,
    BetweenNode,
    CallNode,
    CompareNode,
    Cond,
    InNode,
    NotNode,
    OrNode,
    ParenNode,
    PathNode,
)
from cloudtwin.engines.tables.expressions.parser import parse_condition_tree
from cloudtwin.engines.tables.values import AttrValue

WHAT = "KeyConditionExpression"
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NOT_KEY_OPERATORS = ("attribute_exists", "attribute_not_exists", "attribute_type", "contains")
_SCHEMA_TYPE = "One or more parameter values were invalid: Condition parameter type does not match schema type"

RangeCondition = tuple[Any, ...]  # (op, value) | ("BETWEEN", low, high) | ("begins_with", prefix)


class KeyCondition:
    """The partition key value and the optional sort key condition of a Query.

    ``range`` is None or ``(op, value)`` with op in "=", "<", "<=", ">", ">=", "begins_with",
    or ``("BETWEEN", low, high)``. ``evaluate(item)`` re-checks an item, for callers that scan.
    """

    __slots__ = ("hash_key", "hash_value", "range_key", "range", "evaluate")

    def __init__(
        self, hash_key: str, hash_value: AttrValue, range_key: str | None,
        range: RangeCondition | None, evaluate: Predicate,
    ) -> None:
        self.hash_key = hash_key
        self.hash_value = hash_value
        self.range_key = range_key
        self.range = range
        self.evaluate = evaluate


def parse_key_condition(
    text: str,
    ctx: ExpressionContext,
    hash_key: str,
    range_key: str | None = None,
    hash_type: str | None = None,
    range_type: str | None = None,
) -> KeyCondition:
    """Parse and check a KeyConditionExpression against the (table or index) key schema.

    With ``hash_type``/``range_type`` ("S", "N" or "B") the values are also checked against
    the schema types.
    """
    tree = parse_condition_tree(text, WHAT)
    compiler = ConditionCompiler(ctx, WHAT)
    condition = compiler.compile(tree)
    conditions: dict[str, RangeCondition] = {}
    for leaf in _leaves(tree):
        name, cond = _key_leaf(leaf, compiler.resolved)
        if name in conditions:
            raise Invalid(f"Invalid {WHAT}: KeyConditionExpressions must only contain one condition per key")
        conditions[name] = cond
    return _against_schema(conditions, condition.evaluate, (hash_key, hash_type), (range_key, range_type))


def key_condition_from_parts(
    conditions: dict[str, RangeCondition],
    evaluate: Predicate,
    hash_key: str,
    range_key: str | None = None,
    hash_type: str | None = None,
    range_type: str | None = None,
) -> KeyCondition:
    """The same schema checks for conditions already split per attribute (legacy KeyConditions)."""
    return _against_schema(conditions, evaluate, (hash_key, hash_type), (range_key, range_type))


def _leaves(node: Cond) -> list[Cond]:
    while isinstance(node, ParenNode):
        node = node.inner  # type: ignore[assignment]
    if isinstance(node, AndNode):
        return _leaves(node.left) + _leaves(node.right)
    if isinstance(node, (OrNode, NotNode, InNode)):
        word = {OrNode: "OR", NotNode: "NOT", InNode: "IN"}[type(node)]
        raise Invalid(f"Invalid operator used in {WHAT}: {word}")
    if isinstance(node, CompareNode) and node.op == "<>":
        raise Invalid(f"Invalid operator used in {WHAT}: <>")
    if isinstance(node, CallNode) and node.name in _NOT_KEY_OPERATORS:
        raise Invalid(f"Invalid operator used in {WHAT}: {node.name}")
    return [node]


def _key_leaf(leaf: Cond, resolved: dict[object, object]) -> tuple[str, RangeCondition]:
    if isinstance(leaf, CompareNode):
        operands, op = [leaf.left, leaf.right], leaf.op
    elif isinstance(leaf, BetweenNode):
        operands, op = [leaf.operand, leaf.low, leaf.high], "BETWEEN"
    else:
        assert isinstance(leaf, CallNode)
        operands, op = list(leaf.args), leaf.name
    operands = [_unwrap(o) for o in operands]
    if any(isinstance(o, CallNode) for o in operands) or op == "size":
        raise Invalid(f"Invalid {WHAT}: KeyConditionExpressions cannot contain nested operations")
    at = [i for i, o in enumerate(operands) if isinstance(o, PathNode)]
    if len(at) > 1:
        raise Invalid(f"Invalid condition in {WHAT}: Multiple attribute names used in one condition")
    if not at:
        raise Invalid(f"Invalid condition in {WHAT}: No key attribute specified")
    if at[0] != 0 and op in ("BETWEEN", "begins_with"):
        raise Invalid(f"Invalid condition in {WHAT}: {op} operator must have the key attribute as its first operand")
    path = resolved[operands[at[0]]]
    if len(path) > 1:  # type: ignore[arg-type]
        raise Invalid(f"Invalid {WHAT}: KeyConditionExpressions cannot have conditions on nested attributes")
    values = [resolved[o] for i, o in enumerate(operands) if i != at[0]]
    if at[0] != 0:
        op = _FLIPPED[op]
    return str(path[0]), (op, *values)  # type: ignore[index]


def _unwrap(node: Any) -> Any:
    while isinstance(node, ParenNode):
        node = node.inner
    return node


def _against_schema(
    conditions: dict[str, RangeCondition],
    evaluate: Predicate,
    hash_attr: tuple[str, str | None],
    range_attr: tuple[str | None, str | None],
) -> KeyCondition:
    (hash_key, hash_type), (range_key, range_type) = hash_attr, range_attr
    schema_size = 2 if range_key else 1
    if len(conditions) > schema_size:
        raise Invalid(
            f"The number of query conditions ({len(conditions)}) exceeds the number of key attributes "
            f"defined in the schema ({schema_size})"
        )
    hash_cond = conditions.pop(hash_key, None)
    if hash_cond is None:
        raise Invalid(f"Query condition missed key schema element: {hash_key}")
    if hash_cond[0] != "=":
        raise Invalid("Query key condition not supported")
    range_cond = conditions.pop(range_key, None) if range_key else None
    if conditions:
        raise Invalid(f"Query condition missed key schema element: {range_key or hash_key}")
    _check_types(hash_cond[1:], hash_type)
    _check_key_value(hash_key, hash_cond[1])
    if range_cond is not None:
        _check_types(range_cond[1:], range_type)
    return KeyCondition(hash_key, hash_cond[1], range_key, range_cond, evaluate)


def _check_types(values: tuple[AttrValue, ...], expected: str | None) -> None:
    if expected is None:
        return
    for value in values:
        if next(iter(value)) != expected:
            raise Invalid(_SCHEMA_TYPE)


def _check_key_value(name: str, value: AttrValue) -> None:
    ((tag, inner),) = value.items()
    if tag in ("S", "B") and len(inner) == 0:
        raise Invalid(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
            f"contain an empty {'string' if tag == 'S' else 'binary'} value. Key: {name}"
        )
