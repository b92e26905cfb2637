"""Running a PartiQL SELECT: one page of items, resumable with a NextToken, and the projection
of each item as DynamoDB returns it.

A page follows the engine's rules (Limit counts items read before the WHERE filters them;
about 1 MB is read at most). A SELECT over several partitions (``pk IN [...]``) reads them in
turn; its NextToken names the partition and the key to resume from, and the statement and
parameters it belongs to: a token given with another statement is refused.
A projected path comes back under its last name, with any list indexes after it: ``a.b[1]``
gives ``b[1]``; two paths with one output name are refused.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

import orjson

from cloudtwin.aws.dynamodb.partiql import syntax as S
from cloudtwin.aws.dynamodb.partiql.binding import canonical_json
from cloudtwin.aws.dynamodb.partiql.plans import ReadPlan, filter_condition, item_key, read_plan
from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.tables import KeyRange, TablesEngine
from cloudtwin.engines.tables.expressions.resolve import get_path
from cloudtwin.engines.tables.model import AttrValue, Item
from cloudtwin.engines.tables.values import item_size


@dataclass
class Result:
    items: list[Item]
    #: Bytes of the items read (for consumed capacity).
    read_bytes: int
    next_token: str | None = None


def select_page(tables: TablesEngine, scope: Scope, select: S.Select, statement: str, params: list[AttrValue],
                limit: int | None, token: str | None, consistent: bool) -> Result:
    spec = tables.table_spec(scope, select.table)
    output_names(select.projection)
    plan = read_plan(select, spec, params, consistent)
    fingerprint = _fingerprint(statement, params)
    part, start_key = _resume(token, fingerprint)
    if plan.partitions is None:
        page = tables.scan(scope, plan.table, index=plan.index, filter=plan.filter, limit=limit, start_key=start_key)
        resume = (0, page.last_key) if page.last_key is not None else None
        return _result(plan, page.items, resume, fingerprint)
    partitions = plan.partitions
    items: list[Item] = []
    while part < len(partitions):
        key_range = KeyRange(partitions[part], *(plan.sort or (None, ())))
        page = tables.query(scope, plan.table, key_range, index=plan.index, filter=plan.filter,
                            forward=plan.forward, limit=limit, start_key=start_key)
        items += page.items
        if page.last_key is not None:
            return _result(plan, items, (part, page.last_key), fingerprint)
        part, start_key = part + 1, None
        if limit is not None:
            limit -= page.scanned
            if limit <= 0:
                return _result(plan, items, (part, None) if part < len(partitions) else None, fingerprint)
    return _result(plan, items, None, fingerprint)


def _result(plan: ReadPlan, items: list[Item], resume: tuple[int, Item | None] | None, fingerprint: str) -> Result:
    size = sum(map(item_size, items))
    token = _token(resume, fingerprint) if resume is not None else None
    return Result([project(item, plan.projection) for item in items], size, token)


def keyed_read(tables: TablesEngine, scope: Scope, select: S.Select, params: list[AttrValue], key_message: str,
               index_message: str) -> Item | None:
    """The one item a SELECT names by its full key (batches and transactions), if the WHERE holds."""
    if select.index_name is not None:
        raise Invalid(index_message)
    spec = tables.table_spec(scope, select.table)
    key = item_key(select.where, spec, params, key_message)
    output_names(select.projection)
    condition = filter_condition(select.where, params)
    item = tables.get_item(scope, select.table, key)
    if item is None or not condition.evaluate(item):
        return None
    return project(item, select.projection)


# -- projections ------------------------------------------------------------------------------------
def output_name(path: S.Path) -> str:
    last = max(i for i, part in enumerate(path.parts) if isinstance(part, str))
    return str(path.parts[last]) + "".join(f"[{part}]" for part in path.parts[last + 1:])


def output_names(paths: tuple[S.Path, ...] | None) -> None:
    """Refuse a projection where two paths come back under one name."""
    seen: set[str] = set()
    for path in paths or ():
        name = output_name(path)
        if name in seen:
            raise Invalid(f"Duplicate identifiers in select clause: {name}")
        seen.add(name)


def project(item: Item, paths: tuple[S.Path, ...] | None) -> Item:
    if paths is None:
        return item
    found = {}
    for path in paths:
        value = get_path(item, path.parts)
        if value is not None:
            found[output_name(path)] = value
    return found


# -- next tokens ------------------------------------------------------------------------------------
def _fingerprint(statement: str, params: list[AttrValue]) -> str:
    return hashlib.sha256(canonical_json([statement, params])).hexdigest()[:16]


def _token(resume: tuple[int, Item | None], fingerprint: str) -> str:
    part, key = resume
    wire = {name: [tag, base64.b64encode(v).decode() if tag == "B" else v] for name, value in (key or {}).items()
            for tag, v in value.items()}
    return base64.urlsafe_b64encode(orjson.dumps({"f": fingerprint, "p": part, "k": wire if key else None})).decode()


def _resume(token: str | None, fingerprint: str) -> tuple[int, Item | None]:
    if token is None:
        return 0, None
    try:
        data = orjson.loads(base64.urlsafe_b64decode(token.encode()))
        part, wire = int(data["p"]), data["k"]
        key = None if wire is None else {
            name: {tag: base64.b64decode(v) if tag == "B" else v} for name, (tag, v) in wire.items()}
        fingerprint_given = data["f"]
    except (ValueError, TypeError, KeyError, AttributeError):
        raise Invalid("Invalid NextToken") from None
    if fingerprint_given != fingerprint:
        raise Invalid("The provided starting key is invalid")
    return part, key
