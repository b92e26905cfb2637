"""Recursive-descent parser: expression text -> syntax tree (``nodes``), or a syntax error.

Grammar (keywords case-insensitive; function names are resolved later)::

    condition  := or
    or         := and ("OR" and)*
    and        := not ("AND" not)*
    not        := "NOT" primary | primary
    primary    := "(" condition ")" | comparison
    comparison := operand (comparator operand | "BETWEEN" operand "AND" operand
                  | "IN" "(" operand ("," operand)* ")")  |  call
    operand    := "(" operand ")" | call | :value | path
    call       := name "(" operand ("," operand)* ")"
    path       := (name | #alias) ("." (name | #alias) | "[" digits "]")*
    update     := (("SET" set ("," set)*) | ("REMOVE" path ("," path)*)
                  | ("ADD" path :value ("," ...)*) | ("DELETE" path :value ("," ...)*))+
    set        := path "=" ("(" value ")" | value)      value := operand (("+" | "-") operand)?
    projection := path ("," path)*

Precedence is DynamoDB's: comparisons bind tightest, then NOT, AND, OR. Where "(" could open
either a parenthesised condition or a parenthesised operand the parser tries the condition
first and backtracks; when both fail it reports whichever got further. Trees are cached by
text, so a repeated expression is parsed once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NoReturn

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.expressions.nodes import (
    Action,
    AddAction,
    AndNode,
    ArithNode,
    BetweenNode,
    CallNode,
    CompareNode,
    Cond,
    DeleteAction,
    InNode,
    NotNode,
    Operand,
    OrNode,
    ParenNode,
    PathNode,
    RemoveAction,
    SetAction,
    UpdateNode,
    ValueNode,
)
from cloudtwin.engines.tables.expressions.tokens import SyntaxFault, Token, check_size, syntax_message, tokenize

COMPARATORS = frozenset(("=", "<>", "<", "<=", ">", ">="))
CONDITION_KEYWORDS = frozenset(("AND", "OR", "NOT", "BETWEEN", "IN"))
UPDATE_KEYWORDS = frozenset(("SET", "REMOVE", "ADD", "DELETE"))


class _Parser:
    __slots__ = ("tokens", "pos", "keywords")

    def __init__(self, tokens: list[Token], keywords: frozenset[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.keywords = keywords

    # -- primitives -----------------------------------------------------------------------------
    def fail(self) -> NoReturn:
        raise SyntaxFault(self.pos)

    def at_op(self, text: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == "op" and token.text == text

    def at_word(self, word: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == "name" and token.text.upper() == word

    def expect_op(self, text: str) -> None:
        if not self.at_op(text):
            self.fail()
        self.pos += 1

    def expect_end(self) -> None:
        if self.tokens[self.pos].kind != "eof":
            self.fail()

    # -- paths and operands ---------------------------------------------------------------------
    def path(self) -> PathNode:
        start = self.pos
        parts: list[str | int] = [self.segment()]
        while True:
            if self.at_op("."):
                self.pos += 1
                parts.append(self.segment())
            elif self.at_op("["):
                self.pos += 1
                token = self.tokens[self.pos]
                if token.kind != "index":
                    self.fail()
                self.pos += 1
                self.expect_op("]")
                parts.append(int(token.text))
            else:
                return PathNode(tuple(parts), start)

    def segment(self) -> str:
        token = self.tokens[self.pos]
        if token.kind == "alias" or (token.kind == "name" and token.text.upper() not in self.keywords):
            self.pos += 1
            return token.text
        self.fail()

    def operand(self) -> Operand:
        token = self.tokens[self.pos]
        if token.kind == "op" and token.text == "(":
            start = self.pos
            self.pos += 1
            inner = self.operand()
            self.expect_op(")")
            return ParenNode(inner, start)
        if token.kind == "value":
            self.pos += 1
            return ValueNode(token.text, self.pos - 1)
        if token.kind == "name":
            following = self.tokens[self.pos + 1]
            if following.kind == "op" and following.text == "(":
                if token.text.upper() in self.keywords:
                    self.fail()
                return self.call()
        return self.path()

    def call(self) -> CallNode:
        start = self.pos
        name = self.tokens[self.pos].text
        self.pos += 2
        args = [self.operand()]
        while self.at_op(","):
            self.pos += 1
            args.append(self.operand())
        self.expect_op(")")
        return CallNode(name, tuple(args), start)

    # -- conditions -----------------------------------------------------------------------------
    def condition(self) -> Cond:
        left = self.conjunction()
        while self.at_word("OR"):
            at = self.pos
            self.pos += 1
            left = OrNode(left, self.conjunction(), at)
        return left

    def conjunction(self) -> Cond:
        left = self.negation()
        while self.at_word("AND"):
            at = self.pos
            self.pos += 1
            left = AndNode(left, self.negation(), at)
        return left

    def negation(self) -> Cond:
        if self.at_word("NOT"):
            at = self.pos
            self.pos += 1
            return NotNode(self.primary(), at)
        return self.primary()

    def primary(self) -> Cond:
        start = self.pos
        first: SyntaxFault | None = None
        if self.at_op("("):
            try:
                self.pos += 1
                inner = self.condition()
                self.expect_op(")")
                if not self.at_continuation():
                    return ParenNode(inner, start)
            except SyntaxFault as fault:
                first = fault
            self.pos = start
        try:
            return self.comparison()
        except SyntaxFault as fault:
            raise _further(first, fault) from None

    def at_continuation(self) -> bool:
        token = self.tokens[self.pos]
        if token.kind == "op":
            return token.text in COMPARATORS
        return token.kind == "name" and token.text.upper() in ("BETWEEN", "IN")

    def comparison(self) -> Cond:
        start = self.pos
        left = self.operand()
        token = self.tokens[self.pos]
        if token.kind == "op" and token.text in COMPARATORS:
            self.pos += 1
            return CompareNode(token.text, left, self.operand(), start)
        if self.at_word("BETWEEN"):
            self.pos += 1
            low = self.operand()
            if not self.at_word("AND"):
                self.fail()
            self.pos += 1
            return BetweenNode(left, low, self.operand(), start)
        if self.at_word("IN"):
            self.pos += 1
            self.expect_op("(")
            options = [self.operand()]
            while self.at_op(","):
                self.pos += 1
                options.append(self.operand())
            self.expect_op(")")
            return InNode(left, tuple(options), start)
        if isinstance(left, CallNode):
            return left
        self.fail()

    # -- updates --------------------------------------------------------------------------------
    def update(self) -> UpdateNode:
        sections: list[str] = []
        actions: list[Action] = []
        while True:
            token = self.tokens[self.pos]
            word = token.text.upper() if token.kind == "name" else ""
            if word not in UPDATE_KEYWORDS:
                self.fail()
            self.pos += 1
            sections.append(word)
            actions.append(self.action(word))
            while self.at_op(","):
                self.pos += 1
                actions.append(self.action(word))
            if self.tokens[self.pos].kind == "eof":
                return UpdateNode(tuple(sections), tuple(actions))

    def action(self, word: str) -> Action:
        path = self.path()
        if word == "SET":
            self.expect_op("=")
            return SetAction(path, self.set_value())
        if word == "REMOVE":
            return RemoveAction(path)
        token = self.tokens[self.pos]
        if token.kind != "value":
            self.fail()
        self.pos += 1
        value = ValueNode(token.text, self.pos - 1)
        return AddAction(path, value) if word == "ADD" else DeleteAction(path, value)

    def set_value(self) -> Operand:
        start = self.pos
        first: SyntaxFault | None = None
        if self.at_op("("):
            try:
                self.pos += 1
                inner = self.arithmetic()
                self.expect_op(")")
                if not (self.at_op("+") or self.at_op("-")):
                    return ParenNode(inner, start)
            except SyntaxFault as fault:
                first = fault
            self.pos = start
        try:
            return self.arithmetic()
        except SyntaxFault as fault:
            raise _further(first, fault) from None

    def arithmetic(self) -> Operand:
        start = self.pos
        left = self.operand()
        if self.at_op("+") or self.at_op("-"):
            op = self.tokens[self.pos].text
            self.pos += 1
            return ArithNode(op, left, self.operand(), start)
        return left

    # -- projections ----------------------------------------------------------------------------
    def projection(self) -> tuple[PathNode, ...]:
        paths = [self.path()]
        while self.at_op(","):
            self.pos += 1
            paths.append(self.path())
        return tuple(paths)


def _further(first: SyntaxFault | None, second: SyntaxFault) -> SyntaxFault:
    return first if first is not None and first.at > second.at else second


def _run(text: str, what: str, keywords: frozenset[str], rule: str) -> object:
    check_size(text, what)
    tokens = tokenize(text)
    parser = _Parser(tokens, keywords)
    try:
        tree = getattr(parser, rule)()
        parser.expect_end()
    except SyntaxFault as fault:
        raise Invalid(f"Invalid {what}: {syntax_message(text, tokens, fault.at)}") from None
    except RecursionError:  # thousands of nested parentheses
        raise Invalid(f"Invalid {what}: The expression has redundant parentheses;") from None
    return tree


@lru_cache(maxsize=1024)
def parse_condition_tree(text: str, what: str = "ConditionExpression") -> Cond:
    """The syntax tree of a condition (also filters and key conditions)."""
    return _run(text, what, CONDITION_KEYWORDS, "condition")  # type: ignore[return-value]


@lru_cache(maxsize=1024)
def parse_update_tree(text: str) -> UpdateNode:
    return _run(text, "UpdateExpression", UPDATE_KEYWORDS, "update")  # type: ignore[return-value]


@lru_cache(maxsize=1024)
def parse_projection_tree(text: str) -> tuple[PathNode, ...]:
    return _run(text, "ProjectionExpression", frozenset(), "projection")  # type: ignore[return-value]
