"""The legacy parameters: Expected, QueryFilter/ScanFilter, KeyConditions, AttributeUpdates."""

from __future__ import annotations

import copy

import pytest

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.expressions import (
    legacy_expected,
    legacy_filter,
    legacy_key_conditions,
    legacy_update,
)

ITEM = {
    "pk": {"S": "p"},
    "n": {"N": "10"},
    "s": {"S": "banana"},
    "tags": {"SS": ["red", "green"]},
    "l": {"L": [{"N": "1"}]},
}
INVALID = "One or more parameter values were invalid: "


def detail(call, *args) -> str:
    with pytest.raises(Invalid) as caught:
        call(*args)
    return caught.value.detail


def cond(op: str, *values: dict) -> dict:
    return {"ComparisonOperator": op, "AttributeValueList": list(values)}


@pytest.mark.parametrize(
    ("name", "condition", "expected"),
    [
        ("n", cond("EQ", {"N": "10.0"}), True),
        ("n", cond("EQ", {"S": "10"}), False),
        ("n", cond("NE", {"N": "9"}), True),
        ("absent", cond("NE", {"N": "9"}), True),
        ("n", cond("LT", {"N": "11"}), True),
        ("n", cond("LE", {"N": "10"}), True),
        ("n", cond("GT", {"N": "10"}), False),
        ("n", cond("GE", {"N": "10"}), True),
        ("s", cond("GT", {"N": "1"}), False),
        ("n", cond("NOT_NULL"), True),
        ("n", cond("NULL"), False),
        ("absent", cond("NULL"), True),
        ("s", cond("CONTAINS", {"S": "nan"}), True),
        ("tags", cond("CONTAINS", {"S": "red"}), True),
        ("l", cond("CONTAINS", {"N": "1"}), True),
        ("tags", cond("NOT_CONTAINS", {"S": "blue"}), True),
        ("absent", cond("NOT_CONTAINS", {"S": "blue"}), True),
        ("s", cond("BEGINS_WITH", {"S": "ban"}), True),
        ("n", cond("IN", {"N": "1"}, {"N": "10"}), True),
        ("n", cond("BETWEEN", {"N": "10"}, {"N": "20"}), True),
        ("n", cond("BETWEEN", {"N": "11"}, {"N": "20"}), False),
    ],
)
def test_filter_comparisons(name: str, condition: dict, expected: bool) -> None:
    assert legacy_filter({name: condition}).evaluate(ITEM) is expected


def test_filters_combine_with_and_unless_or() -> None:
    conditions = {"n": cond("EQ", {"N": "10"}), "s": cond("EQ", {"S": "x"})}
    assert not legacy_filter(conditions).evaluate(ITEM)
    assert legacy_filter(conditions, "OR", "ScanFilter").evaluate(ITEM)
    assert legacy_filter(conditions).top_level_names() == {"n", "s"}


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (cond("EQ"), INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator"),
        (cond("NULL", {"N": "1"}), INVALID + "Invalid number of argument(s) for the NULL ComparisonOperator"),
        (cond("IN"), INVALID + "Invalid number of argument(s) for the IN ComparisonOperator"),
        (cond("BETWEEN", {"N": "1"}), INVALID + "Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
        (cond("IN", {"N": "1"}, {"S": "a"}), INVALID + "AttributeValues inside AttributeValueList must be of same type"),
        (cond("LT", {"SS": ["a"]}), INVALID + "ComparisonOperator LT is not valid for SS AttributeValue type"),
        (cond("BEGINS_WITH", {"N": "1"}), INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"),
        (cond("BETWEEN", {"N": "5"}, {"N": "1"}),
         "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"),
        (cond("EQ", {"N": "x"}), "The parameter cannot be converted to a numeric value: x"),
    ],
)
def test_filter_refusals(condition: dict, message: str) -> None:
    assert detail(legacy_filter, {"a": condition}) == message


def test_expected_forms() -> None:
    assert legacy_expected({"n": {"Value": {"N": "10"}}}).evaluate(ITEM)
    assert legacy_expected({"n": {"Value": {"N": "10"}, "Exists": True}}).evaluate(ITEM)
    assert not legacy_expected({"n": {"Exists": False}}).evaluate(ITEM)
    assert legacy_expected({"absent": {"Exists": False}}).evaluate(ITEM)
    assert legacy_expected({"n": {"ComparisonOperator": "GT", "Value": {"N": "5"}}}).evaluate(ITEM)
    assert legacy_expected({"n": cond("LT", {"N": "5"}), "s": cond("EQ", {"S": "banana"})}, "OR").evaluate(ITEM)
    assert not legacy_expected({"n": cond("LT", {"N": "5"}), "s": cond("EQ", {"S": "banana"})}).evaluate(ITEM)
    assert legacy_expected({}).evaluate({})


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"Value": {"N": "1"}, "AttributeValueList": [{"N": "1"}], "ComparisonOperator": "EQ"},
         "Value and AttributeValueList cannot be used together for Attribute: a"),
        ({"ComparisonOperator": "EQ", "Exists": True, "Value": {"N": "1"}},
         "Exists and ComparisonOperator cannot be used together for Attribute: a"),
        ({"ComparisonOperator": "EQ"}, "Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a"),
        ({"AttributeValueList": [{"N": "1"}]}, "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"),
        ({"Exists": False, "Value": {"N": "1"}}, "Value cannot be used when Exists is false for Attribute: a"),
        ({"Exists": True}, "Value must be provided when Exists is true for Attribute: a"),
        ({}, "Value must be provided when Exists is null for Attribute: a"),
    ],
)
def test_expected_refusals(spec: dict, message: str) -> None:
    assert detail(legacy_expected, {"a": spec}) == INVALID + message


