"""What a PartiQL statement asks of the table engine: the item key a write or keyed read names,
the partitions and sort-key range a SELECT can query instead of scanning, and the engine's
WriteAction for INSERT, UPDATE, DELETE and EXISTS.

Rules as DynamoDB documents them ("PartiQL select/insert/update/delete statements"): a SELECT
whose WHERE pins the partition key with ``=``, ``IN [...]`` or an OR of equalities runs as one
Query per partition (a sort-key ``=``, ``<``, ``<=``, ``>``, ``>=``, BETWEEN or begins_with
narrows it), anything else as a Scan; the whole WHERE then filters what was read. UPDATE and
DELETE must pin every key attribute with ``=`` joined by AND; the rest of the WHERE is their
condition. UPDATE of a missing item fails its condition; DELETE of a missing item succeeds.
INSERT fails when the key exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cmp_to_key, reduce
from typing import Any

from cloudtwin.aws.dynamodb.partiql import syntax as S
from cloudtwin.aws.dynamodb.partiql.binding import bind, bind_map
from cloudtwin.aws.dynamodb.partiql.expressions import Expressions
from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables import GLOBAL, KeyAttr, TableSpec, WriteAction
from cloudtwin.engines.tables.model import AttrValue, Item
from cloudtwin.engines.tables.values import compare, normalize_item

INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def conjuncts(node: S.Expr | None) -> list[S.Expr]:
    """The parts of a WHERE joined by top-level ANDs."""
    if node is None:
        return []
    if isinstance(node, S.And):
        return conjuncts(node.left) + conjuncts(node.right)
    return [node]


def _equality(node: S.Expr, attribute: str) -> S.Value | None:
    """The value ``node`` pins top-level ``attribute`` to (``a = v``, ``v = a``, ``a IN [v]``)."""
    if isinstance(node, S.Compare) and node.op == "=":
        for one, other in ((node.left, node.right), (node.right, node.left)):
            if one == S.Path((attribute,)) and isinstance(other, S.VALUE_NODES):
                return other  # type: ignore[return-value]
    if isinstance(node, S.In) and len(node.options) == 1 and node.subject == S.Path((attribute,)):
        option = node.options[0]
        return option if isinstance(option, S.VALUE_NODES) else None  # type: ignore[return-value]
    return None


def item_key(where: S.Expr | None, spec: TableSpec, params: list[AttrValue], message: str = INCOMPLETE_KEY) -> Item:
    """The key a WHERE pins with equalities on every key attribute; refused with ``message``."""
    key: Item = {}
    for name in spec.key_names:
        found = [value for value in map(lambda c: _equality(c, name), conjuncts(where)) if value is not None]
        if not found:
            raise Invalid(message)
        if len(found) > 1:
            raise Invalid(f"Multiple conditions on same key {name}. Only single item Update/Insert/Delete are "
                          "supported")
        key[name] = bind(found[0], params)
    return check_key_types(spec, key)


def check_key_types(spec: TableSpec, item: Item) -> Item:
    """``item``, refused when it lacks a key attribute or holds one of the wrong type."""
    for attr in (spec.hash_key, spec.range_key):
        if attr is None:
            continue
        if attr.name not in item:
            raise Invalid(f"Key attribute should be present in the item: Key {attr.name}")
        if attr.type not in item[attr.name]:
            raise Invalid(f"Key attribute's data type should match its data type in table's schema: Key {attr.name}")
    return item


# -- reads ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReadPlan:
    table: str
    index: str | None
    #: Partition key values to query, in order; None to scan.
    partitions: list[AttrValue] | None
    #: (op, values) of a sort-key condition, or None.
    sort: tuple[str, tuple[AttrValue, ...]] | None
    forward: bool
    filter: Any
    projection: tuple[S.Path, ...] | None


def read_plan(select: S.Select, spec: TableSpec, params: list[AttrValue], consistent: bool) -> ReadPlan:
    """How to run a SELECT; the parts of its WHERE the key range answers are left out of the filter."""
    schema = _source(select, spec, consistent)
    parts = conjuncts(select.where)
    used: list[S.Expr] = []
    partitions = _partitions(parts, schema.hash_key, params, used)
    sort = _sort_range(parts, schema.range_key, params, used) if partitions is not None else None
    forward = _ordering(select, schema, partitions)
    if partitions is not None:
        partitions = _in_order(select, schema.hash_key.name, partitions)
    rest = [part for part in parts if not any(part is one for one in used)]
    condition = filter_condition(reduce(S.And, rest) if rest else None, params)
    return ReadPlan(select.table, select.index_name, partitions, sort, forward, condition, select.projection)


def _source(select: S.Select, spec: TableSpec, consistent: bool) -> Any:
    """The table's spec, or that of the index the SELECT reads."""
    if select.index_name is None:
        return spec
    index = spec.index(select.index_name)
    if index is None:
        raise Invalid(f"The table does not have the specified index: {select.index_name}")
    if consistent and index.kind == GLOBAL:
        raise Invalid("Strongly consistent read is not supported on Global Secondary Indexes")
    return index


def filter_condition(where: S.Expr | None, params: list[AttrValue]) -> Any:
    if where is None:
        return None
    builder = Expressions(params)
    return builder.compile_condition(builder.condition(where))


