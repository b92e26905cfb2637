"""Conditions and filters: syntax errors, DynamoDB's parse-time refusals, and evaluation."""

from __future__ import annotations

from typing import Any

import pytest

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.expressions import ExpressionContext, parse_condition, parse_filter

ITEM: dict[str, Any] = {
    "pk": {"S": "p"},
    "n": {"N": "10"},
    "s": {"S": "banana"},
    "b": {"B": b"\x01\x02\x03"},
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
    "tags": {"SS": ["red", "green"]},
    "nums": {"NS": ["1", "5"]},
    "bins": {"BS": [b"\x01"]},
    "letters": {"L": [{"S": "a"}, {"S": "b"}, {"N": "3"}]},
    "info": {"M": {"nested": {"M": {"deep": {"S": "x"}}}, "arr": {"L": [{"M": {"v": {"N": "1"}}}, {"M": {"v": {"N": "2"}}}]}}},
    "dotted.name": {"S": "yes"},
    "unicode": {"S": "\U0001f600"},
    "accent": {"S": "\u00e9\U0001d11e"},
}


def holds(text: str, values: dict | None = None, names: dict | None = None, item: dict | None = None) -> bool:
    ctx = ExpressionContext(names, values)
    condition = parse_condition(text, ctx)
    ctx.check_all_used()
    return condition.evaluate(ITEM if item is None else item)


def refusal(text: str, values: dict | None = None, names: dict | None = None, what: str = "ConditionExpression") -> str:
    with pytest.raises(Invalid) as caught:
        parse_condition(text, ExpressionContext(names, values), what)
    return caught.value.detail


def N(n: str) -> dict:
    return {"N": n}


def S(s: str) -> dict:
    return {"S": s}


# -- syntax -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a = = :v", 'Syntax error; token: "=", near: "= ="'),
        ("_hidden = :v", 'Syntax error; token: "_", near: "_hidden"'),
        ("a = :v and", 'Syntax error; token: "<EOF>", near: "and"'),
        ("a b", 'Syntax error; token: "b", near: "a b"'),
        ("!!", 'Syntax error; token: "!", near: "!!"'),
        ("(a = )", 'Syntax error; token: ")", near: "= )"'),
        ("a BETWEEN :x", 'Syntax error; token: "<EOF>", near: ":x"'),
        ("a IN ()", 'Syntax error; token: ")", near: "()"'),
        ("a", 'Syntax error; token: "<EOF>", near: "a"'),
        ("a = 5", 'Syntax error; token: "5", near: "= 5"'),
        ("a.and = :v", 'Syntax error; token: "and", near: ".and"'),
        ("a[x] = :v", 'Syntax error; token: "x", near: "[x"'),
        ("NOT NOT a = :v", 'Syntax error; token: "NOT", near: "NOT NOT"'),
    ],
)
def test_syntax_errors_name_the_token_and_what_is_near(text: str, message: str) -> None:
    assert refusal(text, {":v": N("1"), ":x": N("1")}) == f"Invalid ConditionExpression: {message}"


def test_empty_and_oversized_expressions_are_refused() -> None:
    assert refusal("  ") == "Invalid ConditionExpression: The expression can not be empty;"
    long = " AND ".join(f"attribute_exists(a{i:04d})" for i in range(200))
    assert refusal(long).startswith(
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: "
    )


def test_filter_errors_name_the_filter() -> None:
    with pytest.raises(Invalid, match="^Invalid FilterExpression: Syntax error"):
        parse_filter("a =", ExpressionContext())


