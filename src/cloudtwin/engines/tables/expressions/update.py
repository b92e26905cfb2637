"""UpdateExpression: checked once, then applied to items without mutating them.

Semantics modelled (Developer Guide, "Update expressions"): every SET value is computed from
the item as it was before the update; SET creates or replaces, ``+``/``-`` need numbers,
``if_not_exists`` falls back when the path is missing, ``list_append`` joins lists; REMOVE
deletes attributes, map keys or list elements (later elements shift down; indexes refer to
the list before the update); ADD adds to a number or unions a set, creating the attribute when
missing; DELETE subtracts from a set and removes the attribute when the set empties. A path
whose parent is missing or of the wrong kind is refused; a list index past the end appends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.expressions.context import ExpressionContext
from cloudtwin.engines.tables.expressions.nodes import (
    AddAction,
    ArithNode,
    CallNode,
    DeleteAction,
    Operand,
    ParenNode,
    PathNode,
    RemoveAction,
    SetAction,
    UpdateNode,
    ValueNode,
)
from cloudtwin.engines.tables.expressions.parser import parse_update_tree
from cloudtwin.engines.tables.expressions.projection import Projection
from cloudtwin.engines.tables.expressions.resolve import Path, Resolver, get_path, note_path_clashes
from cloudtwin.engines.tables.expressions import writes as W
from cloudtwin.engines.tables.values import SET_TYPES, AttrValue, Item, add_numbers, subtract_numbers

Compute = Callable[[Item], AttrValue]

_PRIORITY = (
    "reserved", "unknown_function", "section", "name", "value", "overlap", "conflict", "operand", "function",
)
_LONG_TYPE = {"S": "STRING", "N": "NUMBER", "B": "BINARY", "NULL": "NULL", "BOOL": "BOOLEAN", "L": "LIST", "M": "MAP"}
_MISSING = "The provided expression refers to an attribute that does not exist in the item"


class Update:
    """A compiled update: ``apply(item) -> new item``; the input item is left untouched."""

    __slots__ = ("sets", "removes", "adds", "deletes", "paths")

    def __init__(
        self,
        sets: list[tuple[Path, Compute]],
        removes: list[Path],
        adds: list[tuple[Path, AttrValue]],
        deletes: list[tuple[Path, AttrValue]],
        paths: tuple[Path, ...],
    ) -> None:
        self.sets, self.removes, self.adds, self.deletes = sets, removes, adds, deletes
        self.paths = paths

    def apply(self, item: Item) -> Item:
        values = [(path, compute(item)) for path, compute in self.sets]
        result = dict(item)
        for path, value in values:
            W.set_value(result, path, value)
        for path, value in self.adds:
            W.add_value(result, path, value)
        for path, value in self.deletes:
            W.delete_members(result, path, value)
        for path in sorted(self.removes, reverse=True):  # later list indexes first
            W.remove_value(result, path)
        return result

    def top_level_names(self) -> frozenset[str]:
        """Attributes the update writes; the engine refuses key attributes among them."""
        return frozenset(str(path[0]) for path in self.paths)

    def check_keys(self, key_names: Iterable[str]) -> None:
        """Refuse an update of a key attribute, in DynamoDB's words."""
        touched = self.top_level_names()
        for name in key_names:
            if name in touched:
                raise Invalid(
                    f"One or more parameter values were invalid: Cannot update attribute {name}. "
                    "This attribute is part of the key"
                )

    def updated(self) -> Projection:
        """The written paths as a projection, for ReturnValues UPDATED_OLD / UPDATED_NEW."""
        return Projection(self.paths)


