"""Tokens of DynamoDB's PartiQL: words, "quoted names", 'strings', numbers, ``?`` and punctuation.

Comments (``-- to the end of the line`` and ``/* ... */``) and whitespace are dropped. A quote
inside a string or quoted name is written twice (``'it''s'``). Kinds: ``word`` (identifier or
keyword, as written), ``name`` (double-quoted identifier), ``string``, ``number``, ``param``
(``?``), ``op`` and a final ``eof``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from cloudtwin.engines._kernel.errors import Invalid

_SCANNER = re.compile(
    r"""
    (?P<skip>[ \t\r\n]+|--[^\n]*|/\*.*?\*/)
  | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<name>"(?:[^"]|"")*")
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<param>\?)
  | (?P<op><<|>>|<>|!=|<=|>=|[=<>(),.\[\]{}:*+\-;])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):
    kind: str
    text: str
    #: The token's meaning: a name or string unquoted, a word as written, an op's text.
    value: str


def malformed(detail: str) -> Invalid:
    return Invalid(f"Statement wasn't well formed, can't be processed: {detail}")


def tokenize(text: str) -> list[Token]:
    tokens = []
    for match in _SCANNER.finditer(text):
        kind, raw = match.lastgroup or "other", match.group()
        if kind == "skip":
            continue
        if kind == "other":
            if raw in "'\"":
                raise malformed("Unterminated quoted text")
            raise malformed(f"Invalid character: {raw}")
        if kind in ("name", "string"):
            value = raw[1:-1].replace(raw[0] * 2, raw[0])
        else:
            value = raw
        tokens.append(Token(kind, raw, value))
    tokens.append(Token("eof", "<EOF>", ""))
    return tokens