# -- refusals before evaluation -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "values", "names", "message"),
    [
        ("name = :v", {":v": S("x")}, None, "Attribute name is a reserved keyword; reserved keyword: name"),
        ("a.Status = :v", {":v": S("x")}, None, "Attribute name is a reserved keyword; reserved keyword: Status"),
        ("#n = :v", {":v": S("x")}, None,
         "An expression attribute name used in the document path is not defined; attribute name: #n"),
        ("a = :v", None, None, "An expression attribute value used in expression is not defined; attribute value: :v"),
        ("starts_with(a, :v)", {":v": S("x")}, None, "Invalid function name; function: starts_with"),
        ("ATTRIBUTE_EXISTS(a)", None, None, "Invalid function name; function: ATTRIBUTE_EXISTS"),
        ("size(a)", None, None, "The function is not allowed to be used this way in an expression; function: size"),
        ("begins_with(a, :v) = :t", {":v": S("x"), ":t": {"BOOL": True}}, None,
         "The function is not allowed to be used this way in an expression; function: begins_with"),
        ("begins_with(a)", None, None,
         "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"),
        ("attribute_exists(:v)", {":v": N("1")}, None,
         "Operator or function requires a document path; operator or function: attribute_exists"),
        ("attribute_type(a, :t)", {":t": S("STRING")}, None,
         "Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
        ("attribute_type(a, :t)", {":t": N("1")}, None,
         "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"),
        ("begins_with(a, :v)", {":v": N("1")}, None,
         "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"),
        ("size(:v) = :w", {":v": N("1"), ":w": N("1")}, None,
         "Incorrect operand type for operator or function; operator or function: size, operand type: N"),
        ("size(size(a)) = :w", {":w": N("1")}, None,
         "Incorrect operand type for operator or function; operator or function: size, operand type: N"),
        ("a < :l", {":l": {"L": []}}, None,
         "Incorrect operand type for operator or function; operator or function: <, operand type: L"),
        ("a BETWEEN :x AND :y", {":x": {"BOOL": False}, ":y": {"BOOL": True}}, None,
         "Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: BOOL"),
        ("a BETWEEN :hi AND :lo", {":hi": N("5"), ":lo": N("1")}, None,
         "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
         "lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"),
        ("a BETWEEN :x AND :y", {":x": N("1"), ":y": S("a")}, None,
         "The BETWEEN operator requires same data type for lower and upper bounds; "
         "lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"),
        ("a = a", None, None,
         "The first operand must be distinct from the remaining operands for this operator or function; "
         "operator: =, first operand: [a]"),
        ("contains(a.b, a.b)", None, None,
         "The first operand must be distinct from the remaining operands for this operator or function; "
         "operator: contains, first operand: [a, b]"),
        ("((a = :v))", {":v": N("1")}, None, "The expression has redundant parentheses;"),
    ],
)
def test_refusals_use_dynamodb_words(text: str, values: dict | None, names: dict | None, message: str) -> None:
    assert refusal(text, values, names) == f"Invalid ConditionExpression: {message}"


def test_in_takes_at_most_100_operands() -> None:
    values = {f":v{i}": N(str(i)) for i in range(101)}
    text = f"a IN ({', '.join(values)})"
    assert refusal(text, values) == (
        "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101"
    )
    del values[":v100"]
    assert not holds(f"a IN ({', '.join(values)})", values)


def test_an_expression_may_hold_at_most_300_operators() -> None:
    text = " OR ".join(f"a{i} = :v" for i in range(151))
    assert refusal(text, {":v": N("1")}) == (
        "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"
    )


def test_error_order_follows_dynamodb() -> None:
    # a reserved word anywhere is reported before an undefined value anywhere
    assert refusal("a = :missing AND name = :v", {":v": S("x")}).endswith("reserved keyword: name")
    # across conditions, the first one with a problem wins
    assert refusal("a = :missing AND begins_with(b, :n)", {":n": N("1")}).endswith("attribute value: :missing")
    assert refusal("begins_with(b, :n) AND a = :missing", {":n": N("1")}).endswith("operand type: N")
    # syntax errors come before everything
    assert "Syntax error" in refusal("name = :missing AND")


# -- evaluation ---------------------------------------------------------------------------------
def test_numbers_compare_numerically() -> None:
    assert holds("n > :nine", {":nine": N("9")})
    assert holds("n < :hundred", {":hundred": N("100")})
    assert holds("n = :ten", {":ten": N("10.0")})
    assert holds("n >= :ten AND n <= :ten", {":ten": N("1E1")})
    assert holds(":nine < n", {":nine": N("9")})
    assert not holds(":nine > n", {":nine": N("9")})


def test_strings_compare_by_code_point_and_binary_by_unsigned_bytes() -> None:
    assert holds("s > :apple", {":apple": S("apple")})
    assert holds("s < :lower", {":lower": S("banana_")})
    assert holds("unicode > :bmp", {":bmp": S("\ufffd")})
    assert holds("b < :high", {":high": {"B": b"\xff"}})


def test_missing_attributes_and_mixed_types() -> None:
    assert holds("absent <> :v", {":v": N("1")})
    assert not holds("absent < :v", {":v": N("1")})
    assert not holds("absent = :v", {":v": N("1")})
    assert not holds("s > :n", {":n": N("1")})
    assert holds("s <> :n", {":n": N("1")})
    assert not holds("flag < :t", {":t": S("x")})
    assert holds("flag = :t", {":t": {"BOOL": True}})
    assert holds("nothing = :null", {":null": {"NULL": True}})


def test_documents_compare_deeply_and_sets_unordered() -> None:
    assert holds("tags = :t", {":t": {"SS": ["green", "red"]}})
    assert holds("info.arr[1] = :m", {":m": {"M": {"v": N("2.00")}}})
    assert not holds("letters = :l", {":l": {"L": [{"S": "b"}, {"S": "a"}, {"N": "3"}]}})


