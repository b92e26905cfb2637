"""Durability and time: acknowledged writes survive kill -9; TTL expiry follows the clock."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from tests.conftest import ServerProcess


def client(server: ServerProcess) -> Any:
    return boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                        config=Config(retries={"max_attempts": 0}, connect_timeout=2, read_timeout=5))


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data").start()
    try:
        ddb = client(server)
        ddb.create_table(TableName="crash", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        acknowledged: list[str] = []
        stop = threading.Event()

        def writer(worker: int) -> None:
            own = client(server)
            for i in range(100_000):
                if stop.is_set():
                    return
                key = f"w{worker}-{i}"
                try:
                    own.put_item(TableName="crash", Item={"pk": {"S": key}, "payload": {"S": "x" * 200}})
                except Exception:
                    return
                acknowledged.append(key)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        while len(acknowledged) < 400:
            threading.Event().wait(0.01)
        server.kill()
        stop.set()
        for thread in threads:
            thread.join()
        server.start()
        ddb = client(server)
        for key in acknowledged:
            item = ddb.get_item(TableName="crash", Key={"pk": {"S": key}})["Item"]
            assert item["payload"]["S"] == "x" * 200
        assert ddb.describe_table(TableName="crash")["Table"]["ItemCount"] >= len(acknowledged)
    finally:
        server.stop()


def test_reset_forgets_tables(aws: Any, server: ServerProcess) -> None:
    private = aws("dynamodb", aws_access_key_id="999999999999", aws_secret_access_key="x")
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
