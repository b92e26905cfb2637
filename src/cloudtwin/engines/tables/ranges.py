"""Key ranges: what a query reads (one partition, a sort-key condition) and where a page resumes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.model import AttrValue, IndexSpec, Item, KeyAttr, TableSpec
from cloudtwin.engines.tables.store import key_hash
from cloudtwin.engines.tables.values import compare, encode_key_part

Bound = tuple[str, bytes]


@dataclass(frozen=True)
class KeyRange:
    """Partition ``hash_value``; sort keys by ``op`` ("=", "<", "<=", ">", ">=", "BETWEEN",
    "begins_with") over ``values``, or every sort key when ``op`` is None."""

    hash_value: AttrValue
    op: str | None = None
    values: tuple[AttrValue, ...] = ()


def _typed(attr: KeyAttr, value: AttrValue) -> bytes:
    ((tag, _),) = value.items()
    if tag != attr.type:
        raise Invalid("One or more parameter values were invalid: Condition parameter type does not match schema type")
    return encode_key_part(value)


def partition(schema: TableSpec | IndexSpec, key_range: KeyRange) -> bytes:
    return _typed(schema.hash_key, key_range.hash_value)


def _successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string that starts with ``prefix``."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes([trimmed[-1] + 1])


def sort_bounds(schema: TableSpec | IndexSpec, key_range: KeyRange) -> list[Bound]:
    if key_range.op is None:
        return []
    attr = schema.range_key
    if attr is None:
        raise Invalid("Query key condition not supported")
    values = [_typed(attr, value) for value in key_range.values]
    op = key_range.op
    if op == "BETWEEN":
        low, high = key_range.values
        if (compare(low, high) or 0) > 0:
            raise Invalid(
                "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than "
                f"or equal to lower bound; lower bound operand: AttributeValue: {_show(low)}, upper bound "
                f"operand: AttributeValue: {_show(high)}"
            )
        return [(">=", values[0]), ("<=", values[1])]
    if op == "begins_with":
        if attr.type == "N":
            raise Invalid("Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                          "operator or function: begins_with, operand type: N")
        end = _successor(values[0])
        return [(">=", values[0])] + ([("<", end)] if end is not None else [])
    return [(op, values[0])]


def _show(value: AttrValue) -> str:
    ((tag, inner),) = value.items()
    return f"{{{tag}:{inner}}}"


def _start_part(start_key: Item, attr: KeyAttr) -> bytes:
    value = start_key.get(attr.name)
    if value is None or next(iter(value)) != attr.type:
        raise Invalid("The provided starting key is invalid: The provided key element does not match the schema")
    return encode_key_part(value)


def _parts(start_key: Item, *attrs: KeyAttr | None) -> tuple[bytes, ...]:
    return tuple(_start_part(start_key, a) if a is not None else b"" for a in attrs)


def resume_point(spec: TableSpec, index: IndexSpec | None, start_key: Item | None,
                 with_hash: bool = False) -> Any:
    """The row value after which a page resumes, from an ExclusiveStartKey, or None.

    Queries: (pk, sk) on the table, (index sk, table pk, table sk) on an index. Scans
    (``with_hash``): (h, pk, sk) on the table, (h, index pk, index sk, table pk, table sk).
    """
    if start_key is None:
        return None
    table_pk, table_sk = _parts(start_key, spec.hash_key, spec.range_key)
    if index is None:
        return (key_hash(table_pk), table_pk, table_sk) if with_hash else (table_pk, table_sk)
    index_pk, index_sk = _parts(start_key, index.hash_key, index.range_key)
    if with_hash:
        return (key_hash(index_pk), index_pk, index_sk, table_pk, table_sk)
    return (index_sk, table_pk, table_sk)