def test_between_and_in() -> None:
    assert holds("n BETWEEN :lo AND :hi", {":lo": N("10"), ":hi": N("20")})
    assert not holds("n BETWEEN :lo AND :hi", {":lo": N("11"), ":hi": N("20")})
    assert holds("s IN (:a, :b)", {":a": S("apple"), ":b": S("banana")})
    assert not holds("s IN (:a)", {":a": S("apple")})
    assert holds("n IN (:a, :b)", {":a": S("10"), ":b": N("10.0")})


def test_precedence_is_not_then_and_then_or() -> None:
    values = {":yes": N("10"), ":no": N("11")}
    assert holds("n = :yes OR n = :yes AND n = :no", values)
    assert not holds("(n = :yes OR n = :yes) AND n = :no", values)
    assert holds("NOT n = :no AND n = :yes", values)
    assert not holds("not (n = :yes)", {":yes": N("10")})
    assert holds("n between :lo and :hi Or s in (:a)", {":lo": N("1"), ":hi": N("20"), ":a": S("x")})


def test_existence_and_type_functions() -> None:
    assert holds("attribute_exists(n) AND attribute_not_exists(absent)")
    assert holds("attribute_exists(nothing)")
    assert holds("attribute_type(tags, :ss) AND attribute_type(nothing, :null)", {":ss": S("SS"), ":null": S("NULL")})
    assert not holds("attribute_type(n, :s)", {":s": S("S")})
    assert not holds("attribute_type(absent, :s)", {":s": S("S")})


def test_begins_with_and_contains() -> None:
    assert holds("begins_with(s, :p)", {":p": S("ban")})
    assert not holds("begins_with(s, :p)", {":p": S("nan")})
    assert holds("begins_with(b, :p)", {":p": {"B": b"\x01\x02"}})
    assert not holds("begins_with(n, :p)", {":p": S("1")})
    assert holds("contains(s, :sub)", {":sub": S("nan")})
    assert holds("contains(tags, :red)", {":red": S("red")})
    assert not holds("contains(tags, :blue)", {":blue": S("blue")})
    assert holds("contains(nums, :five)", {":five": N("5.0")})
    assert holds("contains(bins, :one)", {":one": {"B": b"\x01"}})
    assert holds("contains(letters, :three)", {":three": N("3")})
    assert not holds("contains(tags, :n)", {":n": N("1")})
    assert not holds("contains(absent, :n)", {":n": N("1")})


def test_size_counts_utf16_units_bytes_and_members() -> None:
    assert holds("size(s) = :six", {":six": N("6")})
    assert holds("size(accent) = :three", {":three": N("3")})
    assert holds("size(tags) = :two AND size(letters) = :three AND size(info) = :two", {":two": N("2"), ":three": N("3")})
    assert holds("size(b) = :three", {":three": N("3")})
    assert not holds("size(n) = :two", {":two": N("2")})
    assert holds("size(:v) = :two", {":v": S("ab"), ":two": N("2")})
    assert holds("(size(s)) > :v", {":v": N("5")})


def test_paths_with_maps_list_indexes_and_aliases() -> None:
    assert holds("info.nested.deep = :x", {":x": S("x")})
    assert holds("info.arr[1].v = :two", {":two": N("2")})
    assert holds("letters[0] = :a", {":a": S("a")})
    assert holds("attribute_not_exists(letters[9])")
    assert holds("attribute_not_exists(s[0])")
    assert holds("attribute_not_exists(letters.x)")
    assert holds("#d = :y", {":y": S("yes")}, {"#d": "dotted.name"})
    assert holds("#i.#n.#d = :x", {":x": S("x")}, {"#i": "info", "#n": "nested", "#d": "deep"})


def test_a_missing_item_is_the_empty_item() -> None:
    assert not holds("attribute_exists(pk)", item={})
    assert holds("attribute_not_exists(pk)", item={})


def test_top_level_names_lists_what_the_condition_reads() -> None:
    condition = parse_condition("a.b = :v OR contains(#c[0], :v)", ExpressionContext({"#c": "cc"}, {":v": S("x")}))
    assert condition.top_level_names() == {"a", "cc"}


def test_long_chains_and_deep_nesting_do_not_break_the_parser() -> None:
    values = {":v": N("10")}
    assert holds(" AND ".join(["n = :v"] * 150), values)
    assert holds(" OR ".join(["absent = :v"] * 149 + ["n = :v"]), values)
    assert holds("(" * 60 + "n = :v" + ") AND n = :v" * 60, values)
    assert refusal("(" * 1500 + "a = :v" + ")" * 1500, values) == (
        "Invalid ConditionExpression: The expression has redundant parentheses;"
    )
