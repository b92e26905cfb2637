"""Tokens of the expression language, and the syntax error DynamoDB reports about them.

One compiled scanner (built at import) turns an expression into a list of ``Token``s. Kinds:
``name`` (identifier or keyword), ``alias`` (#name), ``value`` (:value), ``index`` (digits),
``op`` (punctuation and comparators), ``other`` (any other single character) and a final
``eof``. Whitespace is dropped.

DynamoDB words a syntax error as ``Syntax error; token: "<tok>", near: "<text>"`` where
``near`` is the source from the token before the offending one through the offending one
(the first token pairs with the one after it instead; at the end, ``<EOF>`` is near the last
token).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from cloudtwin.engines._kernel.errors import Invalid

MAX_EXPRESSION_BYTES = 4096

_SCANNER = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<name>[A-Za-z][A-Za-z0-9_]*)
  | (?P<alias>\#[A-Za-z0-9_]+)
  | (?P<value>:[A-Za-z0-9_]+)
  | (?P<index>[0-9]+)
  | (?P<op><>|<=|>=|[=<>(),.\[\]+\-])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):
    kind: str
    text: str
    start: int
    end: int


class SyntaxFault(Exception):
    """Raised inside the parser; carries the index of the offending token."""

    def __init__(self, at: int) -> None:
        super().__init__(at)
        self.at = at


def tokenize(text: str) -> list[Token]:
    tokens = [
        Token(m.lastgroup or "other", m.group(), m.start(), m.end())
        for m in _SCANNER.finditer(text)
        if m.lastgroup != "ws"
    ]
    tokens.append(Token("eof", "<EOF>", len(text), len(text)))
    return tokens


def syntax_message(text: str, tokens: list[Token], at: int) -> str:
    """DynamoDB's words for a syntax error at ``tokens[at]``."""
    token = tokens[at]
    if token.kind == "eof":
        near = tokens[at - 1].text if at > 0 else ""
    elif at > 0:
        near = text[tokens[at - 1].start : token.end]
    elif tokens[1].kind != "eof":
        near = text[token.start : tokens[1].end]
    else:
        near = token.text
    return f'Syntax error; token: "{token.text}", near: "{near}"'


def check_size(text: str, what: str) -> None:
    """Refuse an empty expression or one over 4 KB (measured on the raw text, before aliases)."""
    if not text.strip(" \t\r\n"):
        raise Invalid(f"Invalid {what}: The expression can not be empty;")
    size = len(text) if text.isascii() else len(text.encode())
    if size > MAX_EXPRESSION_BYTES:
        raise Invalid(
            f"Invalid {what}: Expression size has exceeded the maximum allowed size; expression size: {size}"
        )
