"""Syntax trees of DynamoDB's PartiQL statements, as the parser builds them.

Values are still unbound here: a ``Param`` is the n-th ``?`` of the statement, and literal
lists, maps and sets may hold parameters. ``binding`` turns them into attribute values.
"""

from __future__ import annotations

from typing import NamedTuple, Union

from cloudtwin.engines.tables.model import AttrValue


# -- values ---------------------------------------------------------------------------------------
class Lit(NamedTuple):
    value: AttrValue


class Param(NamedTuple):
    position: int


class ListLit(NamedTuple):
    items: tuple[Value, ...]


class MapLit(NamedTuple):
    pairs: tuple[tuple[str, Value], ...]


class BagLit(NamedTuple):
    """``<<...>>``: a string or number set."""

    items: tuple[Value, ...]


Value = Union[Lit, Param, ListLit, MapLit, BagLit]
VALUE_NODES = (Lit, Param, ListLit, MapLit, BagLit)


# -- operands and conditions ----------------------------------------------------------------------
class Path(NamedTuple):
    """A document path: attribute and map key names (str) and list indexes (int)."""

    parts: tuple[str | int, ...]


class Call(NamedTuple):
    name: str  # lower case
    args: tuple[Expr, ...]


class Arith(NamedTuple):
    op: str  # "+" or "-"
    left: Expr
    right: Expr


class Compare(NamedTuple):
    op: str  # "=", "<>", "<", "<=", ">", ">="
    left: Expr
    right: Expr


class Between(NamedTuple):
    subject: Expr
    low: Expr
    high: Expr


class In(NamedTuple):
    subject: Expr
    options: tuple[Expr, ...]


class Is(NamedTuple):
    """``subject IS [NOT] <type>``: type is MISSING, NULL, BOOLEAN, STRING, NUMERIC, BLOB, ..."""

    subject: Expr
    type: str
    negated: bool


class And(NamedTuple):
    left: Expr
    right: Expr


class Or(NamedTuple):
    left: Expr
    right: Expr


class Not(NamedTuple):
    inner: Expr


Expr = Union[Value, Path, Call, Arith, Compare, Between, In, Is, And, Or, Not]


# -- statements -----------------------------------------------------------------------------------
class Select(NamedTuple):
    table: str
    index_name: str | None
    #: The projected paths, or None for ``*``.
    projection: tuple[Path, ...] | None
    where: Expr | None
    #: ORDER BY: (attribute name, descending) pairs.
    order: tuple[tuple[str, bool], ...]


class Insert(NamedTuple):
    table: str
    item: MapLit


class Assign(NamedTuple):
    """One action of an UPDATE: ``SET path = value`` (value set) or ``REMOVE path`` (value None)."""

    path: Path
    value: Expr | None


class Update(NamedTuple):
    table: str
    actions: tuple[Assign, ...]
    where: Expr
    #: "ALL OLD", "MODIFIED OLD", "ALL NEW", "MODIFIED NEW" or None.
    returning: str | None


class Delete(NamedTuple):
    table: str
    where: Expr
    returning: str | None


class Exists(NamedTuple):
    """``EXISTS(SELECT ...)``: a condition check, only in a transaction of writes."""

    select: Select


class Parsed(NamedTuple):
    statement: Statement
    #: How many ``?`` the statement holds.
    params: int


Statement = Union[Select, Insert, Update, Delete, Exists]
