"""The legacy (pre-expression) parameters, turned into the same objects expressions compile to.

Expected, QueryFilter and ScanFilter become a ``Condition``; KeyConditions a ``KeyCondition``;
AttributeUpdates an update with ``apply``/``top_level_names``/``check_keys``/``updated``;
AttributesToGet a ``Projection`` (see ``projection.attributes_to_get``). Semantics follow the
Developer Guide's "Legacy conditional parameters": each comparison behaves like its expression
equivalent (NE and NOT_CONTAINS hold for a missing attribute), conditions combine with AND
unless ConditionalOperator is OR.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.expressions import runtime as R
from cloudtwin.engines.tables.expressions import writes as W
from cloudtwin.engines.tables.expressions.evaluate import Condition, Predicate
from cloudtwin.engines.tables.expressions.keycond import KeyCondition, key_condition_from_parts
from cloudtwin.engines.tables.expressions.projection import Projection
from cloudtwin.engines.tables.values import SET_TYPES, AttrValue, Item, add_numbers, compare, normalize_value

_INVALID = "One or more parameter values were invalid: "
_ARITY = {"NULL": 0, "NOT_NULL": 0, "BETWEEN": 2}
_ORDERED = ("S", "N", "B")
_VALUE_TYPES = {
    "LE": _ORDERED, "LT": _ORDERED, "GE": _ORDERED, "GT": _ORDERED, "IN": _ORDERED, "BETWEEN": _ORDERED,
    "CONTAINS": _ORDERED, "NOT_CONTAINS": _ORDERED, "BEGINS_WITH": ("S", "B"),
}
_TESTS = {"LT": operator.lt, "LE": operator.le, "GT": operator.gt, "GE": operator.ge}
_KEY_OPS = {"EQ": "=", "LT": "<", "LE": "<=", "GT": ">", "GE": ">=", "BEGINS_WITH": "begins_with", "BETWEEN": "BETWEEN"}


# -- comparisons --------------------------------------------------------------------------------
def check_comparison(op: str, values: Sequence[AttrValue]) -> list[AttrValue]:
    """Validate a ComparisonOperator with its AttributeValueList; the normalized values."""
    values = [normalize_value(v) for v in values]
    arity = _ARITY.get(op, 1)
    if (op == "IN" and not values) or (op != "IN" and len(values) != arity):
        raise Invalid(f"{_INVALID}Invalid number of argument(s) for the {op} ComparisonOperator")
    tags = [next(iter(v)) for v in values]
    if len(set(tags)) > 1:
        raise Invalid(f"{_INVALID}AttributeValues inside AttributeValueList must be of same type")
    for tag in tags:
        if tag not in _VALUE_TYPES.get(op, (tag,)):
            raise Invalid(f"{_INVALID}ComparisonOperator {op} is not valid for {tag} AttributeValue type")
    if op == "BETWEEN" and (compare(values[0], values[1]) or 0) > 0:
        raise Invalid("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
    return values


def comparison(name: str, op: str, values: Sequence[AttrValue]) -> Predicate:
    """The predicate ``item[name] <op> values`` (values already checked)."""
    if op in ("NULL", "NOT_NULL"):
        missing = op == "NULL"
        return lambda item: (item.get(name) is None) is missing
    if op in ("EQ", "NE"):
        value, same = values[0], op == "EQ"
        return lambda item: R.equal(item.get(name), value) is same
    if op in _TESTS:
        return _ordered(name, _TESTS[op], values[0])
    if op == "BETWEEN":
        low, high = _ordered(name, operator.ge, values[0]), _ordered(name, operator.le, values[1])
        return lambda item: low(item) and high(item)
    if op == "IN":
        return lambda item: any(R.equal(item.get(name), v) for v in values)
    part = values[0]
    if op == "BEGINS_WITH":
        return lambda item: R.begins_with(item.get(name), part)
    holds = op == "CONTAINS"
    return lambda item: R.contains(item.get(name), part) is holds


def _ordered(name: str, test: Callable[[Any, Any], bool], value: AttrValue) -> Predicate:
    ((tag, bound),) = value.items()
    if tag == "N":
        bound = Decimal(bound)
    return lambda item: R.ordered(item.get(name), tag, bound, test)


def _combine(predicates: list[Predicate], conditional_operator: str | None) -> Predicate:
    if conditional_operator == "OR":
        return lambda item: any(p(item) for p in predicates)
    return lambda item: all(p(item) for p in predicates)


def filter_condition(
    conditions: Mapping[str, Mapping[str, Any]], conditional_operator: str | None = None, what: str = "QueryFilter"
) -> Condition:
    """QueryFilter / ScanFilter (named by ``what``): ``{attr: {"ComparisonOperator": op, "AttributeValueList": [...]}}``."""
    predicates = [
        comparison(name, c["ComparisonOperator"], check_comparison(c["ComparisonOperator"], c.get("AttributeValueList") or []))
        for name, c in conditions.items()
    ]
    return Condition(_combine(predicates, conditional_operator), tuple((name,) for name in conditions))


# -- Expected -----------------------------------------------------------------------------------
def expected_condition(expected: Mapping[str, Mapping[str, Any]], conditional_operator: str | None = None) -> Condition:
    """Expected: per attribute ``Exists``/``Value`` or ``ComparisonOperator``/``AttributeValueList``."""
    predicates = [_expected_one(name, spec) for name, spec in expected.items()]
    return Condition(_combine(predicates, conditional_operator), tuple((name,) for name in expected))


def _expected_one(name: str, spec: Mapping[str, Any]) -> Predicate:
    op, value, listed = spec.get("ComparisonOperator"), spec.get("Value"), spec.get("AttributeValueList")
    if listed is not None and value is not None:
        raise Invalid(f"{_INVALID}Value and AttributeValueList cannot be used together for Attribute: {name}")
    if op is not None:
        if "Exists" in spec and spec["Exists"] is not None:
            raise Invalid(f"{_INVALID}Exists and ComparisonOperator cannot be used together for Attribute: {name}")
        if op not in ("NULL", "NOT_NULL") and listed is None and value is None:
            raise Invalid(
                f"{_INVALID}Value or AttributeValueList must be used with ComparisonOperator: {op} for Attribute: {name}"
            )
        values = listed if listed is not None else ([value] if value is not None else [])
        return comparison(name, op, check_comparison(op, values))
    if listed is not None:
        raise Invalid(f"{_INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: {name}")
    exists = spec.get("Exists")
    if exists is False:
        if value is not None:
            raise Invalid(f"{_INVALID}Value cannot be used when Exists is false for Attribute: {name}")
        return lambda item: item.get(name) is None
    if value is None:
        word = "null" if exists is None else "true"
        raise Invalid(f"{_INVALID}Value must be provided when Exists is {word} for Attribute: {name}")
    return comparison(name, "EQ", [normalize_value(value)])


# -- KeyConditions ------------------------------------------------------------------------------
def key_conditions(
    conditions: Mapping[str, Mapping[str, Any]],
    hash_key: str,
    range_key: str | None = None,
    hash_type: str | None = None,
    range_type: str | None = None,
) -> KeyCondition:
    """The legacy KeyConditions of a Query, checked against the key schema."""
    parts: dict[str, tuple[Any, ...]] = {}
    predicates: list[Predicate] = []
    for name, c in conditions.items():
        op = c["ComparisonOperator"]
        values = check_comparison(op, c.get("AttributeValueList") or [])
        if op not in _KEY_OPS:
            raise Invalid("Attempted conditional constraint is not an indexable operation")
        parts[name] = (_KEY_OPS[op], *values)
        predicates.append(comparison(name, op, values))
    return key_condition_from_parts(parts, _combine(predicates, "AND"), hash_key, range_key, hash_type, range_type)


# -- AttributeUpdates ---------------------------------------------------------------------------
class AttributeUpdates:
    """Legacy AttributeUpdates: PUT (default), ADD (number, set or list) and DELETE."""

    __slots__ = ("actions", "paths")

    def __init__(self, actions: list[tuple[str, str, AttrValue | None]]) -> None:
        self.actions = actions
        self.paths = tuple((name,) for name, _, _ in actions)

    def apply(self, item: Item) -> Item:
        result = dict(item)
        for name, action, value in self.actions:
            if action == "PUT":
                result[name] = value  # type: ignore[assignment]
            elif value is None:
                result.pop(name, None)
            elif action == "ADD":
                _legacy_add(result, name, value)
            else:
                _legacy_delete(result, name, value)
        return result

    def top_level_names(self) -> frozenset[str]:
        return frozenset(name for name, _, _ in self.actions)

    def check_keys(self, key_names: Iterable[str]) -> None:
        for name in key_names:
            if name in self.top_level_names():
                raise Invalid(f"{_INVALID}Cannot update attribute {name}. This attribute is part of the key")

    def updated(self) -> Projection:
        return Projection(self.paths)


def attribute_updates(updates: Mapping[str, Mapping[str, Any]]) -> AttributeUpdates:
    """Validate AttributeUpdates (``{attr: {"Action": ..., "Value": ...}}``)."""
    actions: list[tuple[str, str, AttrValue | None]] = []
    for name, spec in updates.items():
        action, value = spec.get("Action") or "PUT", spec.get("Value")
        if value is None and action != "DELETE":
            raise Invalid(f"{_INVALID}Only DELETE action is allowed when no attribute value is specified")
        if value is not None:
            value = normalize_value(value)
            tag = next(iter(value))
            if action == "DELETE" and tag not in SET_TYPES:
                raise Invalid(f"{_INVALID}DELETE action with value is not supported for the type {tag}")
            if action == "ADD" and tag not in ("L", "N", *SET_TYPES):
                raise Invalid(f"{_INVALID}ADD action is not supported for the type {tag}")
        actions.append((name, action, value))
    return AttributeUpdates(actions)


def _legacy_add(item: Item, name: str, value: AttrValue) -> None:
    ((tag, inner),) = value.items()
    current = item.get(name)
    if current is None:
        item[name] = value
        return
    existing = current.get(tag)
    if existing is None:
        raise Invalid("Type mismatch for attribute to update")
    if tag == "N":
        item[name] = {"N": add_numbers(existing, inner)}
    elif tag == "L":
        item[name] = {"L": existing + inner}
    else:
        item[name] = {tag: W.union(tag, existing, inner)}


def _legacy_delete(item: Item, name: str, value: AttrValue) -> None:
    current = item.get(name)
    if current is None:
        return
    ((tag, inner),) = value.items()
    existing = current.get(tag)
    if existing is None:
        raise Invalid("Type mismatch for attribute to update")
    gone = set(inner)
    left = [member for member in existing if member not in gone]
    if left:
        item[name] = {tag: left}
    else:
        del item[name]
