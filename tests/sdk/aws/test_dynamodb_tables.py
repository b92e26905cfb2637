"""DynamoDB table operations through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_describe_delete(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "N"))
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                  {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TableArn"] == f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}"
    assert table["ItemCount"] == 0
    ddb.get_waiter("table_exists").wait(TableName=name)
    assert ddb.delete_table(TableName=name)["TableDescription"]["TableStatus"] == "DELETING"
    with pytest.raises(ClientError) as excinfo:
        ddb.describe_table(TableName=name)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_create_twice_is_resource_in_use(ddb: Any, make_table: Any) -> None:
    name = make_table()
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
    assert error_of(excinfo) == ("ResourceInUseException", f"Table already exists: {name}")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"TableName": "ab"}, "Member must have length greater than or equal to 3"),
        ({"TableName": "bad name!"}, "Member must satisfy regular expression pattern"),
        ({"AttributeDefinitions": [{"AttributeName": "other", "AttributeType": "S"}]},
         "Some index key attributes are not defined in AttributeDefinitions"),
        ({"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                   {"AttributeName": "unused", "AttributeType": "S"}]},
         "Number of attributes in KeySchema does not exactly match number of attributes defined"),
        ({"BillingMode": "PROVISIONED"}, "ReadCapacityUnits and WriteCapacityUnits must both be specified"),
    ],
)
def test_create_table_validation(ddb: Any, unique_name: str, kwargs: dict[str, Any], message: str) -> None:
    request = {"TableName": unique_name, "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
               "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
               "BillingMode": "PAY_PER_REQUEST"}
    request.update(kwargs)
    if kwargs.get("BillingMode") == "PROVISIONED":
        request.pop("ProvisionedThroughput", None)
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(**request)
    code, text = error_of(excinfo)
    assert code == "ValidationException"
    assert message in text


def test_list_tables_pages(ddb: Any, make_table: Any) -> None:
    names = sorted(make_table() for _ in range(5))
    seen: list[str] = []
    kwargs: dict[str, Any] = {"Limit": 2, "ExclusiveStartTableName": names[0][:-1]}
    while True:
        page = ddb.list_tables(**kwargs)
        assert len(page["TableNames"]) <= 2
        seen.extend(page["TableNames"])
        if "LastEvaluatedTableName" not in page:
            break
        kwargs["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]
    assert [n for n in seen if n in names] == names


def test_paginator_lists_all(ddb: Any, make_table: Any) -> None:
    names = {make_table() for _ in range(3)}
    listed = {n for page in ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 1})
              for n in page["TableNames"]}
    assert names <= listed


def test_regions_and_accounts_are_separate(aws: Any, make_table: Any) -> None:
    name = make_table()
    other_region = aws("dynamodb", region_name="eu-west-1")
    assert name not in other_region.list_tables()["TableNames"]
    other_account = aws("dynamodb", aws_access_key_id="123456789012", aws_secret_access_key="x")
    assert name not in other_account.list_tables()["TableNames"]
    other_account.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                               AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
                               BillingMode="PAY_PER_REQUEST")
    arn = other_account.describe_table(TableName=name)["Table"]["TableArn"]
    assert arn == f"arn:aws:dynamodb:us-east-1:123456789012:table/{name}"


def test_update_table_billing_and_gsi_backfill(ddb: Any, make_table: Any) -> None:
    name = make_table()
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"u{i}"}, "city": {"S": "oslo" if i % 2 else "rome"}})
    ddb.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "city", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "by-city", "KeySchema": [{"AttributeName": "city", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}}],
    )
    table = ddb.describe_table(TableName=name)["Table"]
    assert [g["IndexName"] for g in table["GlobalSecondaryIndexes"]] == ["by-city"]
    found = ddb.query(TableName=name, IndexName="by-city", KeyConditionExpression="city = :c",
                      ExpressionAttributeValues={":c": {"S": "oslo"}})
    assert sorted(i["pk"]["S"] for i in found["Items"]) == ["u1", "u3"]
    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-city"}}])
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName=name)["Table"]
    with pytest.raises(ClientError) as excinfo:
        ddb.query(TableName=name, IndexName="by-city", KeyConditionExpression="city = :c",
                  ExpressionAttributeValues={":c": {"S": "oslo"}})
    assert error_of(excinfo)[0] == "ValidationException"


def test_tags(ddb: Any, make_table: Any) -> None:
    name = make_table(Tags=[{"Key": "team", "Value": "trips"}])
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "trips"}]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]


def test_limits_and_endpoints(ddb: Any) -> None:
    assert ddb.describe_limits()["TableMaxWriteCapacityUnits"] == 40000
    assert ddb.describe_endpoints()["Endpoints"][0]["CachePeriodInMinutes"] == 1440


def test_ttl_settings(ddb: Any, make_table: Any) -> None:
    name = make_table()
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["TimeToLiveStatus"] == "DISABLED"
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    description = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert description == {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}
    with pytest.raises(ClientError) as excinfo:
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    assert error_of(excinfo) == ("ValidationException", "TimeToLive is already enabled")


def test_deletion_protection(ddb: Any, make_table: Any) -> None:
    name = make_table(DeletionProtectionEnabled=True)
    with pytest.raises(ClientError) as excinfo:
        ddb.delete_table(TableName=name)
    assert error_of(excinfo)[0] == "ValidationException"
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    ddb.delete_table(TableName=name)


def test_unknown_operation_is_a_clean_error(server: Any) -> None:
    import requests

    response = requests.post(server.endpoint, data=b"{}", headers={
        "X-Amz-Target": "DynamoDB_20120810.NoSuchThing", "Content-Type": "application/x-amz-json-1.0",
        "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
                         "SignedHeaders=host, Signature=0"})
    assert response.status_code == 400
    assert response.json()["__type"].endswith("UnknownOperationException")


def test_malformed_json_is_serialization_exception(server: Any) -> None:
    import requests

    response = requests.post(server.endpoint, data=b"{not json", headers={
        "X-Amz-Target": "DynamoDB_20120810.GetItem", "Content-Type": "application/x-amz-json-1.0",
        "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
                         "SignedHeaders=host, Signature=0"})
    assert response.status_code == 400
    assert response.json()["__type"].endswith("SerializationException")


def test_an_oversized_body_is_refused_and_the_server_keeps_serving(server: Any, ddb: Any, make_table: Any) -> None:
    import requests

    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "kept"}})
    body = b'{"TableName": "' + name.encode() + b'", "Item": {"pk": {"S": "' + b"x" * (65 * 1024 * 1024) + b'"}}}'
    response = requests.post(server.endpoint, data=body, headers={
        "X-Amz-Target": "DynamoDB_20120810.PutItem", "Content-Type": "application/x-amz-json-1.0",
        "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
                         "SignedHeaders=host, Signature=0"})
    assert response.status_code == 413
    assert response.json()["__type"].endswith("RequestEntityTooLarge")
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "kept"}})["Item"] == {"pk": {"S": "kept"}}
