"""BatchGetItem, BatchWriteItem, TransactWriteItems and TransactGetItems through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_batch_write_then_get(ddb: Any, make_table: Any) -> None:
    name = make_table()
    ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}} for i in range(25)]})
    result = ddb.batch_get_item(RequestItems={name: {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(0, 25, 5)]}})
    assert sorted(i["pk"]["S"] for i in result["Responses"][name]) == ["k0", "k10", "k15", "k20", "k5"]
    assert result["UnprocessedKeys"] == {}
    ddb.batch_write_item(RequestItems={name: [{"DeleteRequest": {"Key": {"pk": {"S": "k0"}}}}]})
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "k0"}})


def test_batch_limits_and_duplicates(ddb: Any, make_table: Any) -> None:
    name, other = make_table(), make_table()
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}}
                                                  for i in range(26)]})
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"pk": {"S": "same"}}}},
                                                  {"DeleteRequest": {"Key": {"pk": {"S": "same"}}}}]})
    assert excinfo.value.response["Error"]["Message"] == "Provided list of item keys contains duplicates"
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_get_item(RequestItems={name: {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(60)]},
                                         other: {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(60)]}})
    assert excinfo.value.response["Error"]["Message"] == "Too many items requested for the BatchGetItem call"


def test_invalid_batch_writes_nothing(ddb: Any, make_table: Any) -> None:
    name = make_table()
    with pytest.raises(ClientError):
        ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"pk": {"S": "ok"}}}},
                                                  {"PutRequest": {"Item": {"pk": {"N": "1"}}}}]})
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "ok"}})


def test_transaction_all_or_nothing_with_reasons_in_order(ddb: Any, make_table: Any) -> None:
    accounts = make_table()
    ddb.put_item(TableName=accounts, Item={"pk": {"S": "alice"}, "balance": {"N": "100"}})
    ddb.put_item(TableName=accounts, Item={"pk": {"S": "bob"}, "balance": {"N": "0"}})

    def transfer(amount: int) -> None:
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": accounts, "Key": {"pk": {"S": "alice"}},
                        "UpdateExpression": "SET balance = balance - :a", "ConditionExpression": "balance >= :a",
                        "ExpressionAttributeValues": {":a": {"N": str(amount)}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Update": {"TableName": accounts, "Key": {"pk": {"S": "bob"}},
                        "UpdateExpression": "SET balance = balance + :a",
                        "ExpressionAttributeValues": {":a": {"N": str(amount)}}}},
        ])

    transfer(60)
    with pytest.raises(ClientError) as excinfo:
        transfer(60)
    error = excinfo.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    reasons = error["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["ConditionalCheckFailed", "None"]
    assert reasons[0]["Item"]["balance"] == {"N": "40"}
    balances = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": accounts, "Key": {"pk": {"S": "alice"}}}},
        {"Get": {"TableName": accounts, "Key": {"pk": {"S": "bob"}}}},
        {"Get": {"TableName": accounts, "Key": {"pk": {"S": "nobody"}}}}])["Responses"]
    assert [r.get("Item", {}).get("balance") for r in balances] == [{"N": "40"}, {"N": "60"}, None]


def test_transaction_idempotency_token(ddb: Any, make_table: Any) -> None:
    name = make_table()
    request = {"TransactItems": [{"Update": {"TableName": name, "Key": {"pk": {"S": "c"}},
                                             "UpdateExpression": "ADD n :one",
                                             "ExpressionAttributeValues": {":one": {"N": "1"}}}}],
               "ClientRequestToken": name[-36:]}
    ddb.transact_write_items(**request)
    ddb.transact_write_items(**request)
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "c"}})["Item"]["n"] == {"N": "1"}
    request["TransactItems"][0]["Update"]["ExpressionAttributeValues"] = {":one": {"N": "2"}}
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(**request)
    assert excinfo.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"


def test_transaction_same_item_twice(ddb: Any, make_table: Any) -> None:
    name = make_table()
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": {"pk": {"S": "x"}}}},
            {"ConditionCheck": {"TableName": name, "Key": {"pk": {"S": "x"}},
                                "ConditionExpression": "attribute_not_exists(pk)"}}])
    assert excinfo.value.response["Error"]["Message"] == \
        "Transaction request cannot include multiple operations on one item"
