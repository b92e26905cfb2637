"""Hypothesis strategies for the values of a botocore shape, within what the model allows.

Values respect required members, enums, min/max lengths and ranges and unions, so botocore's
own serializer and parser accept them. ``Place`` says where a value travels, because some
places cannot carry everything: headers carry printable ASCII without commas or edge spaces,
URI labels cannot be empty, XML cannot carry a bare carriage return. Timestamps are whole
seconds (JSON and headers carry no more).
"""

from __future__ import annotations

import string
from datetime import datetime, timezone
from enum import Enum
from functools import cache
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

MAX_DEPTH = 3
TEXT = string.ascii_letters + string.digits + " \t\n&<>\"'/=+?%#:,;.-_~{}[]()!*$@^|\\`éß中😀"
HEADER_TEXT = string.ascii_letters + string.digits + "-_.:/=+;@()!*$^|~"
_TIMESTAMPS = st.integers(86_400, 3_900_000_000).map(lambda s: datetime.fromtimestamp(s, timezone.utc))


class Place(str, Enum):
    BODY = "body"
    HEADER = "header"
    LABEL = "label"
    QUERY = "query"


PLACES = {"header": Place.HEADER, "headers": Place.HEADER, "uri": Place.LABEL, "querystring": Place.QUERY}


def _sized(meta: dict[str, Any], cap: int) -> tuple[int, int]:
    low = int(meta.get("min", 0))
    high = int(meta.get("max", low + cap))
    return low, max(low, min(high, low + cap))


def _string(shape: Shape, place: Place) -> st.SearchStrategy[Any]:
    if shape.enum:
        return st.sampled_from(shape.enum)
    if shape.serialization.get("jsonvalue"):
        return st.dictionaries(st.text(string.ascii_letters, max_size=5), st.integers(-9, 9), max_size=3)
    low, high = _sized(shape.metadata, 12)
    if place is Place.LABEL:
        low = max(low, 1)
    alphabet = HEADER_TEXT if place is Place.HEADER else TEXT
    return st.text(alphabet, min_size=low, max_size=max(low, high))


def _number(shape: Shape) -> st.SearchStrategy[Any]:
    meta = shape.metadata
    if shape.type_name in ("integer", "long"):
        bound = 2**31 - 1 if shape.type_name == "integer" else 2**53
        return st.integers(int(meta.get("min", -bound)), int(meta.get("max", bound)))
    if shape.type_name == "float":
        return st.floats(meta.get("min"), meta.get("max"), allow_nan=False, allow_infinity=False, width=32)
    return st.floats(meta.get("min"), meta.get("max"), allow_nan=False, allow_infinity=False)


def values(shape: Shape, place: Place = Place.BODY, depth: int = 0) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        if shape.metadata.get("document"):
            return st.dictionaries(st.text(string.ascii_letters, max_size=4), st.integers() | st.text(max_size=4), max_size=2)
        return structures(shape, depth)
    if kind == "list":
        low, high = _sized(shape.metadata, 0 if depth >= MAX_DEPTH else 3)
        if place in (Place.HEADER, Place.QUERY):  # an empty list is not sent at all
            low, high = max(low, 1), max(high, 1)
        return st.lists(values(shape.member, place, depth + 1), min_size=low, max_size=high)
    if kind == "map":
        low, high = _sized(shape.metadata, 0 if depth >= MAX_DEPTH else 3)
        return st.dictionaries(values(shape.key, place, depth + 1), values(shape.value, place, depth + 1),
                               min_size=low, max_size=high)
    if kind == "string":
        return _string(shape, place)
    if kind in ("integer", "long", "float", "double"):
        return _number(shape)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return _TIMESTAMPS
    if kind == "blob":
        low, high = _sized(shape.metadata, 16)
        return st.binary(min_size=low, max_size=high)
    return st.nothing()


def _member_values(member: Shape, depth: int) -> st.SearchStrategy[Any]:
    location = member.serialization.get("location")
    if location == "headers":  # prefixed header maps: keys become header names
        key = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=6)
        return st.dictionaries(key, _string(member.value, Place.HEADER), max_size=2)
    if location == "querystring" and member.type_name == "map":  # keys must not clash with other params
        key = st.text(string.ascii_lowercase, min_size=1, max_size=6).map(lambda k: f"zz-{k}")
        return st.dictionaries(key, values(member.value, Place.QUERY, depth + 1), max_size=2)
    if location == "statusCode":
        return st.integers(200, 299)
    if member.serialization.get("hostLabel"):  # becomes part of the host name
        return st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
    return values(member, PLACES.get(location or "", Place.BODY), depth + 1)


def _skipped(member: Shape) -> bool:
    return bool(member.serialization.get("eventstream") or member.metadata.get("eventstream"))


def structures(shape: Shape, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    members = {name: m for name, m in shape.members.items() if not _skipped(m)}
    if shape.metadata.get("union"):
        return st.one_of([st.fixed_dictionaries({name: _member_values(m, depth)}) for name, m in members.items()])
    required = {n: _member_values(m, depth) for n, m in members.items() if n in shape.required_members}
    optional = {} if depth >= MAX_DEPTH else {
        n: _member_values(m, depth) for n, m in members.items() if n not in shape.required_members
    }
    return st.fixed_dictionaries(required, optional=optional)


@cache
def top_level(shape: Shape) -> st.SearchStrategy[dict[str, Any]]:
    return structures(shape)
