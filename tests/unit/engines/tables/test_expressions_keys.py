"""KeyConditionExpression: the shape DynamoDB accepts, and its messages."""

from __future__ import annotations

import pytest

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.expressions import ExpressionContext, KeyCondition, parse_key_condition

VALUES = {":p": {"S": "q"}, ":a": {"N": "1"}, ":b": {"N": "5"}, ":s": {"S": "a"}, ":t": {"BOOL": True}}


def keys(text: str, range_key: str | None = "sk", range_type: str | None = "N", values: dict | None = None,
         names: dict | None = None) -> KeyCondition:
    return parse_key_condition(text, ExpressionContext(names, values or VALUES), "pk", range_key, "S", range_type)


def refusal(text: str, range_key: str | None = "sk", range_type: str | None = "N", values: dict | None = None,
            names: dict | None = None) -> str:
    with pytest.raises(Invalid) as caught:
        keys(text, range_key, range_type, values, names)
    return caught.value.detail


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pk = :p", None),
        ("pk = :p AND sk = :a", ("=", {"N": "1"})),
        ("pk = :p AND sk < :a", ("<", {"N": "1"})),
        ("pk = :p AND sk <= :a", ("<=", {"N": "1"})),
        ("pk = :p AND sk > :a", (">", {"N": "1"})),
        ("pk = :p AND sk >= :a", (">=", {"N": "1"})),
        ("pk = :p AND :a >= sk", ("<=", {"N": "1"})),
        ("pk = :p AND :a < sk", (">", {"N": "1"})),
        ("sk BETWEEN :a AND :b AND pk = :p", ("BETWEEN", {"N": "1"}, {"N": "5"})),
        ("(pk = :p) AND (sk > :a)", (">", {"N": "1"})),
        (":p = pk", None),
    ],
)
def test_accepted_shapes(text: str, expected: tuple | None) -> None:
    found = keys(text)
    assert found.hash_key == "pk" and found.hash_value == {"S": "q"}
    assert found.range_key == "sk"
    assert found.range == expected


def test_begins_with_on_a_string_sort_key_and_aliases() -> None:
    found = keys("#k = :p AND begins_with(#r, :s)", range_type="S", names={"#k": "pk", "#r": "sk"})
    assert found.range == ("begins_with", {"S": "a"})
    assert found.evaluate({"pk": {"S": "q"}, "sk": {"S": "abc"}})
    assert not found.evaluate({"pk": {"S": "q"}, "sk": {"S": "b"}})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pk = :p OR sk = :a", "Invalid operator used in KeyConditionExpression: OR"),
        ("NOT pk = :p", "Invalid operator used in KeyConditionExpression: NOT"),
        ("pk = :p AND sk IN (:a, :b)", "Invalid operator used in KeyConditionExpression: IN"),
        ("pk = :p AND sk <> :a", "Invalid operator used in KeyConditionExpression: <>"),
        ("pk = :p AND attribute_exists(sk)", "Invalid operator used in KeyConditionExpression: attribute_exists"),
        ("pk = :p AND contains(sk, :a)", "Invalid operator used in KeyConditionExpression: contains"),
        ("pk = :p AND size(sk) = :a",
         "Invalid KeyConditionExpression: KeyConditionExpressions cannot contain nested operations"),
        ("pk = :p AND sk = pk", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"),
        (":a = :b AND pk = :p", "Invalid condition in KeyConditionExpression: No key attribute specified"),
        ("pk = :p AND sk.x = :a",
         "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on nested attributes"),
        ("pk = :p AND sk > :a AND sk < :b",
         "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one condition per key"),
        ("pk = :p AND sk > :a AND extra = :b",
         "The number of query conditions (3) exceeds the number of key attributes defined in the schema (2)"),
        ("sk = :a", "Query condition missed key schema element: pk"),
        ("pk = :p AND extra = :a", "Query condition missed key schema element: sk"),
        ("pk > :p", "Query key condition not supported"),
        ("pk = :a", "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        ("pk = :p AND sk = :t", "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        ("pk = :p AND begins_with(sk, :s)",
         "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        ("pk = :p AND begins_with(sk, :a)",
         "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
         "operator or function: begins_with, operand type: N"),
        ("pk = :p AND sk < :t",
         "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
         "operator or function: <, operand type: BOOL"),
        ("pk = :p AND :t >= sk",
         "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
         "operator or function: >=, operand type: BOOL"),
        ("pk = :p AND sk BETWEEN :b AND :a",
         "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to "
         "lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"),
        ("pk = :p AND begins_with(:s, sk)",
         "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"),
        ("pk = :missing", "Invalid KeyConditionExpression: An expression attribute value used in expression is not "
                          "defined; attribute value: :missing"),
    ],
)
def test_refusals(text: str, message: str) -> None:
    assert refusal(text) == message


def test_validation_order_follows_the_source() -> None:
    values = {":n": {"N": "1"}, ":p": {"S": "q"}}
    assert refusal("pk = :missing AND begins_with(sk, :n)", values=values).endswith("attribute value: :missing")
    assert refusal("begins_with(sk, :n) AND pk = :missing", values=values).endswith("operand type: N")


def test_hash_only_schema() -> None:
    assert keys("pk = :p", range_key=None, range_type=None).range is None
    assert refusal("pk = :p AND sk = :a", range_key=None, range_type=None) == (
        "The number of query conditions (2) exceeds the number of key attributes defined in the schema (1)"
    )


def test_an_empty_partition_key_value_is_refused() -> None:
    assert refusal("pk = :e", values={":e": {"S": ""}}) == (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
        "empty string value. Key: pk"
    )


def test_types_are_only_checked_when_given() -> None:
    found = parse_key_condition("pk = :a", ExpressionContext(None, {":a": {"N": "1"}}), "pk")
    assert found.hash_value == {"N": "1"}
