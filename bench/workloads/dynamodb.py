"""DynamoDB: PutItem, GetItem, Query on a 100-item partition, BatchWriteItem of 25 items.

Items look like a small record of an application (about 330 bytes as JSON): a string key and
sort key, a few scalars, a string set and a map.
"""

from __future__ import annotations

import json
import os
import random

from harness import Request
from workloads import Op, Scale

SERVICE = "dynamodb"
TABLE = "bench"
GET_KEYS = 1000  # items seeded for GetItem
QUERY_PK = "query-partition"
QUERY_ITEMS = 100
NONCE = os.urandom(4).hex()  # PutItem/BatchWriteItem keys differ between runs and repeats


def _call(operation: str, params: dict) -> Request:
    return Request(
        "POST",
        "/",
        {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"DynamoDB_20120810.{operation}",
        },
        json.dumps(params, separators=(",", ":")).encode(),
    )


def item(pk: str, sk: str, n: int) -> dict:
    return {
        "pk": {"S": pk},
        "sk": {"S": sk},
        "name": {"S": f"user-{n:08d}@example.com"},
        "count": {"N": str(n)},
        "score": {"N": f"{n % 997}.{n % 13:02d}"},
        "active": {"BOOL": n % 2 == 0},
        "tags": {"SS": ["alpha", "beta", f"t{n % 7}"]},
        "address": {
            "M": {
                "city": {"S": "Lisbon"},
                "zip": {"S": f"{1000 + n % 9000}"},
                "lines": {"L": [{"S": "Rua Augusta"}, {"N": str(n % 300)}]},
            }
        },
    }


def _create(client, name: str) -> None:
    if name not in client.list_tables().get("TableNames", []):
        client.create_table(
            TableName=name,
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    client.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300}
    )


def probe() -> Request:
    return _call("ListTables", {})


def setup(client) -> None:
    """Create the table (once) and seed the GetItem keys and the Query partition."""
    _create(client, TABLE)
    seed = [item(f"get-{i:06d}", "0", i) for i in range(GET_KEYS)]
    seed += [item(QUERY_PK, f"{i:04d}", i) for i in range(QUERY_ITEMS)]
    for start in range(0, len(seed), 25):
        batch = [{"PutRequest": {"Item": it}} for it in seed[start : start + 25]]
        pending = {TABLE: batch}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems")


def _put(i: int) -> Request:
    return _call("PutItem", {"TableName": TABLE, "Item": item(f"put-{NONCE}-{i:07d}", "0", i)})


def _get(i: int) -> Request:
    key = {"pk": {"S": f"get-{i % GET_KEYS:06d}"}, "sk": {"S": "0"}}
    return _call("GetItem", {"TableName": TABLE, "Key": key})


def _query(i: int) -> Request:
    return _call(
        "Query",
        {
            "TableName": TABLE,
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": {"S": QUERY_PK}},
        },
    )


def _batch(i: int) -> Request:
    puts = [
        {"PutRequest": {"Item": item(f"batch-{NONCE}-{i:06d}-{j:02d}", "0", i * 25 + j)}}
        for j in range(25)
    ]
    return _call("BatchWriteItem", {"RequestItems": {TABLE: puts}})


def _check_get(body: bytes) -> str | None:
    got = json.loads(body).get("Item")
    return None if got and got.get("address") else f"GetItem found no item: {body[:200]!r}"


def _check_query(body: bytes) -> str | None:
    data = json.loads(body)
    if data.get("Count") != QUERY_ITEMS or len(data.get("Items", [])) != QUERY_ITEMS:
        return f"Query returned {data.get('Count')} items, expected {QUERY_ITEMS}"
    return None


def _check_batch(body: bytes) -> str | None:
    left = json.loads(body).get("UnprocessedItems")
    return f"BatchWriteItem left items unprocessed: {left}" if left else None


OPS = [
    Op("PutItem", _put),
    Op("GetItem", _get, distinct=GET_KEYS, check=_check_get),
    Op("Query", _query, distinct=1, check=_check_query),
    Op("BatchWriteItem", _batch, distinct=4000, check=_check_batch),
]


# ---------------------------------------------------------------- scale: GetItem vs table size

SCALE_TABLE = "scale"


def _scale_batch(i: int) -> Request:
    puts = [{"PutRequest": {"Item": item(f"s-{i * 25 + j:09d}", "0", i * 25 + j)}}
            for j in range(25)]
    return _call("BatchWriteItem", {"RequestItems": {SCALE_TABLE: puts}})


def _scale_read_for(n: int):
    rng = random.Random(n)
    keys = [rng.randrange(n) for _ in range(20000)]

    def make(i: int) -> Request:
        key = {"pk": {"S": f"s-{keys[i % len(keys)]:09d}"}, "sk": {"S": "0"}}
        return _call("GetItem", {"TableName": SCALE_TABLE, "Key": key})

    return make


SCALE = Scale(
    setup=lambda client: _create(client, SCALE_TABLE),
    batch=_scale_batch,
    per_batch=25,
    read_name="GetItem",
    read_for=_scale_read_for,
    read_check=_check_get,
    batch_check=_check_batch,
)
