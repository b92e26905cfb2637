"""The PartiQL parser and its translation into DynamoDB expressions, without a server."""

from __future__ import annotations

import pytest

from cloudtwin.aws.dynamodb.partiql import syntax as S
from cloudtwin.aws.dynamodb.partiql.binding import bind, parameters
from cloudtwin.aws.dynamodb.partiql.expressions import Expressions
from cloudtwin.aws.dynamodb.partiql.parser import parse
from cloudtwin.aws.dynamodb.partiql.plans import item_key, read_plan
from cloudtwin.aws.dynamodb.partiql.reads import output_name
from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables import KeyAttr, TableSpec

SPEC = TableSpec("t", KeyAttr("pk", "S"), KeyAttr("sk", "N"))


def condition(where: str) -> S.Expr:
    parsed = parse(f"SELECT * FROM t WHERE {where}")
    assert isinstance(parsed.statement, S.Select) and parsed.statement.where is not None
    return parsed.statement.where


def matches(where: str, item: dict[str, object], *params: dict[str, object]) -> bool:
    builder = Expressions(list(params))
    return bool(builder.compile_condition(builder.condition(condition(where))).evaluate(item))


def test_statements_parse_case_insensitively_with_comments_and_semicolon() -> None:
    parsed = parse('select "a b", c.d[2] from "tbl"."idx" -- the index\n where x = ? /* note */ ;')
    select = parsed.statement
    assert isinstance(select, S.Select) and parsed.params == 1
    assert select.table == "tbl" and select.index_name == "idx"
    assert select.projection == (S.Path(("a b",)), S.Path(("c", "d", 2)))
    assert select.where == S.Compare("=", S.Path(("x",)), S.Param(0))


@pytest.mark.parametrize("text, detail", [
    ("SHOW TABLES", "Expected data manipulation"),
    ("SELECT * FROM t WHERE", "Unexpected end of statement"),
    ("SELECT * FROM t WHERE from = 1", "Unexpected keyword: from"),
    ("SELECT * FROM t WHERE a = 'open", "Unterminated quoted text"),
    ("SELECT * FROM t; SELECT * FROM u", "Unexpected keyword: SELECT"),
])
def test_syntax_errors_use_dynamodb_wording(text: str, detail: str) -> None:
    with pytest.raises(Invalid) as excinfo:
        parse(text)
    assert excinfo.value.detail == f"Statement wasn't well formed, can't be processed: {detail}"


def test_literals_bind_to_attribute_values() -> None:
    item = parse("INSERT INTO t VALUE {'n': 1.50, 'neg': -3, 'ok': TRUE, 'no': NULL, 's': 'it''s', "
                 "'l': [1, 'x'], 'm': {'k': <<2, 1>>}, 'p': ?}").statement
    assert isinstance(item, S.Insert)
    assert bind(item.item, [{"BS": [b"a"]}]) == {"M": {
        "n": {"N": "1.5"}, "neg": {"N": "-3"}, "ok": {"BOOL": True}, "no": {"NULL": True}, "s": {"S": "it's"},
        "l": {"L": [{"N": "1"}, {"S": "x"}]}, "m": {"M": {"k": {"NS": ["2", "1"]}}}, "p": {"BS": [b"a"]}}}


@pytest.mark.parametrize("value, message", [
    ("<<>>", "Empty bags are not supported"),
    ("<<1, 'a'>>", "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"),
    ("{'a': 1, 'a': 2}", "Duplicate keys in tuple. Key: a"),
])
def test_bad_literals_are_refused(value: str, message: str) -> None:
    statement = parse(f"INSERT INTO t VALUE {{'v': {value}}}").statement
    assert isinstance(statement, S.Insert)
    with pytest.raises(Invalid) as excinfo:
        bind(statement.item, [])
    assert excinfo.value.detail == message


