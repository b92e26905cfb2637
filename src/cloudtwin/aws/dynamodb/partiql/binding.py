"""PartiQL values -> DynamoDB attribute values: literals, ``?`` parameters, lists, maps and sets.

Numbers are checked and normalized as for any item (38 digits, range), so ``1.50`` becomes
``1.5``. A set literal ``<<...>>`` holds only strings or only numbers, never parameters, and is
never empty, as DynamoDB requires.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson

from cloudtwin.aws.dynamodb.partiql import syntax as S
from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.model import AttrValue
from cloudtwin.engines.tables.values import normalize_value

PARAMETER_COUNT = "Number of parameters in request and statement don't match."
BAG_TYPES = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"


def parameters(given: list[Any] | None, expected: int) -> list[AttrValue]:
    """The request's Parameters, validated; refused when their count is not the statement's."""
    values = [normalize_value(value) for value in given or []]
    if len(values) != expected:
        raise Invalid(PARAMETER_COUNT)
    return values


def bind(node: S.Value, params: list[AttrValue]) -> AttrValue:
    if isinstance(node, S.Lit):
        return normalize_value(node.value)
    if isinstance(node, S.Param):
        return params[node.position]
    if isinstance(node, S.ListLit):
        return {"L": [bind(item, params) for item in node.items]}
    if isinstance(node, S.MapLit):
        return {"M": bind_map(node, params)}
    return _bag(node)


def bind_map(node: S.MapLit, params: list[AttrValue]) -> dict[str, AttrValue]:
    found: dict[str, AttrValue] = {}
    for key, value in node.pairs:
        if key in found:
            raise Invalid(f"Duplicate keys in tuple. Key: {key}")
        found[key] = bind(value, params)
    return found


def _bag(node: S.BagLit) -> AttrValue:
    if not node.items:
        raise Invalid("Empty bags are not supported")
    tags = {next(iter(item.value)) if isinstance(item, S.Lit) else "" for item in node.items}
    if len(tags) != 1 or not tags <= {"S", "N"}:
        raise Invalid(BAG_TYPES)
    tag = tags.pop()
    return normalize_value({tag + "S": [item.value[tag] for item in node.items]})  # type: ignore[union-attr]


def canonical_json(value: Any) -> bytes:
    """``value`` (parameters, statements) as JSON with sorted keys, binary as base64: for digests."""
    return orjson.dumps(value, default=_binary_text, option=orjson.OPT_SORT_KEYS)


def _binary_text(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError
