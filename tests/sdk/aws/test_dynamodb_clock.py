"""DynamoDB behaviour that follows the server clock (TTL, point-in-time recovery), on a server of
this module's own: these tests move its clock by hours and days."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ServerProcess, client_factory


@pytest.fixture
def server(private_server: ServerProcess) -> ServerProcess:
    return private_server


@pytest.fixture
def ddb(private_server: ServerProcess) -> Any:
    return client_factory(private_server)("dynamodb")


def test_ttl_expiry_by_moving_the_clock(ddb: Any, make_table: Any, server: ServerProcess) -> None:
    name = make_table()
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    now = int(server.get("/_cloudtwin/clock")["now"])
    ddb.put_item(TableName=name, Item={"pk": {"S": "soon"}, "expires": {"N": str(now + 3600)}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "later"}, "expires": {"N": str(now + 30 * 86400)}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "never"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "not-a-number"}, "expires": {"S": "soon"}})
    server.advance_clock("2h")
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "soon"}})
    assert "Item" in ddb.get_item(TableName=name, Key={"pk": {"S": "later"}})
    server.advance_clock("31d")
    remaining = sorted(i["pk"]["S"] for i in ddb.scan(TableName=name)["Items"])
    assert remaining == ["never", "not-a-number"]


def test_point_in_time_recovery(ddb: Any, make_table: Any, unique_name: str, server: ServerProcess) -> None:
    name = make_table()
    with pytest.raises(ClientError) as excinfo:
        ddb.restore_table_to_point_in_time(SourceTableName=name, TargetTableName=f"{unique_name}-x",
                                           UseLatestRestorableTime=True)
    assert excinfo.value.response["Error"]["Code"] == "PointInTimeRecoveryUnavailableException"
    ddb.update_continuous_backups(TableName=name,
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    status = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert status["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}, "v": {"N": "1"}})
    server.advance_clock("1h")
    good = datetime.fromtimestamp(server.get("/_cloudtwin/clock")["now"], timezone.utc)
    server.advance_clock("1h")
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "2"}})
    ddb.delete_item(TableName=name, Key={"pk": {"S": "b"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "c"}, "v": {"N": "3"}})
    target = f"{unique_name}-pitr"
    ddb.restore_table_to_point_in_time(SourceTableName=name, TargetTableName=target, RestoreDateTime=good)
    items = {i["pk"]["S"]: i["v"]["N"] for i in ddb.scan(TableName=target)["Items"]}
    assert items == {"a": "1", "b": "1"}
    latest = ddb.restore_table_to_point_in_time(SourceTableName=name, TargetTableName=f"{target}-now",
                                                UseLatestRestorableTime=True)
    assert latest["TableDescription"]["ItemCount"] == 2
