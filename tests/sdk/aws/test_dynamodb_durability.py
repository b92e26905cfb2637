"""Durability and time: acknowledged writes survive kill -9; TTL expiry follows the clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import ServerProcess, client_factory, kill_under_load, raw_client


def put(ddb: Any, tag: str) -> str:
    ddb.put_item(TableName="crash", Item={"pk": {"S": tag}, "payload": {"S": "x" * 200}})
    return tag


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data").start()
    try:
        raw_client(server, "dynamodb").create_table(
            TableName="crash", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        acknowledged = kill_under_load(server, "dynamodb", put, at_least=400)
        server.start()
        ddb = raw_client(server, "dynamodb")
        for key in acknowledged:
            item = ddb.get_item(TableName="crash", Key={"pk": {"S": key}})["Item"]
            assert item["payload"]["S"] == "x" * 200
        assert ddb.describe_table(TableName="crash")["Table"]["ItemCount"] >= len(acknowledged)
    finally:
        server.stop()


def test_reset_forgets_tables(private_server: ServerProcess) -> None:
    server = private_server
    private = client_factory(server)("dynamodb", aws_access_key_id="999999999999", aws_secret_access_key="x")
    private.create_table(TableName="to-forget", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
    assert "to-forget" in private.list_tables()["TableNames"]
    assert server.post("/_cloudtwin/reset?service=dynamodb") == {"reset": ["dynamodb"]}
    assert private.list_tables()["TableNames"] == []


def test_clock_never_goes_backwards(server: ServerProcess) -> None:
    import urllib.error

    import pytest

    before = server.get("/_cloudtwin/clock")["now"]
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        server.post("/_cloudtwin/clock", {"set": before - 100})
    assert excinfo.value.code == 400
    assert server.get("/_cloudtwin/clock")["now"] >= before
