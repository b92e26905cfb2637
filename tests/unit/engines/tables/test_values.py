"""values.py: DynamoDB's number rules, validation messages, item size, equality, order, key encoding."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.values import (
    NESTING,
    NOT_NUMERIC,
    OVERFLOW,
    TOO_PRECISE,
    UNDERFLOW,
    add_numbers,
    compare,
    decode_number,
    encode_key_part,
    encode_number,
    item_size,
    normalize_item,
    normalize_number,
    normalize_value,
    number_size,
    subtract_numbers,
    type_name,
    value_size,
    values_equal,
)


def refused(call, *args) -> str:
    with pytest.raises(Invalid) as caught:
        call(*args)
    return caught.value.detail


# -- numbers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1.50", "1.5"), ("-0", "0"), ("-0.000", "0"), ("1e2", "100"), ("1E+2", "100"), ("0.1e-5", "0.000001"),
        ("0042.1200", "42.12"), ("+5", "5"), ("5.", "5"), (".5", "0.5"), ("-12.340", "-12.34"),
        ("0e125", "0"), ("1E125", "1" + "0" * 125), ("1e-130", "0." + "0" * 129 + "1"),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
        ("1234567890123456789012345678901234567800000", "1234567890123456789012345678901234567800000"),
        ("9.9999999999999999999999999999999999999E+125", "99999999999999999999999999999999999999" + "0" * 88),
    ],
)
def test_normalize_number_gives_dynamodb_canonical_text(text: str, canonical: str) -> None:
    assert normalize_number(text) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", f"{NOT_NUMERIC}: abc"), ("", f"{NOT_NUMERIC}: "), (" 1", f"{NOT_NUMERIC}:  1"),
        ("1 ", f"{NOT_NUMERIC}: 1 "), ("0x10", f"{NOT_NUMERIC}: 0x10"), ("1e", f"{NOT_NUMERIC}: 1e"),
        ("NaN", f"{NOT_NUMERIC}: NaN"), ("Infinity", f"{NOT_NUMERIC}: Infinity"), ("1.2.3", f"{NOT_NUMERIC}: 1.2.3"),
        (".", f"{NOT_NUMERIC}: ."), ("1_000", f"{NOT_NUMERIC}: 1_000"),
        ("1e9223372036854775808", f"{NOT_NUMERIC}: 1e9223372036854775808"),
        ("1e99999999999", OVERFLOW), ("-1e99999999999", OVERFLOW), ("1e2147483647", OVERFLOW), ("1e126", OVERFLOW),
        ("1e-99999999999", UNDERFLOW), ("1e-131", UNDERFLOW), ("0e126", OVERFLOW), ("0e-131", UNDERFLOW),
        ("1234567890123456789012345678901234567891", TOO_PRECISE),
        ("1.234567890123456789012345678901234567891", TOO_PRECISE),
    ],
)
def test_normalize_number_refuses_with_dynamodb_messages(text: str, message: str) -> None:
    assert refused(normalize_number, text) == message


def test_arithmetic_is_exact_and_range_checked() -> None:
    assert add_numbers("0.1", "0.2") == "0.3"
    assert subtract_numbers("0.3", "0.1") == "0.2"
    assert subtract_numbers("100000000000000000000.00000001", "1") == "99999999999999999999.00000001"
    assert add_numbers("-5", "5") == "0"
    assert refused(add_numbers, "9.9999999999999999999999999999999999999E+125", "1E+125") == OVERFLOW
    assert refused(add_numbers, "1E+30", "1E-30") == TOO_PRECISE


@pytest.mark.parametrize(
    ("literal", "size"),
    [
        ("0", 1), ("1", 2), ("12", 2), ("123", 3), ("1234", 3), ("12345678901234567890123456789012345678", 20),
        ("0042", 2), ("100", 2), ("1010", 3), ("0.0000001", 2), ("1E125", 2), ("1E-100", 2), ("1.5", 3),
        ("15", 2), ("1.2", 3), ("1.200", 3), ("1.234", 4), ("3.14159", 5), ("123456", 4), ("100.5", 4),
        ("0.15", 2), ("-42", 3), ("-0", 1),
    ],
)
def test_number_size_matches_the_sizes_measured_against_the_service(literal: str, size: int) -> None:
    assert number_size(literal) == size


small_numbers = st.builds(
    lambda sign, digits, exp: f"{sign}{digits}e{exp}",
    st.sampled_from(["", "-"]),
    st.integers(min_value=0, max_value=10**38 - 1),
    st.integers(min_value=-167, max_value=87),
)


@given(small_numbers)
def test_normalize_number_preserves_the_value(text: str) -> None:
    try:
        canonical = normalize_number(text)
    except Invalid:
        return
    assert Decimal(canonical) == Decimal(text)
    assert normalize_number(canonical) == canonical
    assert "e" not in canonical.lower()


@settings(max_examples=300)
@given(st.lists(small_numbers, min_size=2, max_size=20))
def test_encode_number_sorts_like_the_numbers(texts: list[str]) -> None:
    valid = []
    for text in texts:
        try:
            valid.append(normalize_number(text))
        except Invalid:
            pass
    by_value = sorted(valid, key=Decimal)
    by_bytes = sorted(valid, key=encode_number)
    assert [Decimal(v) for v in by_bytes] == [Decimal(v) for v in by_value]


@given(small_numbers)
def test_decode_number_inverts_encode_number(text: str) -> None:
    try:
        canonical = normalize_number(text)
    except Invalid:
        return
    assert decode_number(encode_number(canonical)) == canonical


def test_encode_number_edges_order() -> None:
    edges = [
        "-9.9999999999999999999999999999999999999E+125", "-1E+125", "-100", "-10.01", "-10", "-1.01", "-1",
        "-0.999", "-1E-130", "0", "1E-130", "0.5", "1", "1.0000000000000000000000000000000000001", "1.01", "2",
        "10", "100", "1E+125", "9.9999999999999999999999999999999999999E+125",
    ]
    encoded = [encode_number(e) for e in edges]
    assert encoded == sorted(encoded)
    assert len(set(encoded)) == len(encoded)


def test_encode_key_part_orders_strings_by_utf8_and_binary_by_bytes() -> None:
    strings = ["", "A", "B", "a", "ab", "\u00e9", "\uffff", "\U0001f600"]
    assert sorted(strings, key=lambda s: encode_key_part({"S": s})) == strings
    blobs = [b"", b"\x00", b"\x00\x00", b"\x01", b"\x7f", b"\x80", b"\xff"]
    assert sorted(blobs, key=lambda b: encode_key_part({"B": b})) == blobs
    assert encode_key_part({"N": "1.50"}) == encode_key_part({"N": "1.5"})


# -- validation ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
        ({"NS": []}, "One or more parameter values were invalid: An number set  may not be empty"),
        ({"BS": []}, "One or more parameter values were invalid: Binary sets should not be empty"),
        ({"SS": ["b", "a", "b"]}, 'One or more parameter values were invalid: Input collection ["a", "b", "b"] contains duplicates.'),
        ({"BS": [b"\xff", b"\x00", b"\x00"]},
         'One or more parameter values were invalid: Input collection ["AA==","/w==","AA=="]of type BS contains duplicates.'),
        ({"NS": ["2", "1", "2"]}, "One or more parameter values were invalid: Input collection contains duplicates."),
        ({"NS": ["1", "1.0"]}, "One or more parameter values were invalid: Input collection contains duplicates."),
        ({"NS": ["1", "x"]}, f"{NOT_NUMERIC}: x"),
        ({"NULL": False}, "One or more parameter values were invalid: Null attribute value types must have the value of true"),
        ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        ({"S": "a", "N": "1"},
         "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"),
        ({"M": {"x": {"L": [{"N": "1e126"}]}}}, OVERFLOW),
    ],
)
def test_normalize_value_refuses_with_dynamodb_messages(value: dict, message: str) -> None:
    assert refused(normalize_value, value) == message


def nested(depth: int) -> dict:
    value: dict = {"S": "leaf"}
    for _ in range(depth):
        value = {"M": {"n": value}}
    return value


def test_nesting_is_limited_to_32_levels() -> None:
    normalize_value(nested(31))
    assert refused(normalize_value, nested(32)) == NESTING


def test_normalize_item_canonicalizes_numbers_everywhere_and_allows_empty_strings() -> None:
    item = {
        "a": {"N": "1.50"}, "s": {"S": ""}, "b": {"B": b""}, "ss": {"SS": ["", "x"]},
        "ns": {"NS": ["1e2", "-0.5"]}, "m": {"M": {"l": {"L": [{"N": "010"}, {"BOOL": False}, {"NULL": True}]}}},
    }
    assert normalize_item(item) == {
        "a": {"N": "1.5"}, "s": {"S": ""}, "b": {"B": b""}, "ss": {"SS": ["", "x"]},
        "ns": {"NS": ["100", "-0.5"]}, "m": {"M": {"l": {"L": [{"N": "10"}, {"BOOL": False}, {"NULL": True}]}}},
    }


# -- size ---------------------------------------------------------------------------------------
def test_item_size_follows_the_documented_rules() -> None:
    assert item_size({"name": {"S": "héllo"}}) == 4 + 6
    assert item_size({"b": {"B": b"\x00\x01\x02"}, "t": {"BOOL": True}, "n": {"NULL": True}}) == 1 + 3 + 1 + 1 + 1 + 1
    assert value_size({"M": {}}) == 3
    assert value_size({"L": [{"S": "ab"}, {"N": "1"}]}) == 3 + (2 + 1) + (2 + 1)
    assert value_size({"M": {"k": {"S": "v"}}}) == 3 + 1 + 1 + 1
    assert value_size({"SS": ["a", "bc"]}) == 3
    assert value_size({"NS": ["1", "1.5"]}) == 2 + 3
    assert value_size({"BS": [b"ab", b"c"]}) == 3


# -- equality and order -------------------------------------------------------------------------
def test_values_equal_treats_sets_as_unordered_and_numbers_numerically() -> None:
    assert values_equal({"SS": ["a", "b"]}, {"SS": ["b", "a"]})
    assert values_equal({"NS": ["1", "2"]}, {"NS": ["2.0", "1"]})
    assert values_equal({"N": "1"}, {"N": "1.0"})
    assert values_equal({"L": [{"N": "1"}, {"SS": ["x", "y"]}]}, {"L": [{"N": "1"}, {"SS": ["y", "x"]}]})
    assert values_equal({"M": {"a": {"NS": ["1", "2"]}}}, {"M": {"a": {"NS": ["2", "1"]}}})
    assert not values_equal({"L": [{"N": "1"}, {"N": "2"}]}, {"L": [{"N": "2"}, {"N": "1"}]})
    assert not values_equal({"S": "6"}, {"N": "6"})
    assert not values_equal({"N": "6"}, {"NS": ["6"]})


def test_compare_orders_only_same_scalar_types() -> None:
    assert compare({"N": "10"}, {"N": "9"}) == 1
    assert compare({"N": "-1"}, {"N": "1"}) == -1
    assert compare({"S": "a"}, {"S": "B"}) == 1
    assert compare({"B": b"\x01"}, {"B": b"\xff"}) == -1
    assert compare({"S": "1"}, {"N": "1"}) is None
    assert compare({"BOOL": True}, {"BOOL": False}) is None
    assert type_name({"SS": ["a"]}) == "SS"
