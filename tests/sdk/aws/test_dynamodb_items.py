"""DynamoDB item operations and the rules users trip over, through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def table(make_table: Any) -> str:
    return make_table()


def test_put_get_roundtrip_every_type(ddb: Any, table: str) -> None:
    item = {
        "pk": {"S": "trip-1"}, "n": {"N": "3.14"}, "b": {"B": b"\x00\xff"}, "t": {"BOOL": True},
        "z": {"NULL": True}, "m": {"M": {"x": {"S": "y"}, "l": {"L": [{"N": "1"}, {"S": "two"}]}}},
        "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": [b"a", b"b"]}, "empty": {"S": ""},
    }
    ddb.put_item(TableName=table, Item=item)
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "trip-1"}}, ConsistentRead=True)["Item"]
    assert got["b"] == {"B": b"\x00\xff"}
    assert got["m"] == item["m"]
    assert sorted(got["ss"]["SS"]) == ["a", "b"]
    assert sorted(got["ns"]["NS"]) == ["1", "2.5"]
    assert got["empty"] == {"S": ""}
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "missing"}}).get("Item") is None


def test_numbers_keep_38_digits_and_are_canonical(ddb: Any, table: str) -> None:
    big = "1234567890123456789012345678901234567.8"
    ddb.put_item(TableName=table, Item={"pk": {"S": "n"}, "big": {"N": big}, "pad": {"N": "001.500"}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "n"}})["Item"]
    assert got["big"]["N"] == big
    assert got["pad"]["N"] == "1.5"
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=table, Item={"pk": {"S": "n"}, "x": {"N": "1" * 39}})
    assert error_of(excinfo) == ("ValidationException",
                                 "Attempting to store more than 38 significant digits in a Number")


def test_key_rules(ddb: Any, table: str) -> None:
    cases = [
        ({"other": {"S": "x"}}, "Missing the key pk in the item"),
        ({"pk": {"N": "1"}}, "Type mismatch for key pk expected: S actual: N"),
        ({"pk": {"S": ""}}, "The AttributeValue for a key attribute cannot contain an empty string value"),
    ]
    for item, message in cases:
        with pytest.raises(ClientError) as excinfo:
            ddb.put_item(TableName=table, Item=item)
        code, text = error_of(excinfo)
        assert code == "ValidationException" and message in text
    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(TableName=table, Key={"pk": {"S": "a"}, "extra": {"S": "b"}})
    assert error_of(excinfo) == ("ValidationException", "The provided key element does not match the schema")


def test_item_size_limit(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "big"}, "v": {"S": "x" * (400 * 1024 - 100)}})
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=table, Item={"pk": {"S": "big"}, "v": {"S": "x" * (400 * 1024)}})
    assert error_of(excinfo) == ("ValidationException", "Item size has exceeded the maximum allowed size")
    assert len(ddb.get_item(TableName=table, Key={"pk": {"S": "big"}})["Item"]["v"]["S"]) == 400 * 1024 - 100


def test_duplicate_set_members_and_empty_sets(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=table, Item={"pk": {"S": "s"}, "tags": {"SS": ["a", "a"]}})
    assert error_of(excinfo)[0] == "ValidationException"
    assert "contains duplicates" in error_of(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=table, Item={"pk": {"S": "s"}, "tags": {"SS": []}})
    assert error_of(excinfo)[0] == "ValidationException"


def test_conditional_put_and_return_values_on_failure(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "c"}, "v": {"N": "1"}},
                 ConditionExpression="attribute_not_exists(pk)")
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=table, Item={"pk": {"S": "c"}, "v": {"N": "2"}},
                     ConditionExpression="attribute_not_exists(pk)",
                     ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert error_of(excinfo) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert excinfo.value.response["Item"] == {"pk": {"S": "c"}, "v": {"N": "1"}}
    old = ddb.put_item(TableName=table, Item={"pk": {"S": "c"}, "v": {"N": "3"}}, ReturnValues="ALL_OLD",
                       ConditionExpression="v = :one", ExpressionAttributeValues={":one": {"N": "1"}})
    assert old["Attributes"]["v"] == {"N": "1"}


def test_update_expression_set_remove_add_delete(ddb: Any, table: str) -> None:
    key = {"pk": {"S": "u"}}
    ddb.put_item(TableName=table, Item={**key, "count": {"N": "1"}, "tags": {"SS": ["a", "b"]},
                                         "gone": {"S": "x"}, "items": {"L": [{"N": "1"}]}})
    result = ddb.update_item(
        TableName=table, Key=key,
        UpdateExpression="SET #c = #c + :inc, #i = list_append(#i, :more), fresh = if_not_exists(fresh, :f) "
                         "REMOVE gone ADD visits :one DELETE tags :a",
        ExpressionAttributeNames={"#c": "count", "#i": "items"},
        ExpressionAttributeValues={":inc": {"N": "5"}, ":more": {"L": [{"N": "2"}]}, ":f": {"S": "new"},
                                   ":one": {"N": "1"}, ":a": {"SS": ["a"]}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert result["count"] == {"N": "6"}
    assert result["items"] == {"L": [{"N": "1"}, {"N": "2"}]}
    assert result["fresh"] == {"S": "new"}
    assert result["visits"] == {"N": "1"}
    assert result["tags"] == {"SS": ["b"]}
    assert "gone" not in result


def test_update_creates_item_and_updated_new(ddb: Any, table: str) -> None:
    result = ddb.update_item(TableName=table, Key={"pk": {"S": "new"}}, UpdateExpression="SET a = :a, b = :b",
                             ExpressionAttributeValues={":a": {"N": "1"}, ":b": {"S": "x"}},
                             ReturnValues="UPDATED_NEW")
    assert result["Attributes"] == {"a": {"N": "1"}, "b": {"S": "x"}}
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "new"}})["Item"] == {
        "pk": {"S": "new"}, "a": {"N": "1"}, "b": {"S": "x"}}


def test_update_key_attribute_is_refused(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(TableName=table, Key={"pk": {"S": "k"}}, UpdateExpression="SET pk = :v",
                        ExpressionAttributeValues={":v": {"S": "other"}})
    code, message = error_of(excinfo)
    assert code == "ValidationException" and "This attribute is part of the key" in message


def test_expression_errors(ddb: Any, table: str) -> None:
    cases = [
        ({"UpdateExpression": "SET name = :v", "ExpressionAttributeValues": {":v": {"S": "x"}}},
         "Attribute name is a reserved keyword; reserved keyword: name"),
        ({"UpdateExpression": "SET a = :v", "ExpressionAttributeValues": {":v": {"S": "x"}, ":unused": {"S": "y"}}},
         "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"),
        ({"UpdateExpression": "SET a = :missing"}, "An expression attribute value used in expression is not defined"),
        ({"UpdateExpression": "SETT a = :v", "ExpressionAttributeValues": {":v": {"S": "x"}}},
         "Invalid UpdateExpression: Syntax error"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ClientError) as excinfo:
            ddb.update_item(TableName=table, Key={"pk": {"S": "e"}}, **kwargs)
        code, text = error_of(excinfo)
        assert code == "ValidationException", text
        assert message in text


def test_delete_with_condition_and_all_old(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "d"}, "state": {"S": "open"}})
    with pytest.raises(ClientError):
        ddb.delete_item(TableName=table, Key={"pk": {"S": "d"}}, ConditionExpression="#s = :closed",
                        ExpressionAttributeNames={"#s": "state"},
                        ExpressionAttributeValues={":closed": {"S": "closed"}})
    old = ddb.delete_item(TableName=table, Key={"pk": {"S": "d"}}, ReturnValues="ALL_OLD")
    assert old["Attributes"] == {"pk": {"S": "d"}, "state": {"S": "open"}}
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "d"}})


def test_projection_of_nested_paths(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "a": {"M": {"b": {"S": "keep"}, "c": {"S": "drop"}}},
                                         "l": {"L": [{"S": "zero"}, {"S": "one"}]}, "other": {"S": "x"}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "p"}}, ProjectionExpression="a.b, l[1], #o",
                       ExpressionAttributeNames={"#o": "other"})["Item"]
    assert got == {"a": {"M": {"b": {"S": "keep"}}}, "l": {"L": [{"S": "one"}]}, "other": {"S": "x"}}


def test_legacy_parameters(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "L"}, "v": {"N": "1"}},
                 Expected={"pk": {"Exists": False}})
    ddb.update_item(TableName=table, Key={"pk": {"S": "L"}},
                    AttributeUpdates={"v": {"Action": "ADD", "Value": {"N": "2"}}},
                    Expected={"v": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "L"}}, AttributesToGet=["v"])["Item"]
    assert got == {"v": {"N": "3"}}
    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(TableName=table, Key={"pk": {"S": "L"}}, AttributesToGet=["v"], ProjectionExpression="v")
    assert "Can not use both expression and non-expression parameters" in error_of(excinfo)[1]


def test_missing_table(ddb: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(TableName="no-such-table", Key={"pk": {"S": "x"}})
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_return_consumed_capacity(ddb: Any, table: str) -> None:
    result = ddb.put_item(TableName=table, Item={"pk": {"S": "cap"}, "v": {"S": "x" * 3000}},
                          ReturnConsumedCapacity="TOTAL")
    assert result["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 3.0}
