"""The queue engine's schema and SQL. Knows rows, not rules.

``messages``: one row per stored message. ``visible`` is when it can next be delivered (after
its delay, or when its lease ends); ``lease`` is the nonce of its latest lease (NULL until first
delivered), so a message is leased while ``lease IS NOT NULL AND visible > now`` and delayed while
``lease IS NULL AND visible > now``. ``expires`` is the end of its retention. ``origin`` is the
queue it was dead-lettered from. The row id is the message's sequence number: order of arrival.
``dedup``: dedup ids remembered within their window. ``attempts``: receive attempts a client
may retry. ``moves``: move tasks. ``tombstones``: recently deleted queue names.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import cbor2

from cloudtwin.storage import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS queues(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL, location TEXT NOT NULL, name TEXT NOT NULL,
    spec BLOB NOT NULL, created REAL NOT NULL, modified REAL NOT NULL, tags BLOB NOT NULL,
    purged REAL, UNIQUE(tenant, location, name));
CREATE TABLE IF NOT EXISTS messages(
    id INTEGER PRIMARY KEY AUTOINCREMENT, queue INTEGER NOT NULL, message_id TEXT NOT NULL,
    body NOT NULL, attributes BLOB, grp TEXT, dedup TEXT,
    sent REAL NOT NULL, visible REAL NOT NULL, expires REAL NOT NULL,
    deliveries INTEGER NOT NULL DEFAULT 0, first_delivered REAL, lease INTEGER, origin INTEGER);
CREATE INDEX IF NOT EXISTS messages_ready ON messages(queue, visible);
CREATE INDEX IF NOT EXISTS messages_expiry ON messages(expires);
CREATE INDEX IF NOT EXISTS messages_groups ON messages(queue, grp, visible) WHERE grp IS NOT NULL;
CREATE TABLE IF NOT EXISTS dedup(
    queue INTEGER NOT NULL, key TEXT NOT NULL, message_id TEXT NOT NULL, seq INTEGER NOT NULL,
    at REAL NOT NULL, PRIMARY KEY(queue, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedup_by_time ON dedup(at);
CREATE TABLE IF NOT EXISTS attempts(
    queue INTEGER NOT NULL, attempt TEXT NOT NULL, leases BLOB NOT NULL, at REAL NOT NULL,
    PRIMARY KEY(queue, attempt)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS attempts_by_time ON attempts(at);
CREATE TABLE IF NOT EXISTS moves(
    id INTEGER PRIMARY KEY AUTOINCREMENT, handle TEXT NOT NULL UNIQUE, source INTEGER NOT NULL,
    destination INTEGER, rate INTEGER, started REAL NOT NULL, last REAL NOT NULL,
    moved INTEGER NOT NULL, total INTEGER NOT NULL, status TEXT NOT NULL, failure TEXT);
CREATE TABLE IF NOT EXISTS tombstones(
    tenant TEXT NOT NULL, location TEXT NOT NULL, name TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY(tenant, location, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
"""

MESSAGE_COLUMNS = "id, message_id, body, attributes, grp, dedup, sent, deliveries, first_delivered, origin"


class Row(NamedTuple):
    """A message row as ``MESSAGE_COLUMNS`` reads it."""

    id: int
    message_id: str
    body: Any
    attributes: bytes | None
    group: str | None
    dedup: str | None
    sent: float
    deliveries: int
    first_delivered: float | None
    origin: int | None


def encode(value: Any) -> bytes:
    return cbor2.dumps(value)


def decode(blob: bytes | None) -> Any:
    return None if blob is None else cbor2.loads(blob)


class QueueStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- engine secrets -------------------------------------------------------------------------
    def secret(self, key: str, make: bytes) -> bytes:
        """The value stored under ``key``, storing ``make`` first if there is none."""
        row = self.db.one("SELECT value FROM meta WHERE key=?", (key,))
        if row:
            return bytes(row[0])
        with self.db.atomic():
            self.db.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (key, make))
        return make

    # -- queues ---------------------------------------------------------------------------------
    def load_queues(self) -> list[tuple[Any, ...]]:
        return self.db.all("SELECT id, tenant, location, name, spec, created, modified, tags, purged FROM queues")

    def insert_queue(self, tenant: str, location: str, name: str, spec: bytes, now: float, tags: bytes) -> int:
        cursor = self.db.execute(
            "INSERT INTO queues(tenant, location, name, spec, created, modified, tags) VALUES (?,?,?,?,?,?,?)",
            (tenant, location, name, spec, now, now, tags),
        )
        return int(cursor.lastrowid or 0)

    def update_queue(self, qid: int, spec: bytes, modified: float, tags: bytes, purged: float | None) -> None:
        self.db.execute("UPDATE queues SET spec=?, modified=?, tags=?, purged=? WHERE id=?",
                        (spec, modified, tags, purged, qid))

    def delete_queue(self, qid: int) -> None:
        for sql in ("DELETE FROM messages WHERE queue=?", "DELETE FROM dedup WHERE queue=?",
                    "DELETE FROM attempts WHERE queue=?", "DELETE FROM moves WHERE source=?",
                    "DELETE FROM queues WHERE id=?"):
            self.db.execute(sql, (qid,))

    def tombstone(self, tenant: str, location: str, name: str) -> float | None:
        row = self.db.one("SELECT at FROM tombstones WHERE tenant=? AND location=? AND name=?",
                          (tenant, location, name))
        return row[0] if row else None

    def bury(self, tenant: str, location: str, name: str, at: float) -> None:
        self.db.execute("INSERT OR REPLACE INTO tombstones(tenant, location, name, at) VALUES (?,?,?,?)",
                        (tenant, location, name, at))

    # -- messages -------------------------------------------------------------------------------
    def insert_message(self, qid: int, message_id: str, body: Any, attributes: bytes | None, group: str | None,
                       dedup: str | None, sent: float, visible: float, expires: float) -> int:
        cursor = self.db.execute(
            "INSERT INTO messages(queue, message_id, body, attributes, grp, dedup, sent, visible, expires)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (qid, message_id, body, attributes, group, dedup, sent, visible, expires),
        )
        return int(cursor.lastrowid or 0)

    def ready(self, qid: int, now: float, limit: int) -> list[Row]:
        """Deliverable messages, oldest visibility first (best-effort order)."""
        return self._rows(
            f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE queue=? AND visible<=? ORDER BY visible, id LIMIT ?",
            (qid, now, limit),
        )

    def ready_in_order(self, qid: int, now: float, limit: int) -> list[Row]:
        """Deliverable messages of groups with nothing leased and nothing delayed ahead, in arrival order."""
        return self._rows(
            f"SELECT {MESSAGE_COLUMNS} FROM messages m WHERE queue=? AND visible<=? AND NOT EXISTS("
            " SELECT 1 FROM messages b WHERE b.queue=m.queue AND b.grp=m.grp AND b.visible>?"
            " AND (b.id<m.id OR b.lease IS NOT NULL))"
            " ORDER BY id LIMIT ?",
            (qid, now, now, limit),
        )

    def has_ready(self, qid: int, now: float) -> bool:
        return self.db.one("SELECT 1 FROM messages WHERE queue=? AND visible<=? LIMIT 1", (qid, now)) is not None

    def lease(self, row: int, nonce: int, now: float, until: float) -> None:
        self.db.execute(
            "UPDATE messages SET deliveries=deliveries+1, first_delivered=coalesce(first_delivered, ?),"
            " lease=?, visible=? WHERE id=?",
            (now, nonce, until, row),
        )

    def lease_of(self, row: int) -> tuple[int, int | None, float] | None:
        """(queue, lease nonce, visible) of a message, or None when it is gone."""
        found: tuple[int, int | None, float] | None = self.db.one(
            "SELECT queue, lease, visible FROM messages WHERE id=?", (row,))
        return found

    def set_visible(self, row: int, visible: float) -> None:
        self.db.execute("UPDATE messages SET visible=? WHERE id=?", (visible, row))

    def delete_leased(self, row: int, qid: int, nonce: int) -> None:
        """Delete the message if it is still in queue ``qid`` under lease ``nonce``."""
        self.db.execute("DELETE FROM messages WHERE id=? AND queue=? AND lease=?", (row, qid, nonce))

    def relocate(self, row: int, qid: int, origin: int | None, visible: float, expires: float,
                 reset: bool) -> None:
        """Move a message to queue ``qid``; ``reset`` starts its delivery count again."""
        self.db.execute(
            "UPDATE messages SET queue=?, origin=?, visible=?, expires=?, lease=NULL,"
            " deliveries=CASE WHEN ? THEN 0 ELSE deliveries END,"
            " first_delivered=CASE WHEN ? THEN NULL ELSE first_delivered END WHERE id=?",
            (qid, origin, visible, expires, reset, reset, row),
        )

    def counts(self, qid: int, now: float) -> tuple[int, int, int]:
        row = self.db.one(
            "SELECT count(*) FILTER (WHERE visible<=?), count(*) FILTER (WHERE visible>? AND lease IS NOT NULL),"
            " count(*) FILTER (WHERE visible>? AND lease IS NULL) FROM messages WHERE queue=?",
            (now, now, now, qid),
        )
        return int(row[0]), int(row[1]), int(row[2])

    def set_retention(self, qid: int, retention: float) -> None:
        """Every message of the queue now expires ``retention`` seconds after it was sent."""
        self.db.execute("UPDATE messages SET expires=sent+? WHERE queue=?", (retention, qid))

    def purge(self, qid: int) -> None:
        self.db.execute("DELETE FROM messages WHERE queue=?", (qid,))

    def expire(self, now: float) -> None:
        self.db.execute("DELETE FROM messages WHERE expires<=?", (now,))

    def movable(self, qid: int, now: float, with_origin: bool, limit: int) -> list[tuple[int, int | None]]:
        """(row, origin) of messages a move task may take: not leased, oldest first."""
        origin = "AND origin IS NOT NULL" if with_origin else ""
        return self.db.all(
            f"SELECT id, origin FROM messages WHERE queue=? AND visible<=? {origin} ORDER BY id LIMIT ?",
            (qid, now, limit),
        )

    def count_movable(self, qid: int, with_origin: bool) -> int:
        origin = "AND origin IS NOT NULL" if with_origin else ""
        return int(self.db.one(f"SELECT count(*) FROM messages WHERE queue=? {origin}", (qid,))[0])

    # -- dedup and receive attempts ---------------------------------------------------------------
    def dedup(self, qid: int, key: str, since: float) -> tuple[str, int] | None:
        row = self.db.one("SELECT message_id, seq FROM dedup WHERE queue=? AND key=? AND at>?", (qid, key, since))
        return (row[0], row[1]) if row else None

    def remember_dedup(self, qid: int, key: str, message_id: str, seq: int, at: float) -> None:
        self.db.execute("INSERT OR REPLACE INTO dedup(queue, key, message_id, seq, at) VALUES (?,?,?,?,?)",
                        (qid, key, message_id, seq, at))

    def attempt(self, qid: int, attempt: str, since: float) -> list[list[int]] | None:
        row = self.db.one("SELECT leases FROM attempts WHERE queue=? AND attempt=? AND at>?", (qid, attempt, since))
        return decode(row[0]) if row else None

    def remember_attempt(self, qid: int, attempt: str, leases: list[list[int]], at: float) -> None:
        self.db.execute("INSERT OR REPLACE INTO attempts(queue, attempt, leases, at) VALUES (?,?,?,?)",
                        (qid, attempt, encode(leases), at))

    def message(self, row: int) -> Row | None:
        found = self._rows(f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id=?", (row,))
        return found[0] if found else None

    def _rows(self, sql: str, args: tuple[Any, ...]) -> list[Row]:
        return [Row._make(r) for r in self.db.execute(sql, args)]

    def trim(self, before: float) -> None:
        """Forget dedup ids, receive attempts and tombstones older than ``before``."""
        for table in ("dedup", "attempts", "tombstones"):
            self.db.execute(f"DELETE FROM {table} WHERE at<?", (before,))

    # -- move tasks ---------------------------------------------------------------------------------
    def insert_move(self, handle: str, source: int, destination: int | None, rate: int | None, now: float,
                    total: int) -> None:
        self.db.execute(
            "INSERT INTO moves(handle, source, destination, rate, started, last, moved, total, status)"
            " VALUES (?,?,?,?,?,?,0,?,'RUNNING')",
            (handle, source, destination, rate, now, now, total),
        )

    def moves(self, where: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return self.db.all(
            "SELECT handle, source, destination, rate, started, last, moved, total, status, failure"
            f" FROM moves WHERE {where} ORDER BY id DESC", args,
        )

    def update_move(self, handle: str, last: float, moved: int, status: str, failure: str | None = None) -> None:
        self.db.execute("UPDATE moves SET last=?, moved=?, status=?, failure=? WHERE handle=?",
                        (last, moved, status, failure, handle))

    def clear(self) -> None:
        for table in ("messages", "dedup", "attempts", "moves", "tombstones", "queues"):
            self.db.execute(f"DELETE FROM {table}")
