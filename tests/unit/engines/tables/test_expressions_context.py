"""ExpressionContext, parameter mixing rules, and projections."""

from __future__ import annotations

import pytest

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.expressions import (
    ExpressionContext,
    check_expression_parameters,
    legacy_projection,
    parse_condition,
    parse_projection,
    parse_update,
)

ITEM = {
    "pk": {"S": "p"},
    "a": {"M": {"b": {"N": "1"}, "c": {"N": "2"}}},
    "letters": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]},
    "alt": {"S": "o"},
    "docs": {"L": [{"M": {"v": {"N": "1"}, "w": {"N": "9"}}}, {"M": {"v": {"N": "2"}}}]},
}


def detail(call, *args, **kwargs) -> str:
    with pytest.raises(Invalid) as caught:
        call(*args, **kwargs)
    return caught.value.detail


# -- context ------------------------------------------------------------------------------------
def test_unused_names_and_values_are_refused_after_all_expressions() -> None:
    ctx = ExpressionContext({"#a": "a", "#unused": "x"}, {":v": {"S": "x"}, ":unused": {"S": "y"}})
    parse_condition("#a = :v", ctx)
    assert detail(ctx.check_all_used) == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"
    ctx = ExpressionContext(None, {":v": {"S": "x"}, ":w": {"S": "y"}, ":x": {"S": "z"}})
    parse_update("SET a = :v", ctx)
    assert detail(ctx.check_all_used) == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w, :x}"


def test_names_and_values_used_by_any_expression_of_the_request_count() -> None:
    ctx = ExpressionContext({"#a": "a", "#b": "b"}, {":v": {"S": "x"}, ":w": {"N": "1"}})
    parse_update("SET #a = :v", ctx)
    parse_condition("#b < :w", ctx)
    ctx.check_all_used()


def test_context_validates_keys_and_values() -> None:
    assert detail(ExpressionContext, {}) == "ExpressionAttributeNames must not be empty"
    assert detail(ExpressionContext, None, {}) == "ExpressionAttributeValues must not be empty"
    assert detail(ExpressionContext, {"#a-b": "x"}) == 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"'
    assert detail(ExpressionContext, None, {"v": {"S": "x"}}) == (
        'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"'
    )
    assert detail(ExpressionContext, None, {":v": {"N": "abc"}}) == "The parameter cannot be converted to a numeric value: abc"
    assert ExpressionContext(None, {":v": {"N": "1.50"}}).values == {":v": {"N": "1.5"}}


def test_parameter_mixing_rules() -> None:
    assert detail(
        check_expression_parameters,
        {"UpdateExpression": "SET a = :v", "ConditionExpression": None},
        {"AttributeUpdates": {"a": {}}, "Expected": None, "ConditionalOperator": None},
    ) == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}"
    )
    assert detail(
        check_expression_parameters,
        {"ProjectionExpression": "a", "FilterExpression": None, "KeyConditionExpression": None},
        {"AttributesToGet": ["a"], "QueryFilter": None, "ConditionalOperator": None, "KeyConditions": None},
    ) == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"
    )
    check_expression_parameters(
        {"ProjectionExpression": None, "FilterExpression": "a = :v", "KeyConditionExpression": None},
        {"AttributesToGet": None, "QueryFilter": None, "ConditionalOperator": None, "KeyConditions": {"pk": {}}},
        None, {":v": {"S": "x"}},
    )
    assert detail(check_expression_parameters, {"ConditionExpression": None}, {"Expected": None}, {"#a": "a"}) == (
        "ExpressionAttributeNames can only be specified when using expressions"
    )
    assert detail(check_expression_parameters, {"ConditionExpression": None}, {}, None, {":v": {"S": "x"}}) == (
        "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"
    )
    assert detail(
        check_expression_parameters, {"UpdateExpression": None, "ConditionExpression": None}, {}, None, {":v": {"S": "x"}}
    ) == "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null"


# -- projections --------------------------------------------------------------------------------
def project(text: str, names: dict | None = None) -> dict:
    ctx = ExpressionContext(names)
    projection = parse_projection(text, ctx)
    ctx.check_all_used()
    return projection.apply(ITEM)


def test_projection_keeps_structure_and_list_order() -> None:
    assert project("a.c, letters[2], letters[0], #o", {"#o": "alt"}) == {
        "a": {"M": {"c": {"N": "2"}}},
        "letters": {"L": [{"S": "x"}, {"S": "z"}]},
        "alt": {"S": "o"},
    }
    assert project("docs[1].v, docs[0].w") == {"docs": {"L": [{"M": {"w": {"N": "9"}}}, {"M": {"v": {"N": "2"}}}]}}
    assert project("pk, nope, a.nope, letters[7]") == {"pk": {"S": "p"}}
    assert project("nope") == {}


def test_projection_refusals() -> None:
    assert detail(parse_projection, "a, a.b", ExpressionContext()) == (
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of "
        "these paths; path one: [a], path two: [a, b]"
    )
    assert detail(parse_projection, "a.b, a[0]", ExpressionContext()) == (
        "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of "
        "these paths; path one: [a, b], path two: [a, [0]]"
    )
    assert detail(parse_projection, "pk, name", ExpressionContext()) == (
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name"
    )
    assert detail(parse_projection, "#x", ExpressionContext()) == (
        "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #x"
    )
    assert detail(parse_projection, "a,", ExpressionContext()) == (
        'Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","'
    )


def test_attributes_to_get() -> None:
    assert legacy_projection(["pk", "alt", "nope"]).apply(ITEM) == {"pk": {"S": "p"}, "alt": {"S": "o"}}
    assert detail(legacy_projection, ["a", "a"]) == (
        "One or more parameter values were invalid: Duplicate value in attribute name: a"
    )
