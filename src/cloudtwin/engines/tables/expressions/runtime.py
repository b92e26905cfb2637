"""Per-item semantics of comparisons and functions, shared by expressions and legacy conditions.

Every function takes values that may be None (attribute missing) and answers False rather than
failing: in DynamoDB a condition over a missing or mistyped attribute is simply not met.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from cloudtwin.engines.tables.values import SET_TYPES, AttrValue, values_equal

TYPE_NAMES = frozenset(("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"))
_MEMBER_TYPE = {"SS": "S", "NS": "N", "BS": "B"}


def equal(a: AttrValue | None, b: AttrValue | None) -> bool:
    return a is not None and b is not None and (a == b or values_equal(a, b))


def ordered(value: AttrValue | None, tag: str, bound: Any, test: Callable[[Any, Any], bool]) -> bool:
    """``value test bound`` where ``bound`` is the raw (Decimal for N) value of type ``tag``."""
    if value is None:
        return False
    raw = value.get(tag)
    if raw is None:
        return False
    return test(Decimal(raw) if tag == "N" else raw, bound)


def begins_with(whole: AttrValue | None, prefix: AttrValue | None) -> bool:
    if whole is None or prefix is None:
        return False
    ((tag, value),) = whole.items()
    if tag not in ("S", "B"):
        return False
    start = prefix.get(tag)
    return start is not None and value.startswith(start)


def contains(whole: AttrValue | None, part: AttrValue | None) -> bool:
    """Substring of S or B, member of a set (of the matching type), element of a list."""
    if whole is None or part is None:
        return False
    ((tag, value),) = whole.items()
    if tag in ("S", "B"):
        piece = part.get(tag)
        return piece is not None and piece in value
    if tag in SET_TYPES:
        member = part.get(_MEMBER_TYPE[tag])
        if member is None:
            return False
        if tag == "NS":
            return member in value or Decimal(member) in {Decimal(m) for m in value}
        return member in value
    if tag == "L":
        return any(equal(element, part) for element in value)
    return False


def size(value: AttrValue | None) -> AttrValue | None:
    """``size()``: UTF-16 code units of S, bytes of B, members of SS/NS/BS/L/M; else None."""
    if value is None:
        return None
    ((tag, inner),) = value.items()
    if tag == "S":
        count = len(inner) if inner.isascii() else len(inner.encode("utf-16-le")) // 2
    elif tag in ("B", "L", "M") or tag in SET_TYPES:
        count = len(inner)
    else:
        return None
    return {"N": str(count)}


def has_type(value: AttrValue | None, kind: AttrValue | None) -> bool:
    if value is None or kind is None:
        return False
    name = kind.get("S")
    return name is not None and name in value
