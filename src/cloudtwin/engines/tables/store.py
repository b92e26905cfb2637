"""The table engine's schema and SQL. Items are CBOR blobs keyed by order-preserving key bytes.

``items``: one row per item, keyed (table, h, partition key bytes, sort key bytes), where ``h``
is a 32-bit hash of the partition key: scans walk the primary key, so they come out in hash
order as in the cloud and parallel scan segments are ranges of h, while point reads and
partition ranges compute h first. One b-tree per table of rows keeps a write to a few pages.
``expires`` is the item's TTL time. ``index_entries``: one row per item per secondary index
it appears in (sparse indexes simply have no row), keyed the same way. ``changes``: every
write, keyed (table, sequence number), for change streams; sequence numbers grow with time.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import cbor2

from cloudtwin.storage import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS tables(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL, location TEXT NOT NULL, name TEXT NOT NULL,
    spec BLOB NOT NULL, created REAL NOT NULL, table_id TEXT NOT NULL, tags BLOB NOT NULL,
    UNIQUE(tenant, location, name));
CREATE TABLE IF NOT EXISTS items(
    tbl INTEGER NOT NULL, h INTEGER NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL,
    item BLOB NOT NULL, size INTEGER NOT NULL, expires REAL,
    PRIMARY KEY(tbl, h, pk, sk)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS items_by_expiry ON items(expires) WHERE expires IS NOT NULL;
CREATE TABLE IF NOT EXISTS index_entries(
    tbl INTEGER NOT NULL, idx TEXT NOT NULL, h INTEGER NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL,
    tpk BLOB NOT NULL, tsk BLOB NOT NULL, th INTEGER NOT NULL,
    PRIMARY KEY(tbl, idx, h, pk, sk, tpk, tsk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes(
    tbl INTEGER NOT NULL, seq INTEGER NOT NULL, at REAL NOT NULL,
    event TEXT NOT NULL, keys BLOB NOT NULL, old BLOB, new BLOB, expired INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(tbl, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots(
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, location TEXT NOT NULL, record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS snapshot_items(
    snap TEXT NOT NULL, h INTEGER NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL,
    item BLOB NOT NULL, size INTEGER NOT NULL, expires REAL,
    PRIMARY KEY(snap, h, pk, sk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS write_tokens(
    tenant TEXT NOT NULL, token TEXT NOT NULL, digest TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY(tenant, token));
"""


#: Index entries joined to the items they point at (``th`` is the item's h).
_ENTRY_JOIN = ("SELECT e.tpk, e.tsk, i.item, i.size FROM index_entries e JOIN items i "
               "ON i.tbl=e.tbl AND i.h=e.th AND i.pk=e.tpk AND i.sk=e.tsk")


def encode(value: Any) -> bytes:
    return cbor2.dumps(value)


def decode(blob: bytes) -> Any:
    return cbor2.loads(blob)


def key_hash(pk: bytes) -> int:
    return zlib.crc32(pk)