class UpdateCompiler(Resolver):
    def compile(self, tree: UpdateNode) -> Update:
        self.check_sections(tree.sections)
        sets: list[tuple[Path, Compute]] = []
        removes: list[Path] = []
        adds: list[tuple[Path, AttrValue]] = []
        deletes: list[tuple[Path, AttrValue]] = []
        paths: list[Path] = []
        for action in tree.actions:
            path = self.path(action.path)
            paths.append(path)
            if isinstance(action, SetAction):
                sets.append((path, self.compute(action.value)[0]))
            elif isinstance(action, RemoveAction):
                removes.append(path)
            else:
                value = self.operation_value(action)
                (adds if isinstance(action, AddAction) else deletes).append((path, value))
        note_path_clashes(self, paths)
        self.raise_first(_PRIORITY)
        return Update(sets, removes, adds, deletes, tuple(paths))

    def check_sections(self, sections: tuple[str, ...]) -> None:
        for index, word in enumerate(sections):
            if word in sections[:index]:
                self.note("section", f'The "{word}" section can only be used once in an update expression;')

    def operation_value(self, action: AddAction | DeleteAction) -> AttrValue:
        assert isinstance(action.value, ValueNode)
        value = self.value(action.value) or {"NULL": True}
        tag = next(iter(value))
        allowed = ("N", *SET_TYPES) if isinstance(action, AddAction) else SET_TYPES
        if tag not in allowed:
            word = "ADD" if isinstance(action, AddAction) else "DELETE"
            self.note(
                "operand",
                f"Incorrect operand type for operator or function; operator: {word}, operand type: {_LONG_TYPE[tag]}",
            )
        return value

    # -- SET values: (compute, static type) -----------------------------------------------------
    def compute(self, node: Operand) -> tuple[Compute, str | None]:
        if isinstance(node, ParenNode):
            return self.compute(node.inner)  # type: ignore[arg-type]
        if isinstance(node, ValueNode):
            value = self.value(node)
            return (lambda item: value), (next(iter(value)) if value is not None else None)  # type: ignore[return-value]
        if isinstance(node, PathNode):
            return _reader(self.path(node)), None
        if isinstance(node, ArithNode):
            return self.arithmetic(node), "N"
        assert isinstance(node, CallNode)
        return self.call(node)

    def arithmetic(self, node: ArithNode) -> Compute:
        (left, ltype), (right, rtype) = self.compute(node.left), self.compute(node.right)
        for static in (ltype, rtype):
            if static is not None and static != "N":
                self.note("function", _operand_type(node.op, static))
        combine = add_numbers if node.op == "+" else subtract_numbers

        def arithmetic(item: Item) -> AttrValue:
            a, b = _number(left(item)), _number(right(item))
            return {"N": combine(a, b)}

        return arithmetic

    def call(self, node: CallNode) -> tuple[Compute, str | None]:
        args = [self.compute(arg) for arg in node.args]
        if node.name not in ("if_not_exists", "list_append"):
            self.note("unknown_function", f"Invalid function name; function: {node.name}")
            return _refused, None
        if len(args) != 2:
            self.note(
                "function",
                "Incorrect number of operands for operator or function; "
                f"operator or function: {node.name}, number of operands: {len(args)}",
            )
            return _refused, None
        (first, first_type), (second, second_type) = args
        if node.name == "if_not_exists":
            return self.if_not_exists(node, second), second_type
        for static in (first_type, second_type):
            if static is not None and static != "L":
                self.note("function", _operand_type("list_append", static))
        return (lambda item: {"L": _list(first(item)) + _list(second(item))}), "L"

    def if_not_exists(self, node: CallNode, fallback: Compute) -> Compute:
        target = node.args[0]
        while isinstance(target, ParenNode):
            target = target.inner  # type: ignore[assignment]
        if not isinstance(target, PathNode):
            self.note("function", "Operator or function requires a document path; operator or function: if_not_exists")
            return _refused
        path = self.path(target)

        def if_not_exists(item: Item) -> AttrValue:
            current = get_path(item, path)
            return current if current is not None else fallback(item)

        return if_not_exists


def _operand_type(name: str, type_name: str) -> str:
    return f"Incorrect operand type for operator or function; operator or function: {name}, operand type: {type_name}"


def _reader(path: Path) -> Compute:
    def read(item: Item) -> AttrValue:
        value = get_path(item, path)
        if value is None:
            raise Invalid(_MISSING)
        return value

    return read


def _refused(item: Item) -> AttrValue:  # never runs: compile refuses the expression first
    raise Invalid(_MISSING)


def _number(value: AttrValue) -> str:
    number = value.get("N")
    if number is None:
        raise Invalid(W.WRONG_TYPE)
    return str(number)


def _list(value: AttrValue) -> list[Any]:
    items: list[Any] | None = value.get("L")
    if items is None:
        raise Invalid(W.WRONG_TYPE)
    return items


def parse_update(text: str, ctx: ExpressionContext) -> Update:
    """Parse, check and compile an UpdateExpression."""
    return UpdateCompiler(ctx, "UpdateExpression").compile(parse_update_tree(text))
