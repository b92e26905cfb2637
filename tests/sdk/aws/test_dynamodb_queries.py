"""DynamoDB Query and Scan through boto3: key conditions, filters, paging, indexes, Select."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def trips(ddb: Any, make_table: Any) -> str:
    """A rider's trips: pk=rider, sk=at (number); GSI by city (sparse), LSI by fare."""
    name = make_table(
        hash=("rider", "S"), range=("at", "N"), extra_attributes={"city": "S", "fare": "N"},
        GlobalSecondaryIndexes=[{"IndexName": "by-city", "KeySchema": [
            {"AttributeName": "city", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        LocalSecondaryIndexes=[{"IndexName": "by-fare", "KeySchema": [
            {"AttributeName": "rider", "KeyType": "HASH"}, {"AttributeName": "fare", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["status"]}}],
    )
    with_ddb = ddb
    for at in range(100):
        item = {"rider": {"S": "ana"}, "at": {"N": str(at)}, "fare": {"N": str(100 - at)},
                "status": {"S": "done" if at % 3 else "cancelled"}, "note": {"S": "n" * 10}}
        if at % 10 == 0:
            item["city"] = {"S": "lisbon"}
        with_ddb.put_item(TableName=name, Item=item)
    with_ddb.put_item(TableName=name, Item={"rider": {"S": "bo"}, "at": {"N": "-5"}, "fare": {"N": "1"}})
    return name


def ats(items: list[dict[str, Any]]) -> list[int]:
    return [int(i["at"]["N"]) for i in items]


def test_query_range_operators(ddb: Any, trips: str) -> None:
    def q(expression: str, **values: dict[str, str]) -> list[int]:
        names = {"#at": "at"} if "#at" in expression else None
        return ats(ddb.query(TableName=trips, KeyConditionExpression=expression, **({"ExpressionAttributeNames": names} if names else {}),
                             ExpressionAttributeValues={":r": {"S": "ana"}, **values})["Items"])

    assert q("rider = :r AND #at BETWEEN :a AND :b", **{":a": {"N": "10"}, ":b": {"N": "12"}}) \
        == [10, 11, 12]
    assert q("rider = :r AND #at < :a", **{":a": {"N": "3"}}) == [0, 1, 2]
    assert q("rider = :r AND #at >= :a", **{":a": {"N": "98"}}) == [98, 99]
    assert q("rider = :r AND #at = :a", **{":a": {"N": "7"}}) == [7]
    assert len(q("rider = :r")) == 100


def test_query_backwards_limit_and_pages(ddb: Any, trips: str) -> None:
    seen: list[int] = []
    kwargs: dict[str, Any] = {"TableName": trips, "KeyConditionExpression": "rider = :r",
                              "ExpressionAttributeValues": {":r": {"S": "ana"}}, "ScanIndexForward": False,
                              "Limit": 30}
    pages = 0
    while True:
        page = ddb.query(**kwargs)
        pages += 1
        seen.extend(ats(page["Items"]))
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert seen == list(range(99, -1, -1))
    assert pages == 4


def test_query_filter_counts_before_and_after(ddb: Any, trips: str) -> None:
    page = ddb.query(TableName=trips, KeyConditionExpression="rider = :r", FilterExpression="#s = :c",
                     ExpressionAttributeNames={"#s": "status"},
                     ExpressionAttributeValues={":r": {"S": "ana"}, ":c": {"S": "cancelled"}}, Limit=10)
    assert page["ScannedCount"] == 10
    assert ats(page["Items"]) == [0, 3, 6, 9]
    assert page["Count"] == 4


def test_select_count(ddb: Any, trips: str) -> None:
    page = ddb.query(TableName=trips, KeyConditionExpression="rider = :r",
                     ExpressionAttributeValues={":r": {"S": "ana"}}, Select="COUNT")
    assert page["Count"] == 100 and "Items" not in page


def test_describe_table_counts_index_items(ddb: Any, trips: str) -> None:
    table = ddb.describe_table(TableName=trips)["Table"]
    assert table["ItemCount"] == 101
    assert [(i["IndexName"], i["ItemCount"]) for i in table["GlobalSecondaryIndexes"]] == [("by-city", 10)]
    assert [(i["IndexName"], i["ItemCount"]) for i in table["LocalSecondaryIndexes"]] == [("by-fare", 101)]
    assert 0 < table["GlobalSecondaryIndexes"][0]["IndexSizeBytes"] < table["TableSizeBytes"]


def test_sparse_gsi_keys_only(ddb: Any, trips: str) -> None:
    page = ddb.query(TableName=trips, IndexName="by-city", KeyConditionExpression="city = :c",
                     ExpressionAttributeValues={":c": {"S": "lisbon"}})
    assert ats(page["Items"]) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    assert set(page["Items"][0]) == {"rider", "at", "city"}
    with pytest.raises(ClientError) as excinfo:
        ddb.query(TableName=trips, IndexName="by-city", KeyConditionExpression="city = :c", ConsistentRead=True,
                  ExpressionAttributeValues={":c": {"S": "lisbon"}})
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"


def test_lsi_orders_by_its_sort_key_and_projects(ddb: Any, trips: str) -> None:
    page = ddb.query(TableName=trips, IndexName="by-fare", KeyConditionExpression="rider = :r AND fare <= :f",
                     ExpressionAttributeValues={":r": {"S": "ana"}, ":f": {"N": "3"}})
    assert [int(i["fare"]["N"]) for i in page["Items"]] == [1, 2, 3]
    assert set(page["Items"][0]) == {"rider", "at", "fare", "status"}


def test_begins_with_on_strings(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "S"))
    for sk in ["order#1", "order#2", "orders", "profile", "order"]:
        ddb.put_item(TableName=name, Item={"pk": {"S": "u"}, "sk": {"S": sk}})
    page = ddb.query(TableName=name, KeyConditionExpression="pk = :p AND begins_with(sk, :o)",
                     ExpressionAttributeValues={":p": {"S": "u"}, ":o": {"S": "order#"}})
    assert [i["sk"]["S"] for i in page["Items"]] == ["order#1", "order#2"]


def test_key_condition_errors(ddb: Any, trips: str) -> None:
    cases = [
        ("rider = :r OR #at = :a", "Invalid operator used in KeyConditionExpression: OR"),
        ("fare = :a", "Query condition missed key schema element"),
    ]
    for expression, message in cases:
        values = {":a": {"N": "1"}} if ":r" not in expression else {":r": {"S": "ana"}, ":a": {"N": "1"}}
        names = {"ExpressionAttributeNames": {"#at": "at"}} if "#at" in expression else {}
        with pytest.raises(ClientError) as excinfo:
            ddb.query(TableName=trips, KeyConditionExpression=expression, ExpressionAttributeValues=values, **names)
        assert excinfo.value.response["Error"]["Code"] == "ValidationException"
        assert message in excinfo.value.response["Error"]["Message"]


def test_scan_pages_filter_and_parallel_segments(ddb: Any, trips: str) -> None:
    everything = []
    for page in ddb.get_paginator("scan").paginate(TableName=trips, PaginationConfig={"PageSize": 17}):
        everything.extend(page["Items"])
    assert len(everything) == 101
    segments = [ddb.scan(TableName=trips, Segment=s, TotalSegments=4)["Items"] for s in range(4)]
    keys = sorted((i["rider"]["S"], int(i["at"]["N"])) for seg in segments for i in seg)
    assert keys == sorted((i["rider"]["S"], int(i["at"]["N"])) for i in everything)
    filtered = ddb.scan(TableName=trips, FilterExpression="fare > :f AND attribute_exists(city)",
                        ExpressionAttributeValues={":f": {"N": "50"}})
    assert sorted(ats(filtered["Items"])) == [0, 10, 20, 30, 40]
    with pytest.raises(ClientError) as excinfo:
        ddb.scan(TableName=trips, Segment=4, TotalSegments=4)
    assert "must be less than parameter TotalSegments" in excinfo.value.response["Error"]["Message"]


def test_one_megabyte_page_limit(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "N"))
    blob = "x" * (100 * 1024)
    for i in range(15):
        ddb.put_item(TableName=name, Item={"pk": {"S": "big"}, "sk": {"N": str(i)}, "v": {"S": blob}})
    first = ddb.query(TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "big"}})
    assert 9 <= first["Count"] <= 11
    assert "LastEvaluatedKey" in first
    rest = ddb.query(TableName=name, KeyConditionExpression="pk = :p", ExclusiveStartKey=first["LastEvaluatedKey"],
                     ExpressionAttributeValues={":p": {"S": "big"}})
    assert first["Count"] + rest["Count"] == 15


def test_legacy_key_conditions_and_query_filter(ddb: Any, trips: str) -> None:
    page = ddb.query(TableName=trips, KeyConditions={
        "rider": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "ana"}]},
        "at": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "6"}]}},
        QueryFilter={"status": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "cancelled"}]}})
    assert ats(page["Items"]) == [0, 3]
