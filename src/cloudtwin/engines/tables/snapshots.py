"""Snapshots of tables (on-demand backups) and restores, also to a point in time.

A snapshot copies a table's rows and spec inside one savepoint, so it is consistent. A
restore creates a new table from it. A point-in-time restore copies the table as it is now and
undoes, newest first, every change logged after the chosen time (the change log keeps each
table's ``history_seconds``), which is how DynamoDB's point-in-time recovery behaves for users
(Developer Guide: "Backup and restore", "Point-in-time recovery").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from cloudtwin.clock import Clock
from cloudtwin.engines._kernel.errors import AlreadyExists, Invalid, NotFound
from cloudtwin.engines._kernel.ids import new_hex
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.tables import keys as K
from cloudtwin.engines.tables.catalog import Catalog, Table, spec_from_record, spec_to_record
from cloudtwin.engines.tables.model import Snapshot, TableSpec
from cloudtwin.engines.tables.store import TableStore, decode, encode
from cloudtwin.engines.tables.values import item_size
from cloudtwin.storage import Database

#: Creates a table (scope, spec) inside the caller's savepoint.
CreateTable = Callable[[Scope, TableSpec], Table]
#: Writes index entries for every item of a table.
Reindex = Callable[[Table], None]


def _record(snapshot: Snapshot) -> dict[str, Any]:
    return {**asdict(snapshot), "spec": spec_to_record(snapshot.spec)}


def _from_record(data: dict[str, Any]) -> Snapshot:
    return Snapshot(**{**data, "spec": spec_from_record(data["spec"])})


class Snapshots:
    def __init__(self, db: Database, store: TableStore, catalog: Catalog, clock: Clock,
                 create_table: CreateTable, reindex: Reindex) -> None:
        self.db = db
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self._create_table = create_table
        self._reindex = reindex

    def take(self, scope: Scope, table_name: str, label: str) -> Snapshot:
        table = self.catalog.get(scope, table_name)
        count, size = self.store.table_stats(table.id)
        now = self.clock.now()
        snapshot = Snapshot(f"{int(now * 1000):014d}-{new_hex(4)}", table_name, label, now, count, size,
                            table.spec, table.table_id, table.created)
        with self.db.atomic():
            self.store.copy_items_to_snapshot(table.id, snapshot.id)
            self.store.save_snapshot(snapshot.id, scope.tenant, scope.location, encode(_record(snapshot)))
        return snapshot

    def list(self, scope: Scope) -> list[Snapshot]:
        found = [_from_record(decode(r)) for r in self.store.snapshot_records(scope.tenant, scope.location)]
        return sorted(found, key=lambda s: (s.created, s.id))

    def get(self, scope: Scope, snapshot_id: str) -> Snapshot:
        for snapshot in self.list(scope):
            if snapshot.id == snapshot_id:
                return snapshot
        raise NotFound(f"Backup not found: {snapshot_id}", kind="snapshot", name=snapshot_id)

    def delete(self, scope: Scope, snapshot_id: str) -> Snapshot:
        snapshot = self.get(scope, snapshot_id)
        with self.db.atomic():
            self.store.delete_snapshot(snapshot_id)
        return snapshot

    def restore(self, scope: Scope, snapshot_id: str, target: str, spec: TableSpec | None = None) -> Table:
        """A new table ``target`` holding the snapshot's items (``spec`` overrides its settings)."""
        snapshot = self.get(scope, snapshot_id)
        with self.db.atomic():
            table = self._new_table(scope, replace(spec or snapshot.spec, name=target))
            self.store.copy_snapshot_to_items(snapshot_id, table.id)
            self._reindex(table)
        return table

    def restorable_since(self, scope: Scope, table_name: str) -> float:
        """The earliest time ``table_name`` can be restored to."""
        table = self.catalog.get(scope, table_name)
        return max(table.created, self.clock.now() - table.spec.history_seconds)

    def restore_to_time(self, scope: Scope, source: str, target: str, at: float,
                        spec: TableSpec | None = None) -> Table:
        origin = self.catalog.get(scope, source)
        if not self.restorable_since(scope, source) <= at <= self.clock.now():
            raise Invalid("RestoreDateTime is outside the window of restorable times", kind="restore_time")
        with self.db.atomic():
            table = self._new_table(scope, replace(spec or origin.spec, name=target))
            self.store.copy_items(origin.id, table.id)
            self._undo_after(origin, table, at)
            self._reindex(table)
        return table

    def _new_table(self, scope: Scope, spec: TableSpec) -> Table:
        if self.catalog.find(scope, spec.name) is not None:
            raise AlreadyExists(f"Table already exists: {spec.name}", kind="table", name=spec.name)
        return self._create_table(scope, spec)

    def _undo_after(self, origin: Table, table: Table, at: float) -> None:
        for keys_blob, old_blob in list(self.store.changes_newest_first(origin.id, at)):
            pk, sk = K.lookup_key(table.spec, decode(keys_blob))
            if old_blob is None:
                self.store.delete(table.id, pk, sk)
            else:
                old = decode(old_blob)
                self.store.put(table.id, pk, sk, old_blob, item_size(old), None)
