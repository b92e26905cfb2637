"""The filter pattern language: every operator, arrays, nesting, $or, and the validation errors."""

from __future__ import annotations

from typing import Any

import pytest

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.topics.patterns import PatternLimits, compile_pattern


def matches(pattern: dict[str, Any], document: dict[str, Any]) -> bool:
    return compile_pattern(pattern).matches(document)


@pytest.mark.parametrize("pattern, document, expected", [
    ({"store": ["a", "b"]}, {"store": "b"}, True),
    ({"store": ["a"]}, {"store": "c"}, False),
    ({"store": ["a"]}, {}, False),
    ({"price": [100]}, {"price": 100.0}, True),
    ({"price": [100]}, {"price": "100"}, False),
    ({"flag": [True]}, {"flag": True}, True),
    ({"flag": [True]}, {"flag": 1}, False),
    ({"gone": [None]}, {"gone": None}, True),
    ({"sizes": ["m"]}, {"sizes": ["s", "m"]}, True),
    ({"event": [{"prefix": "order-"}]}, {"event": "order-placed"}, True),
    ({"event": [{"prefix": {"equals-ignore-case": "ORDER-"}}]}, {"event": "order-placed"}, True),
    ({"file": [{"suffix": ".png"}]}, {"file": "a.png"}, True),
    ({"file": [{"suffix": {"equals-ignore-case": ".PNG"}}]}, {"file": "a.png"}, True),
    ({"name": [{"equals-ignore-case": "ALICE"}]}, {"name": "alice"}, True),
    ({"state": [{"anything-but": "closed"}]}, {"state": "open"}, True),
    ({"state": [{"anything-but": ["closed", "gone"]}]}, {"state": "gone"}, False),
    ({"state": [{"anything-but": "closed"}]}, {}, False),
    ({"n": [{"anything-but": [1, 2]}]}, {"n": 3}, True),
    ({"id": [{"anything-but": {"prefix": "test-"}}]}, {"id": "test-1"}, False),
    ({"id": [{"anything-but": {"suffix": "-tmp"}}]}, {"id": "x-tmp"}, False),
    ({"id": [{"anything-but": {"equals-ignore-case": ["A", "B"]}}]}, {"id": "b"}, False),
    ({"price": [{"numeric": [">", 0, "<=", 5]}]}, {"price": 5}, True),
    ({"price": [{"numeric": [">", 0, "<=", 5]}]}, {"price": 5.5}, False),
    ({"price": [{"numeric": ["=", 3.5]}]}, {"price": 3.5}, True),
    ({"price": [{"numeric": ["<", 10]}]}, {"price": "5"}, False),
    ({"vip": [{"exists": True}]}, {"vip": "no"}, True),
    ({"vip": [{"exists": True}]}, {}, False),
    ({"vip": [{"exists": False}]}, {}, True),
    ({"vip": [{"exists": True}]}, {"vip": None}, False),
    ({"price": [{"anything-but": [100, 500]}]}, {"price": [100, 50]}, True),
    ({"vip": [{"exists": False}]}, {"vip": "x"}, False),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": "10.0.0.7"}, True),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": "10.0.1.7"}, False),
    ({"ip": [{"cidr": "2001:db8::/32"}]}, {"ip": "2001:db8::1"}, True),
    ({"a": {"b": ["x"]}}, {"a": {"b": "x"}}, True),
    ({"a": {"b": ["x"]}}, {"a": [{"b": "y"}, {"b": "x"}]}, True),
    ({"$or": [{"a": ["1"]}, {"b": ["2"]}]}, {"b": "2"}, True),
    ({"$or": [{"a": ["1"]}, {"b": ["2"]}]}, {"c": "3"}, False),
    ({"k": ["v"], "$or": [{"a": ["1"]}, {"b": ["2"]}]}, {"k": "v", "a": "1"}, True),
])
def test_conditions(pattern: dict[str, Any], document: dict[str, Any], expected: bool) -> None:
    assert matches(pattern, document) is expected


@pytest.mark.parametrize("pattern, message", [
    ({"store": "a"}, '"store" must be an object or an array'),
    ({"store": [{"exists": None}]}, "exists match pattern must be either true or false."),
    ({"store": [{"error": True}]}, "Unrecognized match type error"),
    ({"store": [["a"]]}, "Match value must be String, number, true, false, or null"),
    ({"store": [{"prefix": 1}]}, "prefix match pattern must be a string"),
    ({"store": [{"prefix": "a", "suffix": "b"}]}, "Only one key allowed in match expression"),
    ({"p": [{"numeric": [">", "x"]}]}, "Value of > must be numeric"),
    ({"p": [{"numeric": ["<", 1, ">", 2]}]}, "Too many elements in numeric expression"),
    ({"p": [{"numeric": [">", 5, "<", 1]}]}, "Bottom must be less than top"),
    ({"p": [{"numeric": ["!", 5]}]}, "Unrecognized numeric range operator: !"),
    ({"p": [{"numeric": [">", 1, ">", 5]}]}, "Bad numeric range operator: >"),
    ({"ip": [{"cidr": "10.0.0.1"}]}, "Malformed CIDR, one '/' required"),
    ({"s": [{"anything-but": [True]}]}, "Value of anything-but must be an array or single string/number value."),
    ({"s": []}, "Empty arrays are not allowed"),
])
def test_validation_errors(pattern: dict[str, Any], message: str) -> None:
    with pytest.raises(Invalid) as error:
        compile_pattern(pattern)
    assert error.value.detail == message


def test_limits_keys_combinations_and_nesting() -> None:
    limits = PatternLimits(max_keys=5, max_combinations=150, nested=False)
    with pytest.raises(Invalid, match="more than 5 keys"):
        compile_pattern({str(i): ["x"] for i in range(6)}, limits)
    with pytest.raises(Invalid, match="too complex"):
        compile_pattern({"a": list(range(20)), "b": list(range(20))}, limits)
    with pytest.raises(Invalid) as error:
        compile_pattern({"a": {"b": ["x"]}}, limits)
    assert error.value.kind == "nesting"
