"""Attribute values: the number rules, validation, size, equality, order and key encoding.

The value model (fixed for the whole tables engine): an item is ``dict[str, AttrValue]`` and an
``AttrValue`` is a one-key dict ``{tag: value}``: ``"S"`` str, ``"N"`` str (decimal text),
``"B"`` bytes, ``"BOOL"`` bool, ``"NULL"`` True, ``"M"`` dict[str, AttrValue], ``"L"``
list[AttrValue], ``"SS"`` list[str], ``"NS"`` list[str], ``"BS"`` list[bytes].

Invariants this module keeps for its callers:
1. Every number that leaves ``normalize_number``/``normalize_value`` is canonical (no exponent,
   no leading or trailing zeros, no ``-0``), so two equal numbers are equal strings and plain
   dict equality works on canonical values (sets aside, which are unordered).
2. Values are never mutated; functions that change something return a new value.
3. ``encode_key_part`` is order-preserving: ``memcmp`` on encodings equals key order (strings by
   UTF-8 bytes, binary by unsigned bytes, numbers numerically).

Cloud behaviour modelled (DynamoDB Developer Guide, "Supported data types and naming rules" and
"Item sizes and formats"): up to 38 significant digits, magnitudes 1E-130 ..
9.9999999999999999999999999999999999999E+125, sets non-empty and without duplicates, documents
nested at most 32 levels, item size as the service counts it. Messages are DynamoDB's words
without the "1 validation error detected: " envelope some operations add.
"""

from __future__ import annotations

import base64
import re
from decimal import Context, Decimal
from functools import lru_cache
from typing import Any

from cloudtwin.engines._kernel.errors import Invalid

AttrValue = dict[str, Any]
Item = dict[str, AttrValue]

MAX_DEPTH = 32
MAX_DIGITS = 38
MAX_EXPONENT = 125  # adjusted exponent of the largest magnitude
MIN_EXPONENT = -130  # adjusted exponent of the smallest magnitude
SET_TYPES = frozenset(("SS", "NS", "BS"))
ALL_TYPES = ("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS")

INVALID = "One or more parameter values were invalid: "
NOT_NUMERIC = "The parameter cannot be converted to a numeric value"
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number"
NESTING = (
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels "
    "beyond supported limit"
)
_EMPTY_SET = {
    "SS": INVALID + "An string set  may not be empty",
    "NS": INVALID + "An number set  may not be empty",
    "BS": INVALID + "Binary sets should not be empty",
}

_NUMBER = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?\Z")
_INT64 = 2**63
_EXACT = Context(prec=400, Emax=10**6, Emin=-(10**6))


# -- numbers ------------------------------------------------------------------------------------
@lru_cache(maxsize=8192)
def parse_number(text: str) -> tuple[bool, str, int]:
    """``text`` as (negative, digits, exponent) with value ``±int(digits) * 10**exponent``.

    ``digits`` has no leading or trailing zeros ("" for zero, which is never negative). Raises
    Invalid with DynamoDB's message when the text is no number or is out of range.
    """
    match = _NUMBER.match(text) if isinstance(text, str) else None
    if match is None or not (match.group(2) or match.group(3)):
        raise Invalid(f"{NOT_NUMERIC}: {text}")
    sign, whole, fraction, exp_text = match.groups()
    fraction = fraction or ""
    exponent = int(exp_text) if exp_text else 0
    if not -_INT64 <= exponent < _INT64:
        raise Invalid(f"{NOT_NUMERIC}: {text}")
    exponent -= len(fraction)
    digits = (whole + fraction).lstrip("0")
    if not digits:  # zero is range-checked by the exponent it was written with
        _check_range(exponent)
        return False, "", 0
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    _check_range(exponent + len(stripped) - 1)
    if len(stripped) > MAX_DIGITS:
        raise Invalid(TOO_PRECISE)
    return sign == "-", stripped, exponent


def _check_range(adjusted: int) -> None:
    if adjusted > MAX_EXPONENT:
        raise Invalid(OVERFLOW)
    if adjusted < MIN_EXPONENT:
        raise Invalid(UNDERFLOW)


def format_number(negative: bool, digits: str, exponent: int) -> str:
    """The canonical decimal text of (negative, digits, exponent), as DynamoDB returns it."""
    if not digits:
        return "0"
    if exponent >= 0:
        text = digits + "0" * exponent
    else:
        point = len(digits) + exponent
        if point > 0:
            text = f"{digits[:point]}.{digits[point:]}"
        else:
            text = f"0.{'0' * -point}{digits}"
    return "-" + text if negative else text