def test_key_conditions() -> None:
    found = legacy_key_conditions(
        {"pk": cond("EQ", {"S": "p"}), "sk": cond("BETWEEN", {"N": "1"}, {"N": "2"})}, "pk", "sk", "S", "N"
    )
    assert found.hash_value == {"S": "p"} and found.range == ("BETWEEN", {"N": "1"}, {"N": "2"})
    found = legacy_key_conditions({"pk": cond("EQ", {"S": "p"}), "sk": cond("BEGINS_WITH", {"S": "a"})}, "pk", "sk")
    assert found.range == ("begins_with", {"S": "a"})
    assert legacy_key_conditions({"pk": cond("EQ", {"S": "p"})}, "pk", "sk").range is None
    assert detail(legacy_key_conditions, {"pk": cond("NE", {"S": "p"})}, "pk") == (
        "Attempted conditional constraint is not an indexable operation"
    )
    assert detail(legacy_key_conditions, {"sk": cond("EQ", {"S": "p"})}, "pk", "sk") == (
        "Query condition missed key schema element: pk"
    )
    assert detail(legacy_key_conditions, {"pk": cond("GT", {"S": "p"})}, "pk", "sk") == "Query key condition not supported"


def test_attribute_updates() -> None:
    source = copy.deepcopy(ITEM)
    update = legacy_update({
        "s": {"Action": "PUT", "Value": {"S": "x"}},
        "new": {"Value": {"N": "1.50"}},
        "n": {"Action": "ADD", "Value": {"N": "5"}},
        "tags": {"Action": "DELETE", "Value": {"SS": ["red"]}},
        "l": {"Action": "ADD", "Value": {"L": [{"N": "2"}]}},
        "fresh": {"Action": "ADD", "Value": {"SS": ["a"]}},
        "pk2": {"Action": "DELETE"},
    })
    new = update.apply(source)
    assert source == ITEM
    assert new["s"] == {"S": "x"} and new["new"] == {"N": "1.5"} and new["n"] == {"N": "15"}
    assert new["tags"] == {"SS": ["green"]} and new["l"] == {"L": [{"N": "1"}, {"N": "2"}]}
    assert new["fresh"] == {"SS": ["a"]}
    assert "tags" not in legacy_update({"tags": {"Action": "DELETE", "Value": {"SS": ["red", "green"]}}}).apply(ITEM)
    assert "n" not in legacy_update({"n": {"Action": "DELETE"}}).apply(ITEM)
    assert update.updated().apply(new)["n"] == {"N": "15"}
    with pytest.raises(Invalid, match="Cannot update attribute pk2. This attribute is part of the key"):
        update.check_keys(["pk2"])


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        ({"a": {"Action": "PUT"}}, INVALID + "Only DELETE action is allowed when no attribute value is specified"),
        ({"a": {"Action": "DELETE", "Value": {"N": "1"}}}, INVALID + "DELETE action with value is not supported for the type N"),
        ({"a": {"Action": "ADD", "Value": {"S": "x"}}}, INVALID + "ADD action is not supported for the type S"),
    ],
)
def test_attribute_update_refusals(updates: dict, message: str) -> None:
    assert detail(legacy_update, updates) == message


def test_attribute_update_type_mismatch() -> None:
    assert detail(legacy_update({"s": {"Action": "ADD", "Value": {"N": "1"}}}).apply, ITEM) == (
        "Type mismatch for attribute to update"
    )
