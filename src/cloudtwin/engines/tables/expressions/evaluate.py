"""Conditions (ConditionExpression, FilterExpression, KeyConditionExpression): checked once,
compiled into a chain of closures, then evaluated per item.

Semantics modelled (DynamoDB Developer Guide, "Comparison operator and function reference"):
comparisons between different types are false, never errors (items and values are expected
in canonical form, see ``values``); ``<>`` is the negation of ``=``
(so it holds when the attribute is missing); ordering applies to N, S (by code point, which is
UTF-8 byte order) and B (unsigned bytes); ``size`` counts UTF-16 code units of a string, bytes
of a binary and members of a set, list or map. What DynamoDB refuses before evaluating (unknown
function, wrong operand count or type, a function used where it cannot be, redundant
parentheses, more than 100 IN operands or 300 operators) is refused here with its words.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from cloudtwin.engines.tables.expressions.context import ExpressionContext
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
    ValueNode,
)
from cloudtwin.engines.tables.expressions.parser import parse_condition_tree
from cloudtwin.engines.tables.expressions.resolve import Getter, Path, Resolver, path_getter, path_str
from cloudtwin.engines.tables.expressions import runtime as R
from cloudtwin.engines.tables.values import AttrValue, Item, compare

Predicate = Callable[[Item], bool]

FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
}
ORDERED_TYPES = ("N", "S", "B")
_SCALAR_TYPES = frozenset(("S", "N", "B", "BOOL", "NULL"))
MAX_IN_OPERANDS = 100
MAX_OPERATORS = 300
_TESTS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<>": "<>"}
_PRIORITY = ("parens", "unknown_function", "misused_function", "reserved", "leaf", "operators")
_LEAF_PRIORITY = ("undefined", "operands", "distinct", "function")
_LEAF_CATEGORIES = frozenset(("name", "value", *_LEAF_PRIORITY))
_REDUNDANT = "The expression has redundant parentheses;"


class Operand(NamedTuple):
    """A compiled operand: its reader, and what is known of it before any item is seen."""

    get: Getter
    kind: str  # "path", "value" or "call"
    type: str | None  # the static type, when known
    path: Path | None = None
    const: AttrValue | None = None


class Condition:
    """A compiled condition: ``evaluate(item) -> bool`` (use ``{}`` for a missing item)."""

    __slots__ = ("evaluate", "paths")

    def __init__(self, evaluate: Predicate, paths: tuple[Path, ...]) -> None:
        self.evaluate = evaluate
        self.paths = paths

    def top_level_names(self) -> frozenset[str]:
        """The attributes the condition reads (for DynamoDB's rule that filters avoid key attributes)."""
        return frozenset(str(p[0]) for p in self.paths)


class ConditionCompiler(Resolver):
    """Checks a condition tree the way DynamoDB does and compiles it into closures."""

    def __init__(self, ctx: ExpressionContext, what: str) -> None:
        super().__init__(ctx, what)
        self.leaf: dict[str, str] | None = None
        self.operators = 0
        self.paths: list[Path] = []
        self.resolved: dict[object, object] = {}

    def note(self, category: str, message: str) -> None:
        if self.leaf is not None and category in _LEAF_CATEGORIES:
            self.leaf.setdefault("undefined" if category in ("name", "value") else category, message)
        else:
            super().note(category, message)

    def compile(self, tree: Cond) -> Condition:
        predicate = self.condition(tree)
        if self.operators > MAX_OPERATORS:
            self.note("operators", f"The expression contains too many operators; operator count: {self.operators}")
        self.raise_first(_PRIORITY)
        return Condition(predicate, tuple(self.paths))

    # -- conditions -----------------------------------------------------------------------------
    def condition(self, node: Cond) -> Predicate:
        if isinstance(node, ParenNode):
            if isinstance(node.inner, ParenNode):
                self.note("parens", _REDUNDANT)
            return self.condition(node.inner)  # type: ignore[arg-type]
        if isinstance(node, (AndNode, OrNode)):
            return self.chain(node)
        if isinstance(node, NotNode):
            self.operators += 1
            inner = self.condition(node.inner)
            return lambda item: not inner(item)
        self.leaf = {}
        predicate = self.leaf_condition(node)
        leaf, self.leaf = self.leaf, None
        if leaf:
            first = next(category for category in _LEAF_PRIORITY if category in leaf)
            self.note("leaf", leaf[first])
        return predicate

    def chain(self, node: AndNode | OrNode) -> Predicate:
        """A run of ANDs (or ORs) as one flat predicate: no deep recursion for long chains."""
        kind, parts = type(node), []
        current: Cond = node
        while isinstance(current, kind):
            parts.append(current.right)
            current = current.left
        parts.append(current)
        self.operators += len(parts) - 1
        tests = [self.condition(part) for part in reversed(parts)]
        if len(tests) == 2:
            first, second = tests
            if kind is AndNode:
                return lambda item: first(item) and second(item)
            return lambda item: first(item) or second(item)
        if kind is AndNode:
            return lambda item: all(test(item) for test in tests)
        return lambda item: any(test(item) for test in tests)

    def leaf_condition(self, node: Cond) -> Predicate:
        self.operators += 1
        if isinstance(node, CompareNode):
            return self.comparison(node)
        if isinstance(node, BetweenNode):
            return self.between(node)
        if isinstance(node, InNode):
            return self.membership(node)
        assert isinstance(node, CallNode)
        if node.name == "size":
            self.note("misused_function", _misused(node.name))
        return self.function(node)

    def comparison(self, node: CompareNode) -> Predicate:
        left, right = self.operand(node.left), self.operand(node.right)
        self.check_distinct(node.op, left, right)
        if node.op in _TESTS:
            for side in (left, right):
                if side.type is not None and side.type not in ORDERED_TYPES:
                    self.note("function", _operand_type(node.op, side.type))
            return _ordering(node.op, left, right)
        equal = _equality(left, right)
        if node.op == "=":
            return equal
        return lambda item: not equal(item)

    def between(self, node: BetweenNode) -> Predicate:
        subject, low, high = (self.operand(n) for n in (node.operand, node.low, node.high))
        for side in (subject, low, high):
            if side.type is not None and side.type not in ORDERED_TYPES:
                self.note("function", _operand_type("BETWEEN", side.type))
        if low.const is not None and high.const is not None:
            self.check_bounds(low.const, high.const)
        above, below = _ordering(">=", subject, low), _ordering("<=", subject, high)
        return lambda item: above(item) and below(item)

    def check_bounds(self, low: AttrValue, high: AttrValue) -> None:
        ((lt, lv),), ((ht, hv),) = low.items(), high.items()
        bounds = f"lower bound operand: AttributeValue: {{{lt}:{lv}}}, upper bound operand: AttributeValue: {{{ht}:{hv}}}"
        if lt != ht:
            self.note("function", f"The BETWEEN operator requires same data type for lower and upper bounds; {bounds}")
        elif (compare(low, high) or 0) > 0:
            self.note(
                "function",
                f"The BETWEEN operator requires upper bound to be greater than or equal to lower bound; {bounds}",
            )

    def membership(self, node: InNode) -> Predicate:
        subject = self.operand(node.operand)
        options = [self.operand(option) for option in node.options]
        if len(options) > MAX_IN_OPERANDS:
            self.note(
                "function",
                f"The IN operator is provided with too many operands; number of operands: {len(options)}",
            )
        tests = [_equality(subject, option) for option in options]
        return lambda item: any(test(item) for test in tests)

    def check_distinct(self, op: str, first: Operand, second: Operand) -> None:
        if first.path is not None and first.path == second.path:
            self.note(
                "distinct",
                "The first operand must be distinct from the remaining operands for this operator or "
                f"function; operator: {op}, first operand: {path_str(first.path)}",
            )

    # -- functions ------------------------------------------------------------------------------
    def function(self, node: CallNode) -> Predicate:
        arity = FUNCTIONS.get(node.name)
        args = [self.operand(arg) for arg in node.args]
        if arity is None:
            self.note("unknown_function", f"Invalid function name; function: {node.name}")
            return lambda item: False
        if arity != len(args):
            self.note(
                "operands",
                "Incorrect number of operands for operator or function; "
                f"operator or function: {node.name}, number of operands: {len(args)}",
            )
            return lambda item: False
        if arity == 2:
            self.check_distinct(node.name, args[0], args[1])
        build: Callable[[list[Operand]], Predicate] = getattr(self, "fn_" + node.name)
        return build(args)

    def needs_path(self, name: str, arg: Operand) -> None:
        if arg.kind != "path":
            self.note("function", f"Operator or function requires a document path; operator or function: {name}")

    def fn_attribute_exists(self, args: list[Operand]) -> Predicate:
        self.needs_path("attribute_exists", args[0])
        get = args[0].get
        return lambda item: get(item) is not None

    def fn_attribute_not_exists(self, args: list[Operand]) -> Predicate:
        self.needs_path("attribute_not_exists", args[0])
        get = args[0].get
        return lambda item: get(item) is None

    def fn_attribute_type(self, args: list[Operand]) -> Predicate:
        self.needs_path("attribute_type", args[0])
        kind = args[1]
        if kind.type != "S":
            self.note("function", _operand_type("attribute_type", kind.type or "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"))
        elif kind.const is not None and kind.const["S"] not in R.TYPE_NAMES:
            self.note(
                "function",
                f"Invalid attribute type name found; type: {kind.const['S']}, "
                "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
            )
        get, get_kind = args[0].get, kind.get
        return lambda item: R.has_type(get(item), get_kind(item))

    def fn_begins_with(self, args: list[Operand]) -> Predicate:
        for arg in args:
            if arg.type is not None and arg.type not in ("S", "B"):
                self.note("function", _operand_type("begins_with", arg.type))
        whole, prefix = args[0].get, args[1].get
        return lambda item: R.begins_with(whole(item), prefix(item))

    def fn_contains(self, args: list[Operand]) -> Predicate:
        whole, part = args[0].get, args[1].get
        return lambda item: R.contains(whole(item), part(item))

    def fn_size(self, args: list[Operand]) -> Predicate:
        return lambda item: False  # refused before evaluation: size is no condition

    # -- operands -------------------------------------------------------------------------------
    def operand(self, node: object) -> Operand:
        if isinstance(node, ParenNode):
            if isinstance(node.inner, ParenNode):
                self.note("parens", _REDUNDANT)
            return self.operand(node.inner)
        if isinstance(node, ValueNode):
            value = self.value(node)
            self.resolved[node] = value
            tag = next(iter(value)) if value is not None else None
            return Operand(lambda item: value, "value", tag, None, value)
        if isinstance(node, PathNode):
            path = self.path(node)
            self.resolved[node] = path
            self.paths.append(path)
            return Operand(path_getter(path), "path", None, path)
        assert isinstance(node, CallNode)
        return self.call_operand(node)

    def call_operand(self, node: CallNode) -> Operand:
        self.operators += 1
        if node.name != "size":
            if node.name in FUNCTIONS:
                self.note("misused_function", _misused(node.name))
            self.function(node)
            return Operand(lambda item: None, "call", "BOOL" if node.name in FUNCTIONS else None)
        args = [self.operand(arg) for arg in node.args]
        if len(args) != 1:
            self.note(
                "operands",
                "Incorrect number of operands for operator or function; "
                f"operator or function: size, number of operands: {len(args)}",
            )
            return Operand(lambda item: None, "call", "N")
        if args[0].type in ("N", "BOOL", "NULL"):
            self.note("function", _operand_type("size", args[0].type))
        get = args[0].get
        return Operand(lambda item: R.size(get(item)), "call", "N")


def _misused(name: str) -> str:
    return f"The function is not allowed to be used this way in an expression; function: {name}"


def _operand_type(name: str, type_name: str) -> str:
    return f"Incorrect operand type for operator or function; operator or function: {name}, operand type: {type_name}"


def _equality(left: Operand, right: Operand) -> Predicate:
    if right.const is not None or left.const is not None:
        const, other = (right.const, left.get) if right.const is not None else (left.const, right.get)
        assert const is not None
        if next(iter(const)) in _SCALAR_TYPES:  # canonical values: equal exactly when dict-equal
            return lambda item: other(item) == const
        return lambda item: R.equal(other(item), const)
    lget, rget = left.get, right.get
    return lambda item: R.equal(lget(item), rget(item))


def _ordering(op: str, left: Operand, right: Operand) -> Predicate:
    """``left op right`` for N, S and B; specialised when one side is a constant."""
    if left.const is not None and right.const is None:
        op, left, right = _FLIPPED[op], right, left
    test = _TESTS[op]
    const = right.const
    if const is not None:
        ((tag, bound),) = const.items()
        if tag not in ORDERED_TYPES:
            return lambda item: False
        if tag == "N":
            bound = Decimal(bound)
        get = left.get
        return lambda item: R.ordered(get(item), tag, bound, test)
    lget, rget = left.get, right.get

    def either(item: Item) -> bool:
        a, b = lget(item), rget(item)
        if a is None or b is None:
            return False
        order = compare(a, b)
        return order is not None and test(order, 0)

    return either


def parse_condition(text: str, ctx: ExpressionContext, what: str = "ConditionExpression") -> Condition:
    """Parse, check and compile a condition. ``what`` names the parameter in error messages."""
    return ConditionCompiler(ctx, what).compile(parse_condition_tree(text, what))