def normalize_number(text: str) -> str:
    """Validate ``text`` as a DynamoDB number; its canonical form ("1.50" -> "1.5", "1e2" -> "100")."""
    return format_number(*parse_number(text))


def add_numbers(a: str, b: str) -> str:
    """``a + b`` exactly, refused like a stored number when out of range or too precise."""
    return _exact_result(_EXACT.add(Decimal(a), Decimal(b)))


def subtract_numbers(a: str, b: str) -> str:
    """``a - b`` exactly, refused like a stored number when out of range or too precise."""
    return _exact_result(_EXACT.subtract(Decimal(a), Decimal(b)))


def _exact_result(value: Decimal) -> str:
    return normalize_number(format(value, "f"))


def number_size(text: str) -> int:
    """Bytes a number costs: base-100 digit pairs aligned on the decimal point, plus one byte.

    Matches the sizes measured against the service ("1.5" costs 3, "15" costs 2, "0" costs 1);
    a negative number costs one more byte unless it already spans 20 pairs.
    """
    negative, digits, exponent = parse_number(text)
    if not digits:
        return 1
    high = exponent + len(digits) - 1
    pairs = high // 2 - exponent // 2 + 1
    return 1 + pairs + (1 if negative and pairs < 20 else 0)


# -- validation ---------------------------------------------------------------------------------
def normalize_value(value: AttrValue, depth: int = 1) -> AttrValue:
    """Validate one attribute value; the same value with every number in canonical form.

    ``depth`` is the nesting level of ``value`` (a top-level attribute is level 1); DynamoDB
    refuses anything below level 32.
    """
    if not isinstance(value, dict) or len(value) != 1:
        raise Invalid(_shape_message(value))
    ((tag, inner),) = value.items()
    if depth > MAX_DEPTH:
        raise Invalid(NESTING)
    if tag in ("S", "B", "BOOL"):
        return value
    if tag == "N":
        return {"N": normalize_number(inner)}
    if tag == "NULL":
        if inner is not True:
            raise Invalid(INVALID + "Null attribute value types must have the value of true")
        return value
    if tag == "M":
        return {"M": {name: normalize_value(v, depth + 1) for name, v in inner.items()}}
    if tag == "L":
        return {"L": [normalize_value(v, depth + 1) for v in inner]}
    if tag in SET_TYPES:
        return {tag: _normalize_set(tag, inner)}
    raise Invalid(_shape_message({}))


def _shape_message(value: object) -> str:
    if isinstance(value, dict) and len(value) > 1:
        return (
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
            "the supported datatypes"
        )
    return "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"


def _normalize_set(tag: str, members: list[Any]) -> list[Any]:
    if not members:
        raise Invalid(_EMPTY_SET[tag])
    if tag == "NS":
        members = [normalize_number(m) for m in members]
    if len(set(members)) != len(members):
        raise Invalid(_duplicates_message(tag, members))
    return members


def _duplicates_message(tag: str, members: list[Any]) -> str:
    """DynamoDB lists the members in byte order up to the first repeat, then the rest as sent."""
    if tag == "NS":
        return INVALID + "Input collection contains duplicates."
    seen: set[Any] = set()
    for index, member in enumerate(members):
        if member in seen:
            break
        seen.add(member)
    shown = sorted(seen, key=_byte_key) + members[index:]
    if tag == "SS":
        return INVALID + f"Input collection [{', '.join(_quote(m) for m in shown)}] contains duplicates."
    listed = ",".join(_quote(base64.b64encode(m).decode()) for m in shown)
    return INVALID + f"Input collection [{listed}]of type BS contains duplicates."


def _byte_key(member: str | bytes) -> bytes:
    return member if isinstance(member, bytes) else member.encode()


def _quote(text: str) -> str:
    return '"' + text + '"'


def value_depth(value: AttrValue) -> int:
    """Levels a value spans: 1 for a scalar or empty document, more for nested maps and lists."""
    ((tag, inner),) = value.items()
    if tag == "M":
        return 1 + max((value_depth(v) for v in inner.values()), default=0)
    if tag == "L":
        return 1 + max((value_depth(v) for v in inner), default=0)
    return 1


def check_depth(path_length: int, value: AttrValue) -> None:
    """Refuse writing ``value`` ``path_length`` levels deep when it would nest beyond 32 levels."""
    if ("M" in value or "L" in value) and path_length - 1 + value_depth(value) > MAX_DEPTH:
        raise Invalid(NESTING)


def normalize_item(item: Item) -> Item:
    """Validate every attribute of an item; the item with canonical numbers."""
    return {name: normalize_value(value) for name, value in item.items()}


validate_value = normalize_value
validate_item = normalize_item


