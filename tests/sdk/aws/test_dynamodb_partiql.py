"""PartiQL through boto3 and the AWS CLI: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ServerProcess
from tests.sdk.aws.test_dynamodb_cli import aws_cli


def run(ddb: Any, statement: str, *params: dict[str, Any], **kwargs: Any) -> Any:
    if params:
        kwargs["Parameters"] = list(params)
    return ddb.execute_statement(Statement=statement, **kwargs)


def refused(ddb: Any, statement: str, *params: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as excinfo:
        run(ddb, statement, *params, **kwargs)
    return excinfo.value.response


@pytest.fixture
def songs(ddb: Any, make_table: Any) -> str:
    """A table of artist (hash) and song (range), with a few songs."""
    name = make_table(hash=("artist", "S"), range=("n", "N"))
    for artist, n, year in (("acme", 1, 2001), ("acme", 2, 2005), ("acme", 3, 2010), ("bolt", 1, 2003)):
        run(ddb, f"INSERT INTO \"{name}\" VALUE {{'artist': ?, 'n': ?, 'year': ?, 'tags': <<'x'>>}}",
            {"S": artist}, {"N": str(n)}, {"N": str(year)})
    return name


def test_insert_then_select_every_type(ddb: Any, make_table: Any) -> None:
    name = make_table()
    run(ddb, f"""INSERT INTO "{name}" VALUE {{'pk': 'k1', 'n': 1.50, 'neg': -2, 'b': TRUE, 'nothing': NULL,
                 'l': [1, 'two', [3]], 'm': {{'sub': {{'deep': 'yes'}}, 'nums': [10, 20]}},
                 'ss': <<'a', 'b'>>, 'ns': <<1, 2.5>>, 'bin': ?}}""", {"B": b"\x00\xff"})
    item = run(ddb, f'SELECT * FROM "{name}" WHERE pk = \'k1\'')["Items"][0]
    assert item["n"] == {"N": "1.5"} and item["neg"] == {"N": "-2"} and item["b"] == {"BOOL": True}
    assert item["nothing"] == {"NULL": True} and item["bin"] == {"B": b"\x00\xff"}
    assert item["l"] == {"L": [{"N": "1"}, {"S": "two"}, {"L": [{"N": "3"}]}]}
    assert sorted(item["ss"]["SS"]) == ["a", "b"] and sorted(item["ns"]["NS"]) == ["1", "2.5"]
    assert item == ddb.get_item(TableName=name, Key={"pk": {"S": "k1"}})["Item"]
    projected = run(ddb, f'SELECT m.sub.deep, m.nums[1], l[0], "pk" FROM "{name}" WHERE pk = ?', {"S": "k1"})
    assert projected["Items"] == [{"deep": {"S": "yes"}, "nums[1]": {"N": "20"}, "l[0]": {"N": "1"},
                                   "pk": {"S": "k1"}}]
    reserved = refused(ddb, f'SELECT * FROM "{name}" WHERE pad = 1')["Error"]["Message"]
    assert reserved == "Statement wasn't well formed, can't be processed: Unexpected keyword: pad"
    assert run(ddb, f'SELECT * FROM "{name}" WHERE "pad" = 1')["Items"] == []


def test_insert_of_an_existing_key_is_a_duplicate(ddb: Any, make_table: Any) -> None:
    name = make_table()
    run(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'k', 'v': 1}}")
    error = refused(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'k', 'v': 2}}")["Error"]
    assert error == {"Code": "DuplicateItemException", "Message": "Duplicate primary key exists in table"}
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "k"}})["Item"]["v"] == {"N": "1"}
    missing_key = refused(ddb, f"INSERT INTO \"{name}\" VALUE {{'v': 2}}")["Error"]
    assert missing_key["Message"] == "Key attribute should be present in the item: Key pk"
    mistyped = refused(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 1}}")["Error"]
    assert mistyped["Message"] == "Key attribute's data type should match its data type in table's schema: Key pk"


def test_select_by_key_conditions_and_order(ddb: Any, songs: str) -> None:
    def ns(statement: str, *params: dict[str, Any]) -> list[str]:
        return [i["n"]["N"] for i in run(ddb, statement, *params)["Items"]]

    assert ns(f'SELECT n FROM "{songs}" WHERE artist = ? AND n > ?', {"S": "acme"}, {"N": "1"}) == ["2", "3"]
    assert ns(f'SELECT n FROM "{songs}" WHERE artist = \'acme\' AND n BETWEEN 1 AND 2') == ["1", "2"]
    assert ns(f'SELECT n FROM "{songs}" WHERE artist = \'acme\' ORDER BY n DESC') == ["3", "2", "1"]
    assert ns(f'SELECT n FROM "{songs}" WHERE artist = \'acme\' AND "year" >= 2005') == ["2", "3"]
    both = run(ddb, f'SELECT artist, n FROM "{songs}" WHERE artist IN [\'bolt\', \'acme\'] ORDER BY artist DESC')
    assert [(i["artist"]["S"], i["n"]["N"]) for i in both["Items"]] == [
        ("bolt", "1"), ("acme", "1"), ("acme", "2"), ("acme", "3")]
    scanned = run(ddb, f'SELECT n FROM "{songs}" WHERE "year" < 2004 OR n = 3')["Items"]
    assert sorted(i["n"]["N"] for i in scanned) == ["1", "1", "3"]
    assert ns(f'SELECT n FROM "{songs}" WHERE artist = \'acme\' AND NOT n IN [1, 3]') == ["2"]


def test_where_functions_and_is_missing(ddb: Any, make_table: Any) -> None:
    name = make_table()
    run(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'title': 'hello world', 'l': [1, 2, 3]}}")
    run(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'b', 'title': 'goodbye', 'award': 'gold'}}")

    def pks(where: str) -> list[str]:
        return sorted(i["pk"]["S"] for i in run(ddb, f'SELECT pk FROM "{name}" WHERE {where}')["Items"])

    assert pks("award IS MISSING") == ["a"]
    assert pks("award IS NOT MISSING") == ["b"]
    assert pks("begins_with(title, 'hello')") == ["a"]
    assert pks("contains(title, 'bye')") == ["b"]
    assert pks("attribute_type(l, 'L')") == ["a"]
    assert pks("size(title) > 8") == ["a"]
    assert pks("title IS STRING AND l IS NOT LIST") == ["b"]


def test_select_from_an_index(ddb: Any, make_table: Any) -> None:
    name = make_table(extra_attributes={"city": "S"}, GlobalSecondaryIndexes=[{
        "IndexName": "by-city", "KeySchema": [{"AttributeName": "city", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}])
    for pk, city in (("a", "paris"), ("b", "rome"), ("c", "paris")):
        run(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': ?, 'city': ?}}", {"S": pk}, {"S": city})
    found = run(ddb, f'SELECT pk FROM "{name}"."by-city" WHERE city = \'paris\'')["Items"]
    assert sorted(i["pk"]["S"] for i in found) == ["a", "c"]
    error = refused(ddb, f'SELECT pk FROM "{name}"."by-city" WHERE city = \'paris\'', ConsistentRead=True)["Error"]
    assert error["Message"] == "Strongly consistent read is not supported on Global Secondary Indexes"


def test_pages_with_limit_and_next_token(ddb: Any, songs: str) -> None:
    def walk(statement: str, limit: int) -> tuple[list[str], int]:
        seen, pages, token = [], 0, None
        while True:
            page = run(ddb, statement, Limit=limit, **({"NextToken": token} if token else {}))
            seen += [f'{i["artist"]["S"]}{i["n"]["N"]}' for i in page["Items"]]
            pages += 1
            token = page.get("NextToken")
            if token is None:
                return seen, pages

    scanned, pages = walk(f'SELECT * FROM "{songs}"', 1)
    assert sorted(scanned) == ["acme1", "acme2", "acme3", "bolt1"] and pages >= 4
    queried, _ = walk(f'SELECT * FROM "{songs}" WHERE artist IN [\'acme\', \'bolt\']', 2)
    assert queried == ["acme1", "acme2", "acme3", "bolt1"]
    first = run(ddb, f'SELECT * FROM "{songs}"', Limit=1)
    other = refused(ddb, f'SELECT n FROM "{songs}"', NextToken=first["NextToken"])["Error"]
    assert other["Message"] == "The provided starting key is invalid"
    assert refused(ddb, f'SELECT n FROM "{songs}"', NextToken="garbage")["Error"]["Message"] == "Invalid NextToken"


def test_update_set_remove_and_returning(ddb: Any, songs: str) -> None:
    key = "WHERE artist = 'acme' AND n = 1"
    new = run(ddb, f"UPDATE \"{songs}\" SET plays = 1 SET history = [2001] {key} RETURNING ALL NEW *")["Items"][0]
    assert new["plays"] == {"N": "1"} and new["artist"] == {"S": "acme"}
    modified = run(ddb, f"UPDATE \"{songs}\" SET plays = plays + 2, history = list_append(history, [2002]) "
                        f"SET tags = set_add(tags, <<'y'>>) {key} RETURNING MODIFIED NEW *")["Items"][0]
    assert modified["plays"] == {"N": "3"} and modified["history"] == {"L": [{"N": "2001"}, {"N": "2002"}]}
    assert sorted(modified["tags"]["SS"]) == ["x", "y"]
    old = run(ddb, f"UPDATE \"{songs}\" REMOVE history SET tags = set_delete(tags, <<'x'>>) {key} "
                   "RETURNING MODIFIED OLD *")["Items"][0]
    assert old["history"]["L"][1] == {"N": "2002"} and sorted(old["tags"]["SS"]) == ["x", "y"]
    assert run(ddb, f"UPDATE \"{songs}\" SET plays = 0 {key}")["Items"] == []
    item = ddb.get_item(TableName=songs, Key={"artist": {"S": "acme"}, "n": {"N": "1"}})["Item"]
    assert "history" not in item and item["tags"] == {"SS": ["y"]} and item["plays"] == {"N": "0"}


def test_update_needs_an_existing_item_and_its_condition(ddb: Any, songs: str) -> None:
    missing = refused(ddb, f"UPDATE \"{songs}\" SET plays = 1 WHERE artist = 'nobody' AND n = 1")["Error"]
    assert missing["Code"] == "ConditionalCheckFailedException"
    response = refused(ddb, f"UPDATE \"{songs}\" SET plays = 1 WHERE artist = 'acme' AND n = 1 AND \"year\" > 3000",
                       ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert response["Item"]["year"] == {"N": "2001"}
    partial = refused(ddb, f"UPDATE \"{songs}\" SET plays = 1 WHERE artist = 'acme'")["Error"]
    assert partial["Message"] == "Where clause does not contain a mandatory equality on all key attributes"
    key_change = refused(ddb, f"UPDATE \"{songs}\" SET artist = 'x' WHERE artist = 'acme' AND n = 1")["Error"]
    assert key_change["Code"] == "ValidationException"


def test_delete_with_conditions_and_returning(ddb: Any, songs: str) -> None:
    assert run(ddb, f"DELETE FROM \"{songs}\" WHERE artist = 'nobody' AND n = 9")["Items"] == []
    failed = refused(ddb, f"DELETE FROM \"{songs}\" WHERE artist = 'acme' AND n = 1 AND \"year\" = 1999")["Error"]
    assert failed["Code"] == "ConditionalCheckFailedException"
    gone = run(ddb, f"DELETE FROM \"{songs}\" WHERE artist = 'acme' AND n = 1 AND \"year\" = 2001 "
                    "RETURNING ALL OLD *")["Items"]
    assert gone[0]["year"] == {"N": "2001"}
    assert "Item" not in ddb.get_item(TableName=songs, Key={"artist": {"S": "acme"}, "n": {"N": "1"}})
    wrong = refused(ddb, f"DELETE FROM \"{songs}\" WHERE artist = 'acme' AND n = 2 RETURNING ALL NEW *")["Error"]
    assert wrong["Message"] == ("Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is "
                                "allowed in DELETE statements.")


def test_statement_errors(ddb: Any, songs: str) -> None:
    syntax = refused(ddb, f'SELEKT * FROM "{songs}"')["Error"]
    assert syntax == {"Code": "ValidationException",
                      "Message": "Statement wasn't well formed, can't be processed: Expected data manipulation"}
    assert refused(ddb, f'SELECT * FROM "{songs}" WHERE')["Error"]["Message"].startswith(
        "Statement wasn't well formed, can't be processed: ")
    count = refused(ddb, f'SELECT * FROM "{songs}" WHERE artist = ?')["Error"]["Message"]
    assert count == "Number of parameters in request and statement don't match."
    assert refused(ddb, f'SELECT * FROM "{songs}" WHERE artist = ?', {"S": "a"}, {"S": "b"})["Error"]["Message"] \
        == count
    assert refused(ddb, 'SELECT * FROM "no-such-table-here"')["Error"]["Code"] == "ResourceNotFoundException"
    star = refused(ddb, f'SELECT *, n FROM "{songs}"')["Error"]["Message"]
    assert star == "Other attributes should not be present in the projection when '*' is used."
    assert refused(ddb, f'EXISTS(SELECT * FROM "{songs}" WHERE artist = \'acme\' AND n = 1)')["Error"]["Message"] \
        == "EXISTS can only be used in ExecuteTransaction write requests."


def test_batch_answers_each_statement_in_order(ddb: Any, songs: str) -> None:
    writes = ddb.batch_execute_statement(Statements=[
        {"Statement": f"INSERT INTO \"{songs}\" VALUE {{'artist': 'new', 'n': 1}}"},
        {"Statement": f"INSERT INTO \"{songs}\" VALUE {{'artist': 'acme', 'n': 1}}"},
        {"Statement": f"UPDATE \"{songs}\" SET plays = 5 WHERE artist = ? AND n = ?",
         "Parameters": [{"S": "bolt"}, {"N": "1"}]},
        {"Statement": f"DELETE FROM \"{songs}\" WHERE artist = 'acme' AND n = 2 AND \"year\" = 1",
         "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
        {"Statement": "UPDATE nonsense"},
    ])["Responses"]
    assert "Error" not in writes[0] and writes[0]["TableName"] == songs
    assert writes[1]["Error"] == {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}
    assert "Error" not in writes[2]
    assert writes[3]["Error"]["Code"] == "ConditionalCheckFailed" and writes[3]["Error"]["Item"]["n"] == {"N": "2"}
    assert writes[4]["Error"]["Code"] == "ValidationError"
    reads = ddb.batch_execute_statement(Statements=[
        {"Statement": f"SELECT plays FROM \"{songs}\" WHERE artist = 'bolt' AND n = 1"},
        {"Statement": f"SELECT * FROM \"{songs}\" WHERE artist = 'nobody' AND n = 1"},
        {"Statement": f"SELECT * FROM \"{songs}\" WHERE artist = 'acme'"},
    ])["Responses"]
    assert reads[0]["Item"] == {"plays": {"N": "5"}}
    assert "Item" not in reads[1] and "Error" not in reads[1]
    assert reads[2]["Error"] == {"Code": "ValidationError", "Message": "Select statements within "
                                 "BatchExecuteStatement must specify the primary key in the where clause."}
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_execute_statement(Statements=[
            {"Statement": f"SELECT * FROM \"{songs}\" WHERE artist = 'bolt' AND n = 1"},
            {"Statement": f"DELETE FROM \"{songs}\" WHERE artist = 'bolt' AND n = 1"}])
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"


def test_transaction_is_all_or_nothing(ddb: Any, songs: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"INSERT INTO \"{songs}\" VALUE {{'artist': 'tx', 'n': 1}}"},
            {"Statement": f"INSERT INTO \"{songs}\" VALUE {{'artist': 'acme', 'n': 1}}"},
            {"Statement": f"UPDATE \"{songs}\" SET plays = 1 WHERE artist = 'nobody' AND n = 1"},
            {"Statement": f"EXISTS(SELECT * FROM \"{songs}\" WHERE artist = 'acme' AND n = 2 AND \"year\" = 2005)"},
        ])
    response = excinfo.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert [r["Code"] for r in response["CancellationReasons"]] == [
        "None", "DuplicateItem", "ConditionalCheckFailed", "None"]
    assert "Item" not in ddb.get_item(TableName=songs, Key={"artist": {"S": "tx"}, "n": {"N": "1"}})
    ddb.execute_transaction(TransactStatements=[
        {"Statement": f"INSERT INTO \"{songs}\" VALUE {{'artist': 'tx', 'n': 1}}"},
        {"Statement": f"UPDATE \"{songs}\" SET plays = ? WHERE artist = 'bolt' AND n = 1 AND plays IS MISSING",
         "Parameters": [{"N": "1"}]},
        {"Statement": f"DELETE FROM \"{songs}\" WHERE artist = 'acme' AND n = 3"},
        {"Statement": f"EXISTS(SELECT * FROM \"{songs}\" WHERE artist = 'acme' AND n = 2 AND \"year\" = 2005)"},
    ])
    reads = ddb.execute_transaction(TransactStatements=[
        {"Statement": f"SELECT artist FROM \"{songs}\" WHERE artist = 'tx' AND n = 1"},
        {"Statement": f"SELECT plays FROM \"{songs}\" WHERE artist = 'bolt' AND n = 1"},
        {"Statement": f"SELECT * FROM \"{songs}\" WHERE artist = 'acme' AND n = 3"},
    ])["Responses"]
    assert reads == [{"Item": {"artist": {"S": "tx"}}}, {"Item": {"plays": {"N": "1"}}}, {}]


def test_transaction_rules_and_idempotency(ddb: Any, songs: str) -> None:
    def transact(*statements: str, **kwargs: Any) -> Any:
        return ddb.execute_transaction(TransactStatements=[{"Statement": s} for s in statements], **kwargs)

    def error(*statements: str, **kwargs: Any) -> dict[str, Any]:
        with pytest.raises(ClientError) as excinfo:
            transact(*statements, **kwargs)
        return excinfo.value.response["Error"]

    read = f"SELECT * FROM \"{songs}\" WHERE artist = 'acme' AND n = 1"
    bump = f"UPDATE \"{songs}\" SET plays = plays + 1 WHERE artist = 'acme' AND n = 1 AND \"year\" = 2001"
    assert error(read, bump)["Message"] == ("ExecuteTransaction API does not support both read and write "
                                            "operations in the same request.")
    assert error(f"SELECT * FROM \"{songs}\" WHERE artist = 'acme'")["Message"] == (
        "Select statements within ExecuteTransaction must specify the primary key in the where clause.")
    assert error(bump, bump)["Message"] == "Transaction request cannot include multiple operations on one item"
    bump = bump.replace("plays + 1", "1")
    transact(bump, ClientRequestToken=songs[-36:])
    transact(bump, ClientRequestToken=songs[-36:])
    mismatch = error(bump.replace("= 1 WHERE", "= 2 WHERE"), ClientRequestToken=songs[-36:])
    assert mismatch["Code"] == "IdempotentParameterMismatchException"


def test_execute_statement_with_the_cli(server: ServerProcess, ddb: Any, songs: str) -> None:
    found = aws_cli(server, "dynamodb", "execute-statement", "--statement",
                    f"SELECT n FROM \"{songs}\" WHERE artist = ? AND n >= ?",
                    "--parameters", '[{"S": "acme"}, {"N": "2"}]')
    assert found["Items"] == [{"n": {"N": "2"}}, {"n": {"N": "3"}}]
