"""DynamoDB backups, point-in-time recovery, resource policies and contributor insights."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError



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
