"""Recursive-descent parser: PartiQL statement text -> ``syntax`` tree, or DynamoDB's refusal.

Grammar (keywords case-insensitive; ``name`` is a word that is no reserved word (``keywords``), or
a "quoted name")::

    statement := (select | insert | update | delete | exists) [";"]
    select    := SELECT ("*" | path ("," path)*) FROM name ["." name] [WHERE expr]
                 [ORDER BY name [ASC | DESC] ("," ...)*]
    insert    := INSERT INTO name VALUE map
    update    := UPDATE name ((SET path "=" expr | REMOVE path) ("," ...)*)+ WHERE expr [returning]
    delete    := DELETE FROM name WHERE expr [returning]
    exists    := EXISTS "(" select ")"
    returning := RETURNING (ALL | MODIFIED) (OLD | NEW) "*"
    expr      := or;  or := and (OR and)*;  and := not (AND not)*;  not := NOT not | predicate
    predicate := sum [comparator sum | [NOT] BETWEEN sum AND sum | [NOT] IN (list | "(" ... ")")
                 | IS [NOT] type]
    sum       := term (("+" | "-") term)*
    term      := "(" expr ")" | value | word "(" [expr ("," expr)*] ")" | path
    path      := name ("." name | "[" number "]" | "[" 'key' "]")*
    value     := 'string' | ["-"] number | TRUE | FALSE | NULL | "?" | list | map | bag
    list := "[" [value ("," value)*] "]";  map := "{" 'key' ":" value ("," ...)* "}";  bag := "<<" ... ">>"

Syntax errors read "Statement wasn't well formed, can't be processed: <detail>"; trees are
cached by text, so a statement run again is parsed once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NoReturn

from cloudtwin.aws.dynamodb.partiql import syntax as S
from cloudtwin.aws.dynamodb.partiql.keywords import FUNCTION_KEYWORDS, KEYWORDS
from cloudtwin.aws.dynamodb.partiql.lexer import Token, malformed, tokenize
from cloudtwin.engines._kernel.errors import Invalid

COMPARATORS = {"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
TYPES = frozenset(("MISSING", "NULL", "BOOLEAN", "STRING", "NUMERIC", "BLOB", "STRUCT", "TUPLE", "LIST"))


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.params = 0

    # -- primitives -----------------------------------------------------------------------------
    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def fail(self) -> NoReturn:
        token = self.token
        if token.kind == "eof":
            raise malformed("Unexpected end of statement")
        if token.kind == "word" and token.text.upper() in KEYWORDS:
            raise malformed(f"Unexpected keyword: {token.text}")
        raise malformed(f"Unexpected token: {token.text}")

    def at(self, *words: str) -> bool:
        token = self.token
        return token.kind == "word" and token.text.upper() in words

    def at_op(self, op: str) -> bool:
        return self.token.kind == "op" and self.token.text == op

    def take(self, word: str) -> bool:
        if self.at(word):
            self.pos += 1
            return True
        return False

    def take_op(self, op: str) -> bool:
        if self.at_op(op):
            self.pos += 1
            return True
        return False

    def expect(self, word: str) -> None:
        if not self.take(word):
            self.fail()

    def expect_op(self, op: str) -> None:
        if not self.take_op(op):
            self.fail()

    def name(self) -> str:
        token = self.token
        if token.kind == "name" or (token.kind == "word" and token.text.upper() not in KEYWORDS):
            self.pos += 1
            return token.value
        self.fail()

    # -- statements -----------------------------------------------------------------------------
    def statement(self) -> S.Statement:
        if self.take("SELECT"):
            found: S.Statement = self.select()
        elif self.take("INSERT"):
            found = self.insert()
        elif self.take("UPDATE"):
            found = self.update()
        elif self.take("DELETE"):
            self.expect("FROM")
            table = self.name()
            self.expect("WHERE")
            found = S.Delete(table, self.expr(), self.returning())
        elif self.take("EXISTS"):
            self.expect_op("(")
            self.expect("SELECT")
            found = S.Exists(self.select())
            self.expect_op(")")
        else:
            raise malformed("Expected data manipulation")
        self.take_op(";")
        if self.token.kind != "eof":
            self.fail()
        return found

    def select(self) -> S.Select:
        projection = None if self.take_op("*") else self.paths()
        if projection is None and self.at_op(","):
            raise Invalid("Other attributes should not be present in the projection when '*' is used.")
        self.expect("FROM")
        table = self.name()
        index = self.name() if self.take_op(".") else None
        where = self.expr() if self.take("WHERE") else None
        order: list[tuple[str, bool]] = []
        if self.take("ORDER"):
            self.expect("BY")
            order.append(self.ordering())
            while self.take_op(","):
                order.append(self.ordering())
        if self.at("LIMIT"):
            raise Invalid("Unsupported clause: LIMIT")
        return S.Select(table, index, projection, where, tuple(order))

    def paths(self) -> tuple[S.Path, ...]:
        found = [self.path()]
        while self.take_op(","):
            if self.at_op("*"):
                raise Invalid("Other attributes should not be present in the projection when '*' is used.")
            found.append(self.path())
        return tuple(found)

    def ordering(self) -> tuple[str, bool]:
        name = self.name()
        if self.take("DESC"):
            return name, True
        self.take("ASC")
        return name, False

    def insert(self) -> S.Insert:
        self.expect("INTO")
        table = self.name()
        if self.at("VALUES"):
            raise Invalid('Unsupported operation: Inserting multiple items in a single statement is not supported, '
                          'use "INSERT INTO tableName VALUE item" instead')
        self.expect("VALUE")
        if not self.at_op("{"):
            raise Invalid("Unsupported format in item expression. Please use struct format {...} to express item "
                          "values for insert statement.")
        item = self.value()
        if self.at("RETURNING"):
            raise Invalid("RETURNING is not supported in INSERT")
        return S.Insert(table, item)  # type: ignore[arg-type]

    def update(self) -> S.Update:
        table = self.name()
        actions: list[S.Assign] = []
        while self.at("SET", "REMOVE"):
            setting = self.token.text.upper() == "SET"
            self.pos += 1
            actions.append(self.assignment(setting))
            while self.take_op(","):
                actions.append(self.assignment(setting))
        if not actions:
            self.fail()
        self.expect("WHERE")
        return S.Update(table, tuple(actions), self.expr(), self.returning())

    def assignment(self, setting: bool) -> S.Assign:
        path = self.path()
        if not setting:
            return S.Assign(path, None)
        self.expect_op("=")
        return S.Assign(path, self.expr())

    def returning(self) -> str | None:
        if not self.take("RETURNING"):
            return None
        first = self.token.text.upper()
        self.expect("ALL") if first == "ALL" else self.expect("MODIFIED")
        second = self.token.text.upper()
        self.expect("OLD") if second == "OLD" else self.expect("NEW")
        if not self.take_op("*"):
            raise Invalid("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause")
        return f"{first} {second}"

    # -- expressions ----------------------------------------------------------------------------
    def expr(self) -> S.Expr:
        left = self.conjunction()
        while self.take("OR"):
            left = S.Or(left, self.conjunction())
        return left

    def conjunction(self) -> S.Expr:
        left = self.negation()
        while self.take("AND"):
            left = S.And(left, self.negation())
        return left

    def negation(self) -> S.Expr:
        if self.take("NOT"):
            return S.Not(self.negation())
        return self.predicate()

    def predicate(self) -> S.Expr:
        left = self.sum()
        token = self.token
        if token.kind == "op" and token.text in COMPARATORS:
            self.pos += 1
            return S.Compare(COMPARATORS[token.text], left, self.sum())
        if self.take("IS"):
            negated = self.take("NOT")
            kind = self.token.text.upper()
            if self.token.kind != "word" or kind not in TYPES:
                self.fail()
            self.pos += 1
            return S.Is(left, kind, negated)
        negated = self.take("NOT")
        if self.take("BETWEEN"):
            low = self.sum()
            self.expect("AND")
            found: S.Expr = S.Between(left, low, self.sum())
        elif self.take("IN"):
            found = S.In(left, self.options())
        elif negated:
            self.fail()
        else:
            return left
        return S.Not(found) if negated else found

    def options(self) -> tuple[S.Expr, ...]:
        close = "]" if self.take_op("[") else ")"
        if close == ")":
            self.expect_op("(")
        found = [self.sum()]
        while self.take_op(","):
            found.append(self.sum())
        self.expect_op(close)
        return tuple(found)

    def sum(self) -> S.Expr:
        left = self.term()
        while self.at_op("+") or self.at_op("-"):
            op = self.token.text
            self.pos += 1
            left = S.Arith(op, left, self.term())
        return left

    def term(self) -> S.Expr:
        token = self.token
        if self.take_op("("):
            inner = self.expr()
            self.expect_op(")")
            return inner
        if token.kind == "word" and self.tokens[self.pos + 1].text == "(" \
                and (token.text.upper() not in KEYWORDS or token.text.upper() in FUNCTION_KEYWORDS):
            return self.call()
        if token.kind in ("word", "name") and not self.at("TRUE", "FALSE", "NULL", "MISSING"):
            return self.path()
        return self.value()

    def call(self) -> S.Call:
        name = self.token.text.lower()
        self.pos += 2
        args: list[S.Expr] = []
        if not self.at_op(")"):
            args.append(self.expr())
            while self.take_op(","):
                args.append(self.expr())
        self.expect_op(")")
        return S.Call(name, tuple(args))

    def path(self) -> S.Path:
        parts: list[str | int] = [self.name()]
        while True:
            if self.take_op("."):
                parts.append(self.name())
            elif self.take_op("["):
                token = self.token
                if token.kind not in ("number", "string") or (token.kind == "number" and not token.text.isdigit()):
                    self.fail()
                self.pos += 1
                parts.append(int(token.text) if token.kind == "number" else token.value)
                self.expect_op("]")
            else:
                return S.Path(tuple(parts))

    # -- values ---------------------------------------------------------------------------------
    def value(self) -> S.Value:
        token = self.token
        self.pos += 1
        if token.kind == "string":
            return S.Lit({"S": token.value})
        if token.kind == "number":
            return S.Lit({"N": token.text})
        if token.kind == "param":
            self.params += 1
            return S.Param(self.params - 1)
        if token.kind == "op" and token.text == "-" and self.token.kind == "number":
            self.pos += 1
            return S.Lit({"N": "-" + self.tokens[self.pos - 1].text})
        word = token.text.upper() if token.kind == "word" else ""
        if word in ("TRUE", "FALSE"):
            return S.Lit({"BOOL": word == "TRUE"})
        if word == "NULL":
            return S.Lit({"NULL": True})
        if token.kind == "op" and token.text in ("[", "<<"):
            return self.sequence("]" if token.text == "[" else ">>")
        if token.kind == "op" and token.text == "{":
            return self.struct()
        self.pos -= 1
        self.fail()

    def sequence(self, close: str) -> S.Value:
        items: list[S.Value] = []
        if not self.take_op(close):
            items.append(self.value())
            while self.take_op(","):
                items.append(self.value())
            self.expect_op(close)
        return S.ListLit(tuple(items)) if close == "]" else S.BagLit(tuple(items))

    def struct(self) -> S.MapLit:
        pairs: list[tuple[str, S.Value]] = []
        if self.take_op("}"):
            return S.MapLit(())
        while True:
            key = self.token
            if key.kind != "string":
                self.fail()
            self.pos += 1
            self.expect_op(":")
            pairs.append((key.value, self.value()))
            if self.take_op("}"):
                return S.MapLit(tuple(pairs))
            self.expect_op(",")


@lru_cache(maxsize=512)
def parse(text: str) -> S.Parsed:
    """The statement ``text`` holds, and how many ``?`` parameters it takes."""
    parser = _Parser(tokenize(text))
    try:
        statement = parser.statement()
    except RecursionError:
        raise malformed("Statement nests too deeply") from None
    return S.Parsed(statement, parser.params)