class TableStore:
    """SQL over one engine database; knows rows, not rules."""

    def __init__(self, db: Database) -> None:
        self.db = db
        row = self.db.one("SELECT max(seq) FROM changes")
        self._last_seq = int(row[0] or 0)

    # -- tables -------------------------------------------------------------------------------
    def load_tables(self) -> list[tuple[Any, ...]]:
        return self.db.all("SELECT id, tenant, location, name, spec, created, table_id, tags FROM tables")

    def insert_table(self, tenant: str, location: str, name: str, spec: bytes, created: float,
                     table_id: str, tags: bytes) -> int:
        cursor = self.db.execute(
            "INSERT INTO tables(tenant, location, name, spec, created, table_id, tags) VALUES (?,?,?,?,?,?,?)",
            (tenant, location, name, spec, created, table_id, tags),
        )
        return int(cursor.lastrowid or 0)

    def update_table(self, tbl: int, spec: bytes, tags: bytes) -> None:
        self.db.execute("UPDATE tables SET spec=?, tags=? WHERE id=?", (spec, tags, tbl))

    def delete_table(self, tbl: int) -> None:
        for sql in ("DELETE FROM items WHERE tbl=?", "DELETE FROM index_entries WHERE tbl=?",
                    "DELETE FROM changes WHERE tbl=?", "DELETE FROM tables WHERE id=?"):
            self.db.execute(sql, (tbl,))

    def table_stats(self, tbl: int) -> tuple[int, int]:
        count, size = self.db.one("SELECT count(*), coalesce(sum(size), 0) FROM items WHERE tbl=?", (tbl,))
        return int(count), int(size)

    def index_stats(self, tbl: int) -> dict[str, tuple[int, int]]:
        """Per index: (entries, total size of the items they point at)."""
        rows = self.db.all("SELECT e.idx, count(*), coalesce(sum(i.size), 0) FROM index_entries e JOIN items i "
                           "ON i.tbl=e.tbl AND i.h=e.th AND i.pk=e.tpk AND i.sk=e.tsk WHERE e.tbl=? GROUP BY e.idx",
                           (tbl,))
        return {idx: (int(count), int(size)) for idx, count, size in rows}

    # -- items --------------------------------------------------------------------------------
    def get(self, tbl: int, pk: bytes, sk: bytes) -> bytes | None:
        row = self.db.one("SELECT item FROM items WHERE tbl=? AND h=? AND pk=? AND sk=?", (tbl, key_hash(pk), pk, sk))
        return row[0] if row else None

    def put(self, tbl: int, pk: bytes, sk: bytes, item: bytes, size: int, expires: float | None) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO items(tbl, h, pk, sk, item, size, expires) VALUES (?,?,?,?,?,?,?)",
            (tbl, key_hash(pk), pk, sk, item, size, expires),
        )

    def delete(self, tbl: int, pk: bytes, sk: bytes) -> None:
        self.db.execute("DELETE FROM items WHERE tbl=? AND h=? AND pk=? AND sk=?", (tbl, key_hash(pk), pk, sk))

    def set_expiry(self, tbl: int, pk: bytes, sk: bytes, expires: float | None) -> None:
        self.db.execute("UPDATE items SET expires=? WHERE tbl=? AND h=? AND pk=? AND sk=?",
                        (expires, tbl, key_hash(pk), pk, sk))

    def all_items(self, tbl: int) -> Iterator[tuple[bytes, bytes, bytes]]:
        return iter(self.db.execute("SELECT pk, sk, item FROM items WHERE tbl=?", (tbl,)))

    def expired(self, now: float, limit: int) -> list[tuple[int, bytes, bytes]]:
        return self.db.all(
            "SELECT tbl, pk, sk FROM items WHERE expires IS NOT NULL AND expires <= ? LIMIT ?", (now, limit)
        )

    # -- index entries --------------------------------------------------------------------------
    def put_entry(self, tbl: int, idx: str, pk: bytes, sk: bytes, tpk: bytes, tsk: bytes) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO index_entries(tbl, idx, h, pk, sk, tpk, tsk, th) VALUES (?,?,?,?,?,?,?,?)",
            (tbl, idx, key_hash(pk), pk, sk, tpk, tsk, key_hash(tpk)),
        )

    def delete_entry(self, tbl: int, idx: str, pk: bytes, sk: bytes, tpk: bytes, tsk: bytes) -> None:
        self.db.execute(
            "DELETE FROM index_entries WHERE tbl=? AND idx=? AND h=? AND pk=? AND sk=? AND tpk=? AND tsk=?",
            (tbl, idx, key_hash(pk), pk, sk, tpk, tsk),
        )

    def drop_index(self, tbl: int, idx: str) -> None:
        self.db.execute("DELETE FROM index_entries WHERE tbl=? AND idx=?", (tbl, idx))

    # -- ranges ---------------------------------------------------------------------------------
    def query_rows(self, tbl: int, pk: bytes, bounds: list[tuple[str, bytes]], after: bytes | None,
                   forward: bool) -> Iterator[tuple[bytes, bytes, bytes, int]]:
        """Items of one partition within the sort-key bounds, resuming after ``after``."""
        sql, args = ["SELECT pk, sk, item, size FROM items WHERE tbl=? AND h=? AND pk=?"], [tbl, key_hash(pk), pk]
        _bounds(sql, args, "sk", bounds)
        if after is not None:
            _bounds(sql, args, "sk", [(">" if forward else "<", after)])
        sql.append("ORDER BY sk" + ("" if forward else " DESC"))
        return iter(self.db.execute(" ".join(sql), args))

    def query_index_rows(self, tbl: int, idx: str, pk: bytes, bounds: list[tuple[str, bytes]],
                         after: tuple[bytes, bytes, bytes] | None, forward: bool
                         ) -> Iterator[tuple[bytes, bytes, bytes, int]]:
        """Entries of one index partition within the sort-key bounds, joined to their items.

        Rows are (tpk, tsk, item, size) in (sort key, table keys) order; ``after`` resumes
        after the entry (sk, tpk, tsk).
        """
        sql = [_ENTRY_JOIN, "WHERE e.tbl=? AND e.idx=? AND e.h=? AND e.pk=?"]
        args: list[Any] = [tbl, idx, key_hash(pk), pk]
        _bounds(sql, args, "e.sk", bounds)
        if after is not None:
            _bounds(sql, args, "(e.sk, e.tpk, e.tsk)", [(">" if forward else "<", after)])
        order = "" if forward else " DESC"
        sql.append(f"ORDER BY e.sk{order}, e.tpk{order}, e.tsk{order}")
        return iter(self.db.execute(" ".join(sql), args))

    def scan_rows(self, tbl: int, after: tuple[int, bytes, bytes] | None, h_low: int, h_high: int
                  ) -> Iterator[tuple[bytes, bytes, bytes, int]]:
        sql = ["SELECT pk, sk, item, size FROM items WHERE tbl=? AND h>=? AND h<?"]
        args: list[Any] = [tbl, h_low, h_high]
        if after is not None:
            sql.append("AND (h, pk, sk) > (?, ?, ?)")
            args.extend(after)
        sql.append("ORDER BY h, pk, sk")
        return iter(self.db.execute(" ".join(sql), args))

    def scan_index_rows(self, tbl: int, idx: str, after: tuple[int, bytes, bytes, bytes, bytes] | None,
                        h_low: int, h_high: int) -> Iterator[tuple[bytes, bytes, bytes, int]]:
        sql = [_ENTRY_JOIN, "WHERE e.tbl=? AND e.idx=? AND e.h>=? AND e.h<?"]
        args: list[Any] = [tbl, idx, h_low, h_high]
        if after is not None:
            sql.append("AND (e.h, e.pk, e.sk, e.tpk, e.tsk) > (?, ?, ?, ?, ?)")
            args.extend(after)
        sql.append("ORDER BY e.h, e.pk, e.sk, e.tpk, e.tsk")
        return iter(self.db.execute(" ".join(sql), args))

    # -- change log and tokens -------------------------------------------------------------------
    def record_change(self, tbl: int, at: float, event: str, keys: bytes, old: bytes | None,
                      new: bytes | None, expired: bool = False) -> None:
        """Append a change; its sequence number is above every earlier one, and about the
        time in microseconds, so it keeps growing across restarts."""
        self._last_seq = max(self._last_seq + 1, int(at * 1_000_000))
        self.db.execute(
            "INSERT INTO changes(tbl, seq, at, event, keys, old, new, expired) VALUES (?,?,?,?,?,?,?,?)",
            (tbl, self._last_seq, at, event, keys, old, new, int(expired)),
        )

    def trim_changes(self, tbl: int, before: float, batch: int = 10_000) -> None:
        """Drop a table's changes older than ``before`` (they are a prefix: time only grows)."""
        self.db.execute(
            "DELETE FROM changes WHERE tbl=? AND seq <= (SELECT max(seq) FROM "
            "(SELECT seq, at FROM changes WHERE tbl=? ORDER BY seq LIMIT ?) WHERE at < ?)",
            (tbl, tbl, batch, before),
        )

    def changes_after(self, tbl: int, seq: int, limit: int) -> list[tuple[Any, ...]]:
        return self.db.all("SELECT seq, at, event, keys, old, new, expired FROM changes WHERE tbl=? AND seq>? "
                           "ORDER BY seq LIMIT ?", (tbl, seq, limit))

    def token(self, tenant: str, token: str) -> tuple[str, float] | None:
        row = self.db.one("SELECT digest, at FROM write_tokens WHERE tenant=? AND token=?", (tenant, token))
        return (row[0], row[1]) if row else None

    def save_token(self, tenant: str, token: str, digest: str, at: float) -> None:
        self.db.execute("INSERT OR REPLACE INTO write_tokens(tenant, token, digest, at) VALUES (?,?,?,?)",
                        (tenant, token, digest, at))

    def trim_tokens(self, before: float) -> None:
        self.db.execute("DELETE FROM write_tokens WHERE at < ?", (before,))

    # -- snapshots --------------------------------------------------------------------------------
    def copy_items_to_snapshot(self, tbl: int, snap: str) -> None:
        self.db.execute("INSERT INTO snapshot_items(snap, h, pk, sk, item, size, expires) "
                        "SELECT ?, h, pk, sk, item, size, expires FROM items WHERE tbl=?", (snap, tbl))

    def copy_snapshot_to_items(self, snap: str, tbl: int) -> None:
        self.db.execute("INSERT INTO items(tbl, h, pk, sk, item, size, expires) "
                        "SELECT ?, h, pk, sk, item, size, expires FROM snapshot_items WHERE snap=?", (tbl, snap))

    def copy_items(self, source: int, target: int) -> None:
        self.db.execute("INSERT INTO items(tbl, h, pk, sk, item, size, expires) "
                        "SELECT ?, h, pk, sk, item, size, expires FROM items WHERE tbl=?", (target, source))

    def save_snapshot(self, snap: str, tenant: str, location: str, record: bytes) -> None:
        self.db.execute("INSERT INTO snapshots(id, tenant, location, record) VALUES (?,?,?,?)",
                        (snap, tenant, location, record))

    def snapshot_records(self, tenant: str, location: str) -> list[bytes]:
        rows = self.db.all("SELECT record FROM snapshots WHERE tenant=? AND location=?", (tenant, location))
        return [row[0] for row in rows]

    def delete_snapshot(self, snap: str) -> None:
        self.db.execute("DELETE FROM snapshot_items WHERE snap=?", (snap,))
        self.db.execute("DELETE FROM snapshots WHERE id=?", (snap,))

    def changes_newest_first(self, tbl: int, after: float) -> Iterator[tuple[bytes, bytes | None]]:
        """(keys, old image) of a table's changes later than ``after``, newest first."""
        return iter(self.db.execute("SELECT keys, old FROM changes WHERE tbl=? AND at > ? ORDER BY seq DESC",
                                    (tbl, after)))

    def earliest_change(self, tbl: int) -> float | None:
        row = self.db.one("SELECT at FROM changes WHERE tbl=? ORDER BY seq LIMIT 1", (tbl,))
        return row[0] if row else None

    def clear(self) -> None:
        for table in ("items", "index_entries", "changes", "write_tokens", "snapshot_items", "snapshots", "tables"):
            self.db.execute(f"DELETE FROM {table}")


def _bounds(sql: list[str], args: list[Any], column: str, bounds: list[tuple[str, Any]]) -> None:
    """Append ``AND column <op> value`` for each (op, value); a tuple value is a row value."""
    for op, value in bounds:
        if isinstance(value, tuple):
            sql.append(f"AND {column} {op} ({', '.join('?' * len(value))})")
            args.extend(value)
        else:
            sql.append(f"AND {column} {op} ?")
            args.append(value)
