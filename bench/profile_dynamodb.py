"""Profile cloudtwin's DynamoDB hot path in-process (see inprocess.py): µs of server CPU per
operation, without the HTTP server, so the application's own cost can be told apart.

    python bench/profile_dynamodb.py                  # µs of CPU per op for each case (best of 3)
    python bench/profile_dynamodb.py put              # ... then cProfile of one case
    python bench/profile_dynamodb.py --ephemeral get  # the in-memory store instead of SQLite WAL

Items are the benchmark's own (workloads/dynamodb.py), so the numbers compare with run.py's.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from cloudtwin.config import Settings
from cloudtwin.server.app import build_app

from inprocess import best_of_three, drive, profile
from workloads.dynamodb import item

AUTH = (b"AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
        b"SignedHeaders=host;x-amz-date;x-amz-target, Signature=abcdef0123456789")
ROUNDS = {"limits": 3000, "put": 2000, "get": 3000, "query": 200}


def scope(operation: str) -> dict[str, Any]:
    headers = [(b"host", b"localhost:4566"), (b"x-amz-target", f"DynamoDB_20120810.{operation}".encode()),
               (b"content-type", b"application/x-amz-json-1.0"), (b"authorization", AUTH),
               (b"x-amz-date", b"20260101T000000Z"), (b"user-agent", b"Boto3/1.43 md/Botocore#1.43")]
    return {"type": "http", "method": "POST", "path": "/", "raw_path": b"/", "query_string": b"",
            "client": ("127.0.0.1", 5000), "headers": headers}


async def call(app: Any, operation: str, params: dict[str, Any]) -> None:
    sent = await drive(app, scope(operation), json.dumps(params).encode())
    assert sent[0]["status"] == 200, sent


def cases(app: Any) -> dict[str, Any]:
    counter = itertools.count()
    return {
        "limits": lambda: call(app, "DescribeLimits", {}),
        "put": lambda: call(app, "PutItem", {"TableName": "bench", "Item": item(f"put-{next(counter)}", "0", 7)}),
        "get": lambda: call(app, "GetItem", {"TableName": "bench", "Key": {"pk": {"S": "q"}, "sk": {"S": "0042"}}}),
        "query": lambda: call(app, "Query", {"TableName": "bench", "KeyConditionExpression": "pk = :p",
                                             "ExpressionAttributeValues": {":p": {"S": "q"}}}),
    }


async def main(argv: list[str]) -> None:
    ephemeral = "--ephemeral" in argv
    argv = [a for a in argv if a != "--ephemeral"]
    app = build_app(Settings(data_dir=Path(tempfile.mkdtemp()), ephemeral=ephemeral))
    await call(app, "CreateTable", {
        "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "S"}]})
    for i in range(100):  # the Query partition, as in the benchmark
        await call(app, "PutItem", {"TableName": "bench", "Item": item("q", f"{i:04d}", i)})
    known = cases(app)
    for name, run in known.items():
        print(f"{name}: {await best_of_three(run, ROUNDS[name]) * 1e6:.1f} us/op")
    if argv:
        await profile(known[argv[0]], ROUNDS[argv[0]])


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
