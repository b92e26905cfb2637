"""The AWS CLI against cloudtwin: the trip-tracking scenario, command by command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import pytest

from tests.conftest import ServerProcess

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is a test dependency (awscli)")


def aws_cli(server: ServerProcess, *args: str) -> Any:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": ""}
    result = subprocess.run(["aws", "--endpoint-url", server.endpoint, "--output", "json", *args],
                            capture_output=True, text=True, env=env, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr}")
    return json.loads(result.stdout) if result.stdout.strip() else None


def test_trip_tracking_with_the_cli(server: ServerProcess, unique_name: str) -> None:
    table = unique_name
    aws_cli(server, "dynamodb", "create-table", "--table-name", table, "--billing-mode", "PAY_PER_REQUEST",
            "--attribute-definitions", "AttributeName=rider,AttributeType=S", "AttributeName=at,AttributeType=N",
            "--key-schema", "AttributeName=rider,KeyType=HASH", "AttributeName=at,KeyType=RANGE")
    aws_cli(server, "dynamodb", "wait", "table-exists", "--table-name", table)
    for at in (100, 200, 300):
        aws_cli(server, "dynamodb", "put-item", "--table-name", table, "--item",
                json.dumps({"rider": {"S": "r1"}, "at": {"N": str(at)}, "lat": {"N": "51.5"}}))
    got = aws_cli(server, "dynamodb", "get-item", "--table-name", table, "--key",
                  json.dumps({"rider": {"S": "r1"}, "at": {"N": "200"}}))
    assert got["Item"]["lat"] == {"N": "51.5"}
    updated = aws_cli(server, "dynamodb", "update-item", "--table-name", table, "--key",
                      json.dumps({"rider": {"S": "r1"}, "at": {"N": "200"}}), "--update-expression",
                      "SET #s = :s", "--expression-attribute-names", '{"#s": "status"}',
                      "--expression-attribute-values", '{":s": {"S": "arrived"}}', "--return-values", "ALL_NEW")
    assert updated["Attributes"]["status"] == {"S": "arrived"}
    found = aws_cli(server, "dynamodb", "query", "--table-name", table, "--key-condition-expression",
                    "rider = :r AND #a > :t", "--expression-attribute-names", '{"#a": "at"}',
                    "--expression-attribute-values", '{":r": {"S": "r1"}, ":t": {"N": "150"}}')
    assert [i["at"]["N"] for i in found["Items"]] == ["200", "300"]
    scanned = aws_cli(server, "dynamodb", "scan", "--table-name", table, "--page-size", "1")
    assert scanned["Count"] == 3
    aws_cli(server, "dynamodb", "batch-write-item", "--request-items", json.dumps(
        {table: [{"DeleteRequest": {"Key": {"rider": {"S": "r1"}, "at": {"N": "100"}}}}]}))
    aws_cli(server, "dynamodb", "transact-write-items", "--transact-items", json.dumps(
        [{"Delete": {"TableName": table, "Key": {"rider": {"S": "r1"}, "at": {"N": "300"}}}}]))
    aws_cli(server, "dynamodb", "delete-item", "--table-name", table, "--key",
            json.dumps({"rider": {"S": "r1"}, "at": {"N": "200"}}))
    assert aws_cli(server, "dynamodb", "scan", "--table-name", table)["Count"] == 0
    aws_cli(server, "dynamodb", "update-time-to-live", "--table-name", table, "--time-to-live-specification",
            "Enabled=true,AttributeName=expires")
    ttl = aws_cli(server, "dynamodb", "describe-time-to-live", "--table-name", table)
    assert ttl["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"
    assert table in aws_cli(server, "dynamodb", "list-tables")["TableNames"]
    aws_cli(server, "dynamodb", "delete-table", "--table-name", table)
    assert table not in aws_cli(server, "dynamodb", "list-tables")["TableNames"]
