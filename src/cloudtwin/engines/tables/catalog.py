"""The catalog of tables: specs kept in memory, written through to the store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from cloudtwin.engines._kernel.errors import NotFound
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.tables.model import IndexSpec, KeyAttr, TableSpec
from cloudtwin.engines.tables.store import TableStore, decode, encode


@dataclass(frozen=True)
class Table:
    id: int
    scope: Scope
    spec: TableSpec
    created: float
    table_id: str
    tags: dict[str, str]


def spec_to_record(spec: TableSpec) -> dict[str, Any]:
    return asdict(spec)


def _key(data: dict[str, Any] | None) -> KeyAttr | None:
    return KeyAttr(**data) if data else None


def spec_from_record(data: dict[str, Any]) -> TableSpec:
    indexes = tuple(
        IndexSpec(
            name=i["name"], kind=i["kind"], hash_key=KeyAttr(**i["hash_key"]), range_key=_key(i["range_key"]),
            projection=i["projection"], non_key_attributes=tuple(i["non_key_attributes"]), meta=i["meta"],
        )
        for i in data["indexes"]
    )
    return TableSpec(
        name=data["name"], hash_key=KeyAttr(**data["hash_key"]), range_key=_key(data["range_key"]),
        indexes=indexes, max_item_bytes=data["max_item_bytes"], ttl_attribute=data["ttl_attribute"],
        history_seconds=data.get("history_seconds", 24 * 3600.0), meta=data["meta"],
    )


class Catalog:
    def __init__(self, store: TableStore) -> None:
        self.store = store
        self._by_name: dict[tuple[Scope, str], Table] = {}
        self._by_id: dict[int, Table] = {}
        self.reload()

    def reload(self) -> None:
        self._by_name.clear()
        self._by_id.clear()
        for tbl, tenant, location, name, spec, created, table_id, tags in self.store.load_tables():
            self._remember(Table(tbl, Scope(tenant, location), spec_from_record(decode(spec)), created,
                                 table_id, decode(tags)))

    def _remember(self, table: Table) -> Table:
        self._by_name[(table.scope, table.spec.name)] = table
        self._by_id[table.id] = table
        return table

    def find(self, scope: Scope, name: str) -> Table | None:
        return self._by_name.get((scope, name))

    def get(self, scope: Scope, name: str) -> Table:
        table = self._by_name.get((scope, name))
        if table is None:
            raise NotFound(f"Requested resource not found: Table: {name} not found", kind="table", name=name)
        return table

    def by_id(self, tbl: int) -> Table | None:
        return self._by_id.get(tbl)

    def all(self) -> list[Table]:
        return list(self._by_id.values())

    def names(self, scope: Scope) -> list[str]:
        return sorted(name for (s, name) in self._by_name if s == scope)

    def add(self, scope: Scope, spec: TableSpec, created: float, table_id: str, tags: dict[str, str]) -> Table:
        tbl = self.store.insert_table(scope.tenant, scope.location, spec.name, encode(spec_to_record(spec)),
                                      created, table_id, encode(tags))
        return self._remember(Table(tbl, scope, spec, created, table_id, dict(tags)))

    def remove(self, table: Table) -> None:
        self.store.delete_table(table.id)
        self._by_name.pop((table.scope, table.spec.name), None)
        self._by_id.pop(table.id, None)

    def replace_spec(self, table: Table, spec: TableSpec) -> Table:
        self.store.update_table(table.id, encode(spec_to_record(spec)), encode(table.tags))
        return self._remember(replace(table, spec=spec))

    def replace_tags(self, table: Table, tags: dict[str, str]) -> Table:
        self.store.update_table(table.id, encode(spec_to_record(table.spec)), encode(tags))
        return self._remember(replace(table, tags=tags))
