"""DynamoDB backups, point-in-time recovery, resource policies and contributor insights."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ServerProcess


def codes(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_backup_and_restore(ddb: Any, make_table: Any, unique_name: str) -> None:
    name = make_table(range=("sk", "N"), extra_attributes={"g": "S"}, GlobalSecondaryIndexes=[{
        "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}])
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": str(i)}, "g": {"S": "x"}})
    details = ddb.create_backup(TableName=name, BackupName="nightly")["BackupDetails"]
    assert details["BackupStatus"] == "AVAILABLE" and details["BackupName"] == "nightly"
    ddb.delete_item(TableName=name, Key={"pk": {"S": "p"}, "sk": {"N": "0"}})
    restored = f"{unique_name}-restored"
    description = ddb.restore_table_from_backup(TargetTableName=restored, BackupArn=details["BackupArn"])
    assert description["TableDescription"]["RestoreSummary"]["SourceBackupArn"] == details["BackupArn"]
    assert ddb.scan(TableName=restored)["Count"] == 5
    by_index = ddb.query(TableName=restored, IndexName="by-g", KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": {"S": "x"}})
    assert by_index["Count"] == 5
    assert ddb.scan(TableName=name)["Count"] == 4
    listed = ddb.list_backups(TableName=name)["BackupSummaries"]
    assert [b["BackupArn"] for b in listed] == [details["BackupArn"]]
    described = ddb.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"]
    assert described["SourceTableDetails"]["ItemCount"] == 5
    with pytest.raises(ClientError) as excinfo:
        ddb.restore_table_from_backup(TargetTableName=restored, BackupArn=details["BackupArn"])
    assert codes(excinfo) == "TableAlreadyExistsException"
    ddb.delete_backup(BackupArn=details["BackupArn"])
    with pytest.raises(ClientError) as excinfo:
        ddb.describe_backup(BackupArn=details["BackupArn"])
    assert codes(excinfo) == "BackupNotFoundException"


def test_point_in_time_recovery(ddb: Any, make_table: Any, unique_name: str, server: ServerProcess) -> None:
    name = make_table()
    with pytest.raises(ClientError) as excinfo:
        ddb.restore_table_to_point_in_time(SourceTableName=name, TargetTableName=f"{unique_name}-x",
                                           UseLatestRestorableTime=True)
    assert codes(excinfo) == "PointInTimeRecoveryUnavailableException"
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


def test_resource_policy(ddb: Any, make_table: Any) -> None:
    arn = ddb.describe_table(TableName=make_table())["Table"]["TableArn"]
    with pytest.raises(ClientError) as excinfo:
        ddb.get_resource_policy(ResourceArn=arn)
    assert codes(excinfo) == "PolicyNotFoundException"
    policy = '{"Version":"2012-10-17","Statement":[]}'
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=policy)["RevisionId"]
    stored = ddb.get_resource_policy(ResourceArn=arn)
    assert (stored["Policy"], stored["RevisionId"]) == (policy, revision)
    with pytest.raises(ClientError) as excinfo:
        ddb.put_resource_policy(ResourceArn=arn, Policy=policy, ExpectedRevisionId="stale")
    assert codes(excinfo) == "PolicyNotFoundException"
    assert ddb.delete_resource_policy(ResourceArn=arn)["RevisionId"] == revision


def test_contributor_insights(ddb: Any, make_table: Any) -> None:
    name = make_table()
    assert ddb.describe_contributor_insights(TableName=name)["ContributorInsightsStatus"] == "DISABLED"
    ddb.update_contributor_insights(TableName=name, ContributorInsightsAction="ENABLE")
    assert ddb.describe_contributor_insights(TableName=name)["ContributorInsightsStatus"] == "ENABLED"
    summaries = ddb.list_contributor_insights(TableName=name)["ContributorInsightsSummaries"]
    assert summaries == [{"TableName": name, "ContributorInsightsStatus": "ENABLED"}]
