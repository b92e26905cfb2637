"""Syntax trees of the expression language, as the parser builds them.

These are syntax only: aliases (#n) and values (:v) are still unresolved names, nothing is
validated beyond the grammar. The compilers (``evaluate``, ``update``, ``projection``) resolve
and check them and build the small closures that run per item. ``at`` is the index of the
node's first token, kept for the compilers' source-order error reporting.
"""

from __future__ import annotations

from typing import NamedTuple, Union


class PathNode(NamedTuple):
    """A document path. Parts: literal names, aliases ("#x") and list indexes (int)."""

    parts: tuple[str | int, ...]
    at: int


class ValueNode(NamedTuple):
    name: str  # ":v"
    at: int


class CallNode(NamedTuple):
    name: str
    args: tuple[Operand, ...]
    at: int


class ParenNode(NamedTuple):
    """Parentheses, kept so that redundant ones can be refused."""

    inner: Union[Operand, Cond]
    at: int


class ArithNode(NamedTuple):
    op: str  # "+" or "-"
    left: Operand
    right: Operand
    at: int


class CompareNode(NamedTuple):
    op: str  # "=", "<>", "<", "<=", ">", ">="
    left: Operand
    right: Operand
    at: int


class BetweenNode(NamedTuple):
    operand: Operand
    low: Operand
    high: Operand
    at: int


class InNode(NamedTuple):
    operand: Operand
    options: tuple[Operand, ...]
    at: int


class AndNode(NamedTuple):
    left: Cond
    right: Cond
    at: int


class OrNode(NamedTuple):
    left: Cond
    right: Cond
    at: int


class NotNode(NamedTuple):
    inner: Cond
    at: int


class SetAction(NamedTuple):
    path: PathNode
    value: Operand


class RemoveAction(NamedTuple):
    path: PathNode


class AddAction(NamedTuple):
    path: PathNode
    value: Operand


class DeleteAction(NamedTuple):
    path: PathNode
    value: Operand


class UpdateNode(NamedTuple):
    sections: tuple[str, ...]  # clause keywords in written order, upper case
    actions: tuple[Action, ...]


Operand = Union[PathNode, ValueNode, CallNode, ParenNode, ArithNode]
Cond = Union[CompareNode, BetweenNode, InNode, AndNode, OrNode, NotNode, CallNode, ParenNode]
Action = Union[SetAction, RemoveAction, AddAction, DeleteAction]