def _partitions(parts: list[S.Expr], attr: KeyAttr, params: list[AttrValue],
                used: list[S.Expr]) -> list[AttrValue] | None:
    """The partition key values a conjunct pins (values of another type can match nothing)."""
    for part in parts:
        values = _pinned(part, attr.name)
        if values is not None:
            used.append(part)
            unique: list[AttrValue] = []
            for value in (bind(v, params) for v in values):
                if value not in unique and attr.type in value:
                    unique.append(value)
            return unique
    return None


def _pinned(node: S.Expr, name: str) -> list[S.Value] | None:
    """Values ``node`` confines attribute ``name`` to: ``=``, ``IN [...]`` or ORs of those."""
    single = _equality(node, name)
    if single is not None:
        return [single]
    if isinstance(node, S.In) and node.subject == S.Path((name,)) \
            and all(isinstance(o, S.VALUE_NODES) for o in node.options):
        return list(node.options)  # type: ignore[arg-type]
    if isinstance(node, S.Or):
        left, right = _pinned(node.left, name), _pinned(node.right, name)
        return left + right if left is not None and right is not None else None
    return None


def _sort_range(parts: list[S.Expr], attr: KeyAttr | None, params: list[AttrValue],
                used: list[S.Expr]) -> tuple[str, tuple[AttrValue, ...]] | None:
    """The first sort-key condition a Query can apply (one of the key's type), or None."""
    if attr is None:
        return None
    for part in parts:
        found = _sort_condition(part, S.Path((attr.name,)), params)
        if found is None or any(attr.type not in value for value in found[1]):
            continue
        if found[0] == "begins_with" and attr.type == "N":
            continue
        used.append(part)
        return found
    return None


def _sort_condition(part: S.Expr, path: S.Path, params: list[AttrValue]) -> tuple[str, tuple[AttrValue, ...]] | None:
    if isinstance(part, S.Compare) and part.op in _FLIPPED:
        if part.left == path and isinstance(part.right, S.VALUE_NODES):
            return part.op, (bind(part.right, params),)  # type: ignore[arg-type]
        if part.right == path and isinstance(part.left, S.VALUE_NODES):
            return _FLIPPED[part.op], (bind(part.left, params),)  # type: ignore[arg-type]
    if isinstance(part, S.Between) and part.subject == path and isinstance(part.low, S.VALUE_NODES) \
            and isinstance(part.high, S.VALUE_NODES):
        return "BETWEEN", (bind(part.low, params), bind(part.high, params))  # type: ignore[arg-type]
    if isinstance(part, S.Call) and part.name == "begins_with" and len(part.args) == 2 \
            and part.args[0] == path and isinstance(part.args[1], S.VALUE_NODES):
        return "begins_with", (bind(part.args[1], params),)  # type: ignore[arg-type]
    return None


def _ordering(select: S.Select, schema: Any, partitions: list[Any] | None) -> bool:
    """Whether items come in ascending key order (ORDER BY ... DESC turns it round)."""
    if not select.order:
        return True
    if select.where is None:
        raise Invalid("Must have WHERE clause in the statement when using ORDER BY clause.")
    if partitions is None:
        raise Invalid("Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY "
                      "clause.")
    for name, _ in select.order:
        if name not in schema.key_names:
            raise Invalid(f"Variable reference {name} in ORDER BY clause must be part of the primary key")
    return not dict(select.order).get(schema.range_key.name if schema.range_key else "", False)


def _in_order(select: S.Select, hash_name: str, partitions: list[AttrValue]) -> list[AttrValue]:
    """The partitions in ORDER BY order of the partition key, when it is named."""
    descending = dict(select.order).get(hash_name)
    if descending is None:
        return partitions
    return sorted(partitions, key=cmp_to_key(_compare), reverse=descending)


def _compare(one: AttrValue, other: AttrValue) -> int:
    return compare(one, other) or 0


# -- writes -----------------------------------------------------------------------------------------
def write_action(statement: S.Statement, spec: TableSpec, params: list[AttrValue],
                 return_on_failure: bool) -> WriteAction:
    """The engine action of an INSERT, UPDATE, DELETE or EXISTS statement."""
    builder = Expressions(params)
    if isinstance(statement, S.Insert):
        item = check_key_types(spec, normalize_item(bind_map(statement.item, params)))
        absent = builder.compile_condition(f"attribute_not_exists({builder.name(spec.hash_key.name)})")
        return WriteAction("put", statement.table, item=item, condition=absent)
    if isinstance(statement, S.Exists):
        select = statement.select
        if select.index_name is not None:
            raise Invalid("Operations on indices are not supported in transactions")
        key = item_key(select.where, spec, params,
                       "EXISTS() must contain a single item read with additional condition")
        condition = builder.compile_condition(builder.condition(select.where))  # type: ignore[arg-type]
        return WriteAction("check", select.table, key=key, condition=condition,
                           return_item_on_failure=return_on_failure)
    assert isinstance(statement, (S.Update, S.Delete))
    key = item_key(statement.where, spec, params)
    text = builder.condition(statement.where)
    if isinstance(statement, S.Delete):
        text = f"attribute_not_exists({builder.name(spec.hash_key.name)}) OR ({text})"
        return WriteAction("delete", statement.table, key=key, condition=builder.compile_condition(text),
                           return_item_on_failure=return_on_failure)
    update = builder.compile_update(statement.actions)
    return WriteAction("update", statement.table, key=key, condition=builder.compile_condition(text),
                       update=update, return_item_on_failure=return_on_failure)
