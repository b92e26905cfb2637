"""The table engine: key-value tables with a partition and sort key, secondary indexes,
conditional writes, queries and scans with resumable pages, all-or-nothing writes, TTL and a
change log.

Models the behaviour documented for DynamoDB (Developer Guide: "Working with items",
"Query", "Scan", "Secondary indexes", "Transactions", "Time to Live") and for Cosmos DB
containers where they agree. Invariants:
1. Every write of an item also writes its index entries and one change record, in the same
   savepoint: an index or a stream never disagrees with the table.
2. Page limits count items read, before filters (DynamoDB's Limit and 1 MB page rule).
3. Items expire (TTL) only by the sweep, never by a read: an expired item is readable until
   swept, as in the cloud.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from cloudtwin.clock import Clock
from cloudtwin.engines._kernel.errors import AlreadyExists, ConditionFailed, Conflict, Invalid
from cloudtwin.engines._kernel.ids import new_uuid
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.tables import keys as K
from cloudtwin.engines.tables.catalog import Catalog, Table
from cloudtwin.engines.tables.model import IndexSpec, Item, Page, TableInfo, TableSpec, WriteAction
from cloudtwin.engines.tables.ranges import KeyRange, partition, resume_point, sort_bounds
from cloudtwin.engines.tables.snapshots import Snapshots
from cloudtwin.engines.tables.store import SCHEMA, TableStore, decode, encode
from cloudtwin.engines.tables.values import item_size
from cloudtwin.storage import Storage

PAGE_BYTES = 1024 * 1024
TOKEN_WINDOW = 600.0
Condition = Any  # an expressions node with .evaluate(item) -> bool
Update = Any  # an expressions node with .apply(item) -> item


class TablesEngine:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.db = storage.open("tables", SCHEMA)
        self.store = TableStore(self.db)
        self.clock = clock
        self.catalog = Catalog(self.store)
        self.snapshots = Snapshots(self.db, self.store, self.catalog, clock, self._add_table, self._index_all)

    # -- lifecycle ------------------------------------------------------------------------------
    def reset(self) -> None:
        with self.db.atomic():
            self.store.clear()
        self.catalog.reload()

    def sweep(self, now: float) -> None:
        self.expire_items(now)
        with self.db.atomic():
            for table in self.catalog.all():
                self.store.trim_changes(table.id, now - table.spec.history_seconds)
            self.store.trim_tokens(now - TOKEN_WINDOW)

    # -- tables ---------------------------------------------------------------------------------
    def create_table(self, scope: Scope, spec: TableSpec, tags: dict[str, str] | None = None) -> TableInfo:
        if self.catalog.find(scope, spec.name) is not None:
            raise AlreadyExists(f"Table already exists: {spec.name}", kind="table", name=spec.name)
        with self.db.atomic():
            table = self._add_table(scope, spec, tags)
        return self._info(table)

    def _add_table(self, scope: Scope, spec: TableSpec, tags: dict[str, str] | None = None) -> Table:
        return self.catalog.add(scope, spec, self.clock.now(), new_uuid(), tags or {})

    def _index_all(self, table: Table) -> None:
        self._backfill(table, table.spec, list(table.spec.indexes))
        self._refresh_expiry(table)

    def describe_table(self, scope: Scope, name: str) -> TableInfo:
        return self._info(self.catalog.get(scope, name))

    def table_spec(self, scope: Scope, name: str) -> TableSpec:
        """The spec alone: cheap, unlike describe_table, which counts items."""
        return self.catalog.get(scope, name).spec

    def tags(self, scope: Scope, name: str) -> dict[str, str]:
        return dict(self.catalog.get(scope, name).tags)

    def list_tables(self, scope: Scope) -> list[str]:
        return self.catalog.names(scope)

    def delete_table(self, scope: Scope, name: str) -> TableInfo:
        table = self.catalog.get(scope, name)
        info = self._info(table)
        with self.db.atomic():
            self.catalog.remove(table)
        return replace(info, status="DELETING")

    def update_table(self, scope: Scope, name: str, spec: TableSpec) -> TableInfo:
        """Replace the spec; indexes that appear are back-filled, indexes that go are dropped."""
        table = self.catalog.get(scope, name)
        old_names = {index.name for index in table.spec.indexes}
        new_names = {index.name for index in spec.indexes}
        with self.db.atomic():
            for gone in old_names - new_names:
                self.store.drop_index(table.id, gone)
            added = [index for index in spec.indexes if index.name not in old_names]
            if added:
                self._backfill(table, spec, added)
            ttl_changed = spec.ttl_attribute != table.spec.ttl_attribute
            table = self.catalog.replace_spec(table, spec)
            if ttl_changed:
                self._refresh_expiry(table)
        return self._info(table)

    def tag(self, scope: Scope, name: str, tags: dict[str, str]) -> None:
        table = self.catalog.get(scope, name)
        with self.db.atomic():
            self.catalog.replace_tags(table, {**table.tags, **tags})

    def untag(self, scope: Scope, name: str, names: list[str]) -> None:
        table = self.catalog.get(scope, name)
        with self.db.atomic():
            self.catalog.replace_tags(table, {k: v for k, v in table.tags.items() if k not in names})

    def _info(self, table: Table) -> TableInfo:
        count, size = self.store.table_stats(table.id)
        indexes = self.store.index_stats(table.id) if table.spec.indexes else {}
        return TableInfo(table.spec, table.created, "ACTIVE", count, size, table.table_id, dict(table.tags), indexes)

    def _backfill(self, table: Table, spec: TableSpec, indexes: list[IndexSpec]) -> None:
        for pk, sk, blob in list(self.store.all_items(table.id)):
            item = decode(blob)
            for index in indexes:
                entry = K.index_key(index, item)
                if entry is not None:
                    self.store.put_entry(table.id, index.name, entry[0], entry[1], pk, sk)

    def _refresh_expiry(self, table: Table) -> None:
        for pk, sk, blob in list(self.store.all_items(table.id)):
            self.store.set_expiry(table.id, pk, sk, _expiry(table.spec, decode(blob)))

    # -- single items ---------------------------------------------------------------------------
    def get_item(self, scope: Scope, name: str, key: Item) -> Item | None:
        table = self.catalog.get(scope, name)
        pk, sk = K.lookup_key(table.spec, key)
        blob = self.store.get(table.id, pk, sk)
        return decode(blob) if blob is not None else None

    def put_item(self, scope: Scope, name: str, item: Item, condition: Condition = None,
                 return_on_failure: bool = False) -> Item | None:
        """Write ``item`` whole; returns the item it replaced, if any."""
        table = self.catalog.get(scope, name)
        pk, sk = K.item_key(table.spec, item)
        with self.db.atomic():
            old = self._load(table, pk, sk)
            _check(condition, old, return_on_failure)
            self._write(table, pk, sk, old, item)
        return old

    def update_item(self, scope: Scope, name: str, key: Item, update: Update, condition: Condition = None,
                    return_on_failure: bool = False) -> tuple[Item | None, Item]:
        """Apply ``update`` to the item (or to just its key when absent); returns (old, new)."""
        table = self.catalog.get(scope, name)
        pk, sk = K.lookup_key(table.spec, key)
        with self.db.atomic():
            old = self._load(table, pk, sk)
            _check(condition, old, return_on_failure)
            new = self._updated(table, key, old, update)
            self._write(table, pk, sk, old, new)
        return old, new

    def delete_item(self, scope: Scope, name: str, key: Item, condition: Condition = None,
                    return_on_failure: bool = False) -> Item | None:
        table = self.catalog.get(scope, name)
        pk, sk = K.lookup_key(table.spec, key)
        with self.db.atomic():
            old = self._load(table, pk, sk)
            _check(condition, old, return_on_failure)
            if old is not None:
                self._remove(table, pk, sk, old)
        return old

    def _load(self, table: Table, pk: bytes, sk: bytes) -> Item | None:
        blob = self.store.get(table.id, pk, sk)
        return decode(blob) if blob is not None else None

    def _updated(self, table: Table, key: Item, old: Item | None, update: Update) -> Item:
        base = old if old is not None else dict(key)
        if update is None:
            return dict(base)
        key_names = set(table.spec.key_names)
        for name in update.top_level_names():
            if name in key_names:
                raise Invalid(f"One or more parameter values were invalid: Cannot update attribute {name}. "
                              "This attribute is part of the key")
        new: Item = update.apply(base)
        return new

    def _write(self, table: Table, pk: bytes, sk: bytes, old: Item | None, new: Item) -> None:
        spec = table.spec
        size = item_size(new)
        if size > spec.max_item_bytes:
            raise Invalid("Item size has exceeded the maximum allowed size", kind="item")
        K.check_index_keys(spec, new)
        blob = encode(new)
        self.store.put(table.id, pk, sk, blob, size, _expiry(spec, new))
        self._reindex(table, pk, sk, old, new)
        keys = encode(K.key_attributes(spec, new))
        self.store.record_change(table.id, self.clock.now(), "MODIFY" if old is not None else "INSERT", keys,
                                 encode(old) if old is not None else None, blob)

    def _remove(self, table: Table, pk: bytes, sk: bytes, old: Item, expired: bool = False) -> None:
        self.store.delete(table.id, pk, sk)
        self._reindex(table, pk, sk, old, None)
        keys = encode(K.key_attributes(table.spec, old))
        self.store.record_change(table.id, self.clock.now(), "REMOVE", keys, encode(old), None, expired)

    def _reindex(self, table: Table, pk: bytes, sk: bytes, old: Item | None, new: Item | None) -> None:
        for index in table.spec.indexes:
            before = K.index_key(index, old) if old is not None else None
            after = K.index_key(index, new) if new is not None else None
            if before == after:
                continue
            if before is not None:
                self.store.delete_entry(table.id, index.name, before[0], before[1], pk, sk)
            if after is not None:
                self.store.put_entry(table.id, index.name, after[0], after[1], pk, sk)

    # -- queries and scans ----------------------------------------------------------------------
    def query(self, scope: Scope, name: str, key_range: KeyRange, *, index: str | None = None,
              filter: Condition = None, forward: bool = True, limit: int | None = None,
              start_key: Item | None = None) -> Page:
        table = self.catalog.get(scope, name)
        spec = table.spec
        target = self._index(spec, index)
        schema = target or spec
        pk = partition(schema, key_range)
        bounds = sort_bounds(schema, key_range)
        if target is None:
            after = resume_point(spec, None, start_key)
            rows = self.store.query_rows(table.id, pk, bounds, after[1] if after else None, forward)
        else:
            after = resume_point(spec, target, start_key)
            rows = self.store.query_index_rows(table.id, target.name, pk, bounds, after, forward)
        return self._page(spec, target, rows, filter, limit)

    def scan(self, scope: Scope, name: str, *, index: str | None = None, filter: Condition = None,
             limit: int | None = None, start_key: Item | None = None, segment: int = 0,
             total_segments: int = 1) -> Page:
        table = self.catalog.get(scope, name)
        spec = table.spec
        target = self._index(spec, index)
        low = segment * 2**32 // total_segments
        high = (segment + 1) * 2**32 // total_segments
        after = resume_point(spec, target, start_key, with_hash=True)
        if target is None:
            rows = self.store.scan_rows(table.id, after, low, high)
        else:
            rows = self.store.scan_index_rows(table.id, target.name, after, low, high)
        return self._page(spec, target, rows, filter, limit)

    def _index(self, spec: TableSpec, name: str | None) -> IndexSpec | None:
        if name is None:
            return None
        index = spec.index(name)
        if index is None:
            raise Invalid(f"The table does not have the specified index: {name}", kind="index", name=name)
        return index

    def _page(self, spec: TableSpec, index: IndexSpec | None, rows: Iterator[tuple[bytes, bytes, bytes, int]],
              filter: Condition, limit: int | None) -> Page:
        items: list[Item] = []
        scanned = 0
        read_bytes = 0
        last: Item | None = None
        for _, _, blob, size in rows:
            item = decode(blob)
            if index is not None:
                item = K.project(spec, index, item)
            scanned += 1
            read_bytes += size
            if filter is None or filter.evaluate(item):
                items.append(item)
            last = item
            if (limit is not None and scanned >= limit) or read_bytes >= PAGE_BYTES:
                more = next(rows, None) is not None
                return Page(items, scanned, _page_key(spec, index, last) if more else None)
        return Page(items, scanned, None)

    # -- many items -----------------------------------------------------------------------------
    def write_all(self, scope: Scope, actions: list[WriteAction], token: str | None = None,
                  digest: str = "") -> bool:
        """Apply every action or none. Returns False when ``token`` was seen (nothing applied).

        A failed condition raises ConditionFailed with ``extra["reasons"]``: one entry per
        action, None where it passed, else ("ConditionFailed", current item or None).
        """
        now = self.clock.now()
        if token is not None and self._token_seen(scope, token, digest, now):
            return False
        tables = [self.catalog.get(scope, action.table) for action in actions]
        plans = []
        for action, table in zip(actions, tables):
            pk, sk = (K.item_key(table.spec, action.item or {}) if action.kind == "put"
                      else K.lookup_key(table.spec, action.key or {}))
            plans.append((action, table, pk, sk, self._load(table, pk, sk)))
        _check_all(plans)
        with self.db.atomic():
            for action, table, pk, sk, old in plans:
                self._apply(action, table, pk, sk, old)
            if token is not None:
                self.store.save_token(scope.tenant, token, digest, now)
        return True

    def _apply(self, action: WriteAction, table: Table, pk: bytes, sk: bytes, old: Item | None) -> None:
        if action.kind == "put":
            self._write(table, pk, sk, old, action.item or {})
        elif action.kind == "update":
            self._write(table, pk, sk, old, self._updated(table, action.key or {}, old, action.update))
        elif action.kind == "delete" and old is not None:
            self._remove(table, pk, sk, old)

    def _token_seen(self, scope: Scope, token: str, digest: str, now: float) -> bool:
        seen = self.store.token(scope.tenant, token)
        if seen is None or seen[1] < now - TOKEN_WINDOW:
            return False
        if seen[0] != digest:
            raise Conflict("The request uses the same client token as a previous, but non-identical request.",
                           kind="token", name=token)
        return True

    # -- time to live -----------------------------------------------------------------------------
    def expire_items(self, now: float, batch: int = 1000) -> int:
        """Delete items whose TTL attribute is at or before ``now``; returns how many."""
        removed = 0
        while True:
            rows = self.store.expired(now, batch)
            if not rows:
                return removed
            with self.db.atomic():
                for tbl, pk, sk in rows:
                    table = self.catalog.by_id(tbl)
                    old = self._load(table, pk, sk) if table else None
                    if table is None or old is None:
                        self.store.delete(tbl, pk, sk)
                        continue
                    self._remove(table, pk, sk, old, expired=True)
                    removed += 1

    def changes_since(self, scope: Scope, name: str, seq: int, limit: int) -> list[tuple[Any, ...]]:
        """Change records of a table after sequence number ``seq``, oldest first."""
        table = self.catalog.get(scope, name)
        rows = self.store.changes_after(table.id, seq, limit)
        return [(s, at, ev, decode(k), decode(o) if o else None, decode(n) if n else None, bool(x))
                for s, at, ev, k, o, n, x in rows]


def request_digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _check(condition: Condition, old: Item | None, return_on_failure: bool) -> None:
    if condition is not None and not condition.evaluate(old or {}):
        raise ConditionFailed("The conditional request failed", kind="item",
                              item=old if return_on_failure else None)


def _check_all(plans: list[tuple[WriteAction, Table, bytes, bytes, Item | None]]) -> None:
    seen: set[tuple[int, bytes, bytes]] = set()
    for _, table, pk, sk, _ in plans:
        if (table.id, pk, sk) in seen:
            raise Invalid("One request cannot include multiple operations on one item", kind="duplicate_item")
        seen.add((table.id, pk, sk))
    reasons: list[Any] = []
    for action, _, _, _, old in plans:
        ok = action.condition is None or action.condition.evaluate(old or {})
        reasons.append(None if ok else ("ConditionalCheckFailed", old if action.return_item_on_failure else None))
    if any(reason is not None for reason in reasons):
        raise ConditionFailed("Transaction cancelled", kind="transaction", reasons=reasons)


def _expiry(spec: TableSpec, item: Item) -> float | None:
    if spec.ttl_attribute is None:
        return None
    value = item.get(spec.ttl_attribute)
    if value is None or "N" not in value:
        return None
    try:
        return float(value["N"])
    except ValueError:
        return None


def _page_key(spec: TableSpec, index: IndexSpec | None, item: Item) -> Item:
    names = list(spec.key_names) + ([n for n in index.key_names if n not in spec.key_names] if index else [])
    return {name: item[name] for name in names if name in item}