def test_parameter_count_must_match() -> None:
    assert parameters([{"N": "01"}], 1) == [{"N": "1"}]
    for given in ([], [{"S": "a"}, {"S": "b"}]):
        with pytest.raises(Invalid, match="Number of parameters in request and statement don't match."):
            parameters(given, 1)


def test_conditions_evaluate_like_expressions() -> None:
    item = {"a": {"N": "5"}, "s": {"S": "hello"}, "m": {"M": {"l": {"L": [{"S": "x"}]}}}}
    assert matches("a BETWEEN 1 AND 5 AND s <> 'bye'", item)
    assert matches("a IN [1, 5] OR missing_one = 1", item)
    assert matches("NOT NOT a = ?", item, {"N": "5.0"})
    assert matches("m.l[0] = 'x' AND begins_with(s, 'he') AND size(s) = 5", item)
    assert matches("b IS MISSING AND a IS NOT MISSING AND a IS NUMERIC AND m IS STRUCT", item)
    assert not matches("a != 5 OR s IS NOT STRING", item)


def test_updates_become_update_expressions() -> None:
    statement = parse("UPDATE t SET a = a + 1, l = list_append(l, [2]) SET s = set_add(s, <<'y'>>) "
                      "SET d = set_delete(d, <<1>>) REMOVE gone WHERE pk = 'k' AND sk = 1").statement
    assert isinstance(statement, S.Update)
    builder = Expressions([])
    assert builder.update(statement.actions) == (
        "SET #n0 = #n0 + :v0, #n1 = list_append(#n1, :v1) REMOVE #n4 ADD #n2 :v2 DELETE #n3 :v3")
    item = {"a": {"N": "1"}, "l": {"L": []}, "s": {"SS": ["x"]}, "d": {"NS": ["1", "2"]}, "gone": {"S": "-"}}
    assert builder.compile_update(statement.actions).apply(item) == {
        "a": {"N": "2"}, "l": {"L": [{"N": "2"}]}, "s": {"SS": ["x", "y"]}, "d": {"NS": ["2"]}}
    wrong = parse("UPDATE t SET s = set_add(other, <<'y'>>) WHERE pk = 'k'").statement
    with pytest.raises(Invalid, match="The first argument to SET_ADD must equal the assignment value"):
        Expressions([]).update(wrong.actions)  # type: ignore[union-attr]


def test_keys_and_query_plans() -> None:
    where = condition("pk = ? AND sk = 3 AND x > 1")
    assert item_key(where, SPEC, [{"S": "k"}]) == {"pk": {"S": "k"}, "sk": {"N": "3"}}
    with pytest.raises(Invalid, match="mandatory equality on all key attributes"):
        item_key(condition("pk = 'k' OR sk = 3"), SPEC, [])
    with pytest.raises(Invalid, match="should match its data type in table's schema: Key sk"):
        item_key(condition("pk = 'k' AND sk = '3'"), SPEC, [])
    select = parse("SELECT * FROM t WHERE pk IN ['b', 'a', 'b', 7] AND sk >= 2 ORDER BY pk DESC").statement
    assert isinstance(select, S.Select)
    plan = read_plan(select, SPEC, [], consistent=False)
    assert plan.partitions == [{"S": "b"}, {"S": "a"}] and plan.sort == (">=", ({"N": "2"},))
    scan = parse("SELECT * FROM t WHERE pk = 'a' OR x = 1").statement
    assert read_plan(scan, SPEC, [], consistent=False).partitions is None  # type: ignore[arg-type]
    with pytest.raises(Invalid, match="must be part of the primary key"):
        read_plan(parse("SELECT * FROM t WHERE pk = 'a' ORDER BY x").statement, SPEC, [], False)  # type: ignore


def test_projected_paths_come_back_under_their_last_name() -> None:
    assert output_name(S.Path(("m", "k", 1))) == "k[1]"
    assert output_name(S.Path(("l", 0))) == "l[0]"
    assert output_name(S.Path(("a",))) == "a"