# -- size ---------------------------------------------------------------------------------------
def utf8_size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode())


def value_size(value: AttrValue) -> int:
    """Bytes one value costs (DynamoDB Developer Guide, "Item sizes and formats")."""
    ((tag, inner),) = value.items()
    if tag == "S":
        return utf8_size(inner)
    if tag == "N":
        return number_size(inner)
    if tag == "B":
        return len(inner)
    if tag in ("BOOL", "NULL"):
        return 1
    if tag == "M":
        return 3 + sum(utf8_size(k) + value_size(v) + 1 for k, v in inner.items())
    if tag == "L":
        return 3 + sum(value_size(v) + 1 for v in inner)
    if tag == "SS":
        return sum(utf8_size(m) for m in inner)
    if tag == "NS":
        return sum(number_size(m) for m in inner)
    return sum(len(m) for m in inner)


def item_size(item: Item) -> int:
    """An item's size: every attribute's UTF-8 name length plus its value's size."""
    return sum(utf8_size(name) + value_size(value) for name, value in item.items())


# -- equality and order -------------------------------------------------------------------------
def type_name(value: AttrValue) -> str:
    """The type tag of a value: "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS" or "BS"."""
    for tag in value:
        return tag
    raise Invalid(_shape_message(value))


def values_equal(a: AttrValue, b: AttrValue) -> bool:
    """DynamoDB equality: same type and value; sets compare unordered; numbers numerically."""
    if a == b:
        return True
    ((ta, va),) = a.items()
    ((tb, vb),) = b.items()
    if ta != tb:
        return False
    if ta == "N":
        return Decimal(va) == Decimal(vb)
    if ta in SET_TYPES:
        if ta == "NS":
            return {Decimal(m) for m in va} == {Decimal(m) for m in vb}
        return len(va) == len(vb) and set(va) == set(vb)
    if ta == "L":
        return len(va) == len(vb) and all(values_equal(x, y) for x, y in zip(va, vb))
    if ta == "M":
        return va.keys() == vb.keys() and all(values_equal(v, vb[k]) for k, v in va.items())
    return False


def compare(a: AttrValue, b: AttrValue) -> int | None:
    """-1, 0 or 1 for two values of the same ordered type (N, S, B); None when not comparable."""
    ((ta, va),) = a.items()
    ((tb, vb),) = b.items()
    if ta != tb:
        return None
    if ta == "N":
        va, vb = Decimal(va), Decimal(vb)
    elif ta not in ("S", "B"):
        return None
    return int(va > vb) - int(va < vb)


# -- order-preserving key encoding --------------------------------------------------------------
def encode_key_part(value: AttrValue) -> bytes:
    """Bytes whose unsigned lexicographic order is DynamoDB's order for key values of one type.

    S: UTF-8 (byte order equals code point order); B: the bytes; N: ``encode_number``.
    """
    ((tag, inner),) = value.items()
    if tag == "S":
        return str(inner).encode()
    if tag == "B":
        return bytes(inner)
    if tag == "N":
        return encode_number(str(inner))
    raise Invalid(f"{INVALID}Key attributes must be of type S, N or B, not {tag}")


def encode_number(text: str) -> bytes:
    """Order-preserving bytes of a number.

    Zero is ``01``. A positive number is ``02``, one byte of adjusted exponent + 130 (0..255),
    then its digits in pairs, each pair stored as 1..100. A negative number is ``00``, the
    exponent byte inverted (255 - e), each pair inverted (254 - pair) and a final ``FF`` so that
    a shorter mantissa (a smaller magnitude) sorts after a longer one with the same prefix.
    """
    negative, digits, exponent = parse_number(text)
    if not digits:
        return b"\x01"
    exp_byte = exponent + len(digits) - 1 - MIN_EXPONENT
    padded = digits if len(digits) % 2 == 0 else digits + "0"
    pairs = [int(padded[i : i + 2]) for i in range(0, len(padded), 2)]
    if not negative:
        return bytes((2, exp_byte, *(p + 1 for p in pairs)))
    return bytes((0, 255 - exp_byte, *(254 - p for p in pairs), 255))


def decode_number(data: bytes) -> str:
    """The canonical text of a number encoded by ``encode_number``."""
    if data[0] == 1:
        return "0"
    negative = data[0] == 0
    if negative:
        exp_byte, pairs = 255 - data[1], [254 - b for b in data[2:-1]]
    else:
        exp_byte, pairs = data[1], [b - 1 for b in data[2:]]
    digits = "".join(f"{p:02d}" for p in pairs).rstrip("0")
    exponent = exp_byte + MIN_EXPONENT - len(digits) + 1
    return format_number(negative, digits, exponent)
