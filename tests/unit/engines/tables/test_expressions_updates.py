"""UpdateExpression: refusals before applying, runtime errors, and what apply does."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.expressions import ExpressionContext, parse_update

ITEM: dict[str, Any] = {
    "pk": {"S": "p"},
    "tally": {"N": "1"},
    "label": {"S": "x"},
    "letters": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]},
    "info": {"M": {"a": {"N": "1"}, "seq": {"L": [{"S": "x"}, {"S": "y"}]}}},
    "tags": {"SS": ["a", "b"]},
    "f": {"N": "0.1"},
}


def N(n: str) -> dict:
    return {"N": n}


def S(s: str) -> dict:
    return {"S": s}


def updated(text: str, values: dict | None = None, names: dict | None = None, item: dict | None = None) -> dict:
    source = ITEM if item is None else item
    before = copy.deepcopy(source)
    ctx = ExpressionContext(names, values)
    result = parse_update(text, ctx).apply(source)
    ctx.check_all_used()
    assert source == before, "apply must not change its input"
    return result


def refusal(text: str, values: dict | None = None, names: dict | None = None) -> str:
    with pytest.raises(Invalid) as caught:
        parse_update(text, ExpressionContext(names, values)).apply(ITEM)
    return caught.value.detail


# -- SET ----------------------------------------------------------------------------------------
def test_set_top_level_nested_and_list_elements() -> None:
    item = updated("SET a = :a, info.b = :b, #l[0] = :z", {":a": S("A"), ":b": N("2"), ":z": N("0")}, {"#l": "letters"})
    assert item["a"] == S("A")
    assert item["info"]["M"]["b"] == N("2") and item["info"]["M"]["a"] == N("1")
    assert item["letters"]["L"] == [N("0"), N("2"), N("3")]


def test_set_past_the_end_of_a_list_appends() -> None:
    assert updated("SET letters[10] = :v", {":v": N("4")})["letters"]["L"] == [N("1"), N("2"), N("3"), N("4")]
    empty = {"l": {"L": []}}
    assert updated("SET l[0] = :v", {":v": S("first")}, item=empty)["l"]["L"] == [S("first")]


def test_arithmetic_is_exact_and_reads_the_item_before_the_update() -> None:
    item = updated("SET f = f + :f, tally = tally - :one", {":f": N("0.2"), ":one": N("1")})
    assert item["f"] == N("0.3") and item["tally"] == N("0")
    item = updated("SET a = tally, tally = :ten", {":ten": N("10")})
    assert item["a"] == N("1") and item["tally"] == N("10")
    assert updated("SET info.a = info.a + :inc", {":inc": N("5")})["info"]["M"]["a"] == N("6")
    assert updated("SET t = :a + :b", {":a": N("1.5"), ":b": N("2.5")})["t"] == N("4")


def test_if_not_exists_and_list_append() -> None:
    item = updated(
        "SET tally = if_not_exists(tally, :zero) + :one, fresh = if_not_exists(fresh, :zero)",
        {":zero": N("0"), ":one": N("1")},
    )
    assert item["tally"] == N("2") and item["fresh"] == N("0")
    item = updated(
        "SET letters = list_append(letters, :tail), alt = list_append(if_not_exists(alt, :empty), :tail), "
        "front = list_append(:head, letters)",
        {":tail": {"L": [N("9")]}, ":empty": {"L": []}, ":head": {"L": [N("0")]}},
    )
    assert item["letters"]["L"] == [N("1"), N("2"), N("3"), N("9")]
    assert item["alt"]["L"] == [N("9")]
    assert item["front"]["L"] == [N("0"), N("1"), N("2"), N("3")]


def test_set_accepts_parenthesised_values() -> None:
    assert updated("SET a = (tally + :one)", {":one": N("1")})["a"] == N("2")
    assert updated("SET a = (tally) + :one", {":one": N("1")})["a"] == N("2")


# -- REMOVE, ADD, DELETE ------------------------------------------------------------------------
def test_remove_attributes_map_keys_and_list_elements_by_original_index() -> None:
    item = updated("REMOVE #n, info.a, letters[0], letters[2], absent", names={"#n": "label"})
    assert "label" not in item and "absent" not in item
    assert item["info"]["M"] == {"seq": {"L": [S("x"), S("y")]}}
    assert item["letters"]["L"] == [N("2")]
    assert updated("REMOVE letters[5], info.nope")["letters"] == ITEM["letters"]
    assert updated("REMOVE info.seq[0], letters[1]")["info"]["M"]["seq"]["L"] == [S("y")]


def test_add_numbers_and_sets_creating_when_missing() -> None:
    item = updated(
        "ADD #c :five, newCount :five, tags :more, nums :ns",
        {":five": N("5"), ":more": {"SS": ["b", "c"]}, ":ns": {"NS": ["1"]}},
        {"#c": "tally"},
    )
    assert item["tally"] == N("6") and item["newCount"] == N("5")
    assert sorted(item["tags"]["SS"]) == ["a", "b", "c"]
    assert item["nums"] == {"NS": ["1"]}


def test_delete_from_a_set_removes_the_attribute_when_it_empties() -> None:
    assert updated("DELETE tags :a", {":a": {"SS": ["a", "zz"]}})["tags"] == {"SS": ["b"]}
    assert "tags" not in updated("DELETE tags :ab", {":ab": {"SS": ["a", "b"]}})
    assert "absent" not in updated("DELETE absent :ab", {":ab": {"SS": ["a"]}})


def test_all_four_clauses_together_in_any_order() -> None:
    item = updated(
        "DELETE tags :t ADD #c :one REMOVE info SET a = :a",
        {":a": N("1"), ":one": N("1"), ":t": {"SS": ["a"]}},
        {"#c": "tally"},
    )
    assert item["a"] == N("1") and item["tally"] == N("2") and item["tags"] == {"SS": ["b"]}
    assert "info" not in item


# -- refusals -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        ("SETT a = :v", {":v": N("1")}, 'Invalid UpdateExpression: Syntax error; token: "SETT", near: "SETT a"'),
        ("INVALID SYNTAX HERE", {":v": N("1")},
         'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"'),
        ("SET a", None, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "a"'),
        ("ADD numx", None, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "numx"'),
        ("ADD a b", None, 'Invalid UpdateExpression: Syntax error; token: "b", near: "a b"'),
        ("SET a = :v, set = :v", {":v": N("1")}, 'Invalid UpdateExpression: Syntax error; token: "set", near: ", set"'),
        ("", None, "Invalid UpdateExpression: The expression can not be empty;"),
        ("SET name = :v", {":v": N("1")}, "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"),
        ("SET a = :v", None,
         "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v"),
        ("SET #a = :v", {":v": N("1")},
         "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #a"),
        ("SET a = :v SET b = :v", {":v": N("1")},
         'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'),
        ("SET a = size(b)", None, "Invalid UpdateExpression: Invalid function name; function: size"),
        ("SET a = if_not_exists(:v, b)", {":v": N("1")},
         "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"),
        ("SET a = list_append(:v)", {":v": {"L": []}},
         "Invalid UpdateExpression: Incorrect number of operands for operator or function; "
         "operator or function: list_append, number of operands: 1"),
        ("SET a = list_append(b, :v)", {":v": S("x")},
         "Invalid UpdateExpression: Incorrect operand type for operator or function; "
         "operator or function: list_append, operand type: S"),
        ("SET a = :s + :one", {":one": N("1"), ":s": S("x")},
         "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"),
        ("ADD a :s", {":s": S("x")},
         "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"),
        ("ADD a :l", {":l": {"L": []}},
         "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST"),
        ("DELETE a :n", {":n": N("1")},
         "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"),
        ("SET a = :v REMOVE a.b", {":v": N("1")},
         "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
         "paths; path one: [a], path two: [a, b]"),
        ("SET #v = :a, #v = :b", {":a": N("1"), ":b": N("2")},
         "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
         "paths; path one: [val], path two: [val]"),
        ("SET a[0] = :v REMOVE a.b", {":v": N("1")},
         "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these "
         "paths; path one: [a, [0]], path two: [a, b]"),
        ("SET a.b.c = :v", {":v": N("1")}, "The document path provided in the update expression is invalid for update"),
        ("SET label.x = :v", {":v": N("1")}, "The document path provided in the update expression is invalid for update"),
        ("SET letters.x = :v", {":v": N("1")}, "The document path provided in the update expression is invalid for update"),
        ("SET info[0] = :v", {":v": N("1")}, "The document path provided in the update expression is invalid for update"),
        ("REMOVE gone.x", None, "The document path provided in the update expression is invalid for update"),
        ("SET a = nope", None, "The provided expression refers to an attribute that does not exist in the item"),
        ("SET a = label + :one", {":one": N("1")}, "An operand in the update expression has an incorrect data type"),
        ("SET a = list_append(label, :l)", {":l": {"L": []}}, "An operand in the update expression has an incorrect data type"),
        ("ADD tags :n", {":n": {"NS": ["1"]}}, "An operand in the update expression has an incorrect data type"),
        ("ADD label :n", {":n": N("1")}, "An operand in the update expression has an incorrect data type"),
        ("DELETE tally :s", {":s": {"SS": ["a"]}}, "An operand in the update expression has an incorrect data type"),
        ("SET tally = tally + :big", {":big": N("9.9999999999999999999999999999999999999E+125")},
         "Attempting to store more than 38 significant digits in a Number"),
    ],
)
def test_refusals(text: str, values: dict | None, message: str) -> None:
    names = {"#v": "val"} if "#v" in text else None
    assert refusal(text, values, names) == message


def test_reserved_words_are_reported_before_undefined_values() -> None:
    assert refusal("SET a = :missing, name = :v", {":v": N("1")}).endswith("reserved keyword: name")


def test_key_attributes_and_written_paths() -> None:
    update = parse_update("SET a.b = :v, pk = :v REMOVE c[1]", ExpressionContext(None, {":v": N("1")}))
    assert update.top_level_names() == {"a", "pk", "c"}
    with pytest.raises(Invalid) as caught:
        update.check_keys(["pk", "sk"])
    assert caught.value.detail == (
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
    )
    parse_update("SET a = :v", ExpressionContext(None, {":v": N("1")})).check_keys(["pk"])


def test_updated_projection_returns_every_written_subpath() -> None:
    update = parse_update("SET #a.#b = :x, #a.#c = :y", ExpressionContext({"#a": "a", "#b": "b", "#c": "c"},
                                                                            {":x": S("x"), ":y": S("y")}))
    new = update.apply({"pk": S("k"), "a": {"M": {"existing": S("e")}}})
    assert update.updated().apply(new) == {"a": {"M": {"b": S("x"), "c": S("y")}}}


def test_a_set_that_would_nest_beyond_32_levels_is_refused() -> None:
    deep: dict = {"S": "leaf"}
    for _ in range(30):
        deep = {"M": {"n": deep}}
    item = {"m": {"M": {}}}
    assert updated("SET m.x = :deep", {":deep": deep}, item=item)["m"]["M"]["x"] == deep
    with pytest.raises(Invalid, match="^Nesting Levels have exceeded supported limits"):
        parse_update("SET m.x.y = :deep", ExpressionContext(None, {":deep": deep})).apply(
            {"m": {"M": {"x": {"M": {}}}}}
        )
