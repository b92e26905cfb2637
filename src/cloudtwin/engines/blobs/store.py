"""The blob engine's schema and SQL: containers, blob versions, uploads, parts, garbage.

``blobs``: one row per version (or delete marker); ``seq`` orders a key's versions, newest
last; ``latest`` marks the current one, and the partial index ``blobs_current`` holds the
current versions that are not delete markers, in key order (UTF-8 byte order, as listings
want). Everything not queried lives in the CBOR ``doc``; what a listing shows of a blob that
is not a column already (``etag``, ``digest_names``) is copied out of it when the row is
written, so a listing decodes no document (rows written before these columns existed have
them NULL and are read from the document). ``garbage``: body files no row names
any more, removed from disk by the sweep after the commit that forgot them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import cbor2

from cloudtwin.engines.blobs.bodies import Segment
from cloudtwin.engines.blobs.model import Blob, Listed, Props, Restore, Retention
from cloudtwin.storage import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS containers(
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL, location TEXT NOT NULL, created REAL NOT NULL, doc BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS blobs(
    seq INTEGER PRIMARY KEY AUTOINCREMENT, cid INTEGER NOT NULL, key TEXT NOT NULL,
    version TEXT NOT NULL, latest INTEGER NOT NULL, marker INTEGER NOT NULL, size INTEGER NOT NULL,
    modified REAL NOT NULL, tier TEXT NOT NULL, noncurrent_since REAL, doc BLOB NOT NULL,
    etag TEXT, digest_names TEXT);
CREATE INDEX IF NOT EXISTS blobs_by_key ON blobs(cid, key, seq);
CREATE UNIQUE INDEX IF NOT EXISTS blobs_by_version ON blobs(cid, key, version);
CREATE INDEX IF NOT EXISTS blobs_current ON blobs(cid, key) WHERE latest=1 AND marker=0;
CREATE TABLE IF NOT EXISTS uploads(
    upload_id TEXT PRIMARY KEY, cid INTEGER NOT NULL, key TEXT NOT NULL,
    initiated REAL NOT NULL, doc BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS uploads_by_key ON uploads(cid, key, initiated);
CREATE TABLE IF NOT EXISTS parts(
    upload_id TEXT NOT NULL, number INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
    modified REAL NOT NULL, doc BLOB NOT NULL, PRIMARY KEY(upload_id, number)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS garbage(file_id TEXT PRIMARY KEY) WITHOUT ROWID;
"""

_BLOB_COLUMNS = "seq, key, version, latest, marker, size, modified, tier, noncurrent_since, doc"
#: What a listing of current blobs reads: the document only for rows older than the columns.
_LISTED_COLUMNS = "seq, key, size, modified, tier, etag, digest_names, CASE WHEN etag IS NULL THEN doc END"


def encode(value: Any) -> bytes:
    return cbor2.dumps(value)


def decode(blob: bytes) -> Any:
    return cbor2.loads(blob)


def props_doc(props: Props) -> dict[str, Any]:
    retention = props.retention
    return {"h": dict(props.headers), "m": dict(props.metadata), "t": dict(props.tags),
            "r": [retention.mode, retention.until] if retention else None, "lh": props.legal_hold}


def props_from(doc: dict[str, Any], tier: str) -> Props:
    retention = Retention(doc["r"][0], doc["r"][1]) if doc.get("r") else None
    return Props(doc["h"], doc["m"], doc["t"], tier, retention, doc["lh"])


class Row:
    """A blob version as stored: the public ``Blob`` plus what only the engine needs (its
    segments are decoded only when asked for: listings never need them)."""

    __slots__ = ("seq", "blob", "_segments", "wrapped")

    def __init__(self, container: str, row: tuple[Any, ...]) -> None:
        seq, key, version, latest, marker, size, modified, tier, noncurrent, raw = row
        doc = decode(raw)
        restore = Restore(*doc["rs"]) if doc.get("rs") else None
        self.seq: int = seq
        self._segments: list[Any] = doc["sg"]
        self.wrapped: bytes = doc["w"]
        self.blob = Blob(container, key, version, bool(latest), bool(marker), size, doc["e"], modified,
                         props_from(doc["p"], tier), doc["d"], doc["n"], doc["sm"], doc["kr"], doc["cm"],
                         restore, doc["ts"], noncurrent, self)

    @property
    def segments(self) -> list[Segment]:
        return [Segment.decode(s) for s in self._segments]


def blob_doc(blob: Blob, segments: Iterable[Segment], wrapped: bytes) -> bytes:
    restore = [blob.restore.ready_at, blob.restore.expires_at] if blob.restore else None
    return encode({"e": blob.etag, "p": props_doc(blob.props), "d": dict(blob.digests), "n": blob.parts,
                   "sm": blob.sealing_mode, "kr": blob.key_ref, "cm": blob.customer_key_md5, "rs": restore,
                   "ts": blob.tier_since, "sg": [s.encode() for s in segments], "w": wrapped})


def listed(row: tuple[Any, ...]) -> Listed:
    """A row of ``_LISTED_COLUMNS`` as a listing's summary (its key at index 1, as ``walk`` wants)."""
    _seq, key, size, modified, tier, etag, names, raw = row
    if etag is None:
        doc = decode(raw)
        return Listed(key, size, modified, doc["e"], tier, tuple(doc["d"]))
    return Listed(key, size, modified, etag, tier, tuple(names.split(",")) if names else ())


class BlobStore:
    """SQL over the engine's database; knows rows, not rules."""

    def __init__(self, db: Database) -> None:
        self.db = db
        columns = {r[1] for r in db.all("PRAGMA table_info(blobs)")}
        missing = [c for c in ("etag", "digest_names") if c not in columns]
        if missing:  # a database made before the listing columns: add them (NULL in old rows)
            with db.atomic():
                for column in missing:
                    db.execute(f"ALTER TABLE blobs ADD COLUMN {column} TEXT")

    # -- containers -------------------------------------------------------------------------------
    def container(self, name: str) -> tuple[int, str, str, float, dict[str, Any]] | None:
        row = self.db.one("SELECT id, tenant, location, created, doc FROM containers WHERE name=?", (name,))
        return (row[0], row[1], row[2], row[3], decode(row[4])) if row else None

    def container_names(self, tenant: str) -> list[tuple[str, str, float]]:
        return self.db.all("SELECT name, location, created FROM containers WHERE tenant=? ORDER BY name", (tenant,))

    def containers_with_rules(self) -> list[tuple[int, str, str, str, dict[str, Any]]]:
        rows = self.db.all("SELECT id, name, tenant, location, doc FROM containers")
        return [(r[0], r[1], r[2], r[3], doc) for r in rows if (doc := decode(r[4])).get("rules")]

    def insert_container(self, name: str, tenant: str, location: str, created: float, doc: dict[str, Any]) -> None:
        self.db.execute("INSERT INTO containers(name, tenant, location, created, doc) VALUES (?,?,?,?,?)",
                        (name, tenant, location, created, encode(doc)))

    def update_container(self, cid: int, doc: dict[str, Any]) -> None:
        self.db.execute("UPDATE containers SET doc=? WHERE id=?", (encode(doc), cid))

    def delete_container(self, cid: int) -> None:
        self.db.execute("DELETE FROM containers WHERE id=?", (cid,))

    def has_blobs(self, cid: int) -> bool:
        return self.db.one("SELECT 1 FROM blobs WHERE cid=? LIMIT 1", (cid,)) is not None

    # -- blobs ------------------------------------------------------------------------------------
    def latest(self, cid: int, key: str) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.db.one(f"SELECT {_BLOB_COLUMNS} FROM blobs WHERE cid=? AND key=? AND latest=1", (cid, key))
        return row

    def version(self, cid: int, key: str, version: str) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.db.one(
            f"SELECT {_BLOB_COLUMNS} FROM blobs WHERE cid=? AND key=? AND version=?", (cid, key, version))
        return row

    def newest_other(self, cid: int, key: str) -> int | None:
        row = self.db.one("SELECT max(seq) FROM blobs WHERE cid=? AND key=?", (cid, key))
        return row[0] if row else None

    def insert_blob(self, cid: int, blob: Blob, doc: bytes) -> None:
        self.db.execute(
            "INSERT INTO blobs(cid, key, version, latest, marker, size, modified, tier, noncurrent_since, doc, "
            "etag, digest_names) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (cid, blob.key, blob.version, int(blob.latest), int(blob.marker), blob.size, blob.modified,
             blob.tier, blob.noncurrent_since, doc, blob.etag, ",".join(blob.digests)))

    def replace_doc(self, seq: int, tier: str, doc: bytes) -> None:
        self.db.execute("UPDATE blobs SET tier=?, doc=? WHERE seq=?", (tier, doc, seq))

    def demote(self, cid: int, key: str, now: float) -> None:
        self.db.execute("UPDATE blobs SET latest=0, noncurrent_since=? WHERE cid=? AND key=? AND latest=1",
                        (now, cid, key))

    def promote(self, seq: int) -> None:
        self.db.execute("UPDATE blobs SET latest=1, noncurrent_since=NULL WHERE seq=?", (seq,))

    def delete_blob(self, seq: int) -> None:
        self.db.execute("DELETE FROM blobs WHERE seq=?", (seq,))

    def current_after(self, cid: int, low: str, inclusive: bool, limit: int) -> list[tuple[Any, ...]]:
        """Rows of ``_LISTED_COLUMNS`` for the current blobs from ``low``, in key order."""
        op = ">=" if inclusive else ">"
        return self.db.all(f"SELECT {_LISTED_COLUMNS} FROM blobs WHERE cid=? AND latest=1 AND marker=0 "
                           f"AND key {op} ? ORDER BY key LIMIT ?", (cid, low, limit))

    def versions_after(self, cid: int, low: str, inclusive: bool, limit: int) -> list[tuple[Any, ...]]:
        """Every version of the next ``limit`` keys from ``low``, newest first within a key."""
        op = ">=" if inclusive else ">"
        return self.db.all(f"SELECT {_BLOB_COLUMNS} FROM blobs WHERE cid=? AND key IN (SELECT DISTINCT key "
                           f"FROM blobs WHERE cid=? AND key {op} ? ORDER BY key LIMIT ?) ORDER BY key, seq DESC",
                           (cid, cid, low, limit))

    def all_versions(self, cid: int) -> list[tuple[Any, ...]]:
        return self.db.all(f"SELECT {_BLOB_COLUMNS} FROM blobs WHERE cid=? ORDER BY key, seq", (cid,))

    def key_versions(self, cid: int, key: str) -> list[tuple[Any, ...]]:
        return self.db.all(f"SELECT {_BLOB_COLUMNS} FROM blobs WHERE cid=? AND key=? ORDER BY seq", (cid, key))

    # -- uploads and parts ------------------------------------------------------------------------
    def insert_upload(self, upload_id: str, cid: int, key: str, initiated: float, doc: dict[str, Any]) -> None:
        self.db.execute("INSERT INTO uploads(upload_id, cid, key, initiated, doc) VALUES (?,?,?,?,?)",
                        (upload_id, cid, key, initiated, encode(doc)))

    def upload(self, upload_id: str) -> tuple[int, str, float, dict[str, Any]] | None:
        row = self.db.one("SELECT cid, key, initiated, doc FROM uploads WHERE upload_id=?", (upload_id,))
        return (row[0], row[1], row[2], decode(row[3])) if row else None

    def uploads(self, cid: int) -> list[tuple[str, str, float, dict[str, Any]]]:
        rows = self.db.all("SELECT upload_id, key, initiated, doc FROM uploads WHERE cid=? ORDER BY key, initiated",
                           (cid,))
        return [(r[0], r[1], r[2], decode(r[3])) for r in rows]

    def delete_upload(self, upload_id: str) -> None:
        self.db.execute("DELETE FROM parts WHERE upload_id=?", (upload_id,))
        self.db.execute("DELETE FROM uploads WHERE upload_id=?", (upload_id,))

    def put_part(self, upload_id: str, number: int, size: int, etag: str, modified: float, doc: dict[str, Any]) -> None:
        self.db.execute("INSERT OR REPLACE INTO parts(upload_id, number, size, etag, modified, doc) "
                        "VALUES (?,?,?,?,?,?)", (upload_id, number, size, etag, modified, encode(doc)))

    def part(self, upload_id: str, number: int) -> tuple[int, str, float, dict[str, Any]] | None:
        row = self.db.one("SELECT size, etag, modified, doc FROM parts WHERE upload_id=? AND number=?",
                          (upload_id, number))
        return (row[0], row[1], row[2], decode(row[3])) if row else None

    def parts(self, upload_id: str) -> list[tuple[int, int, str, float, dict[str, Any]]]:
        rows = self.db.all("SELECT number, size, etag, modified, doc FROM parts WHERE upload_id=? ORDER BY number",
                           (upload_id,))
        return [(r[0], r[1], r[2], r[3], decode(r[4])) for r in rows]

    # -- garbage ------------------------------------------------------------------------------------
    def discard(self, file_ids: Iterable[str]) -> None:
        """Forget body files (inline bodies, with no file, need nothing)."""
        self.db.executemany("INSERT OR IGNORE INTO garbage(file_id) VALUES (?)", [(f,) for f in file_ids if f])

    def garbage(self, limit: int) -> list[str]:
        return [r[0] for r in self.db.all("SELECT file_id FROM garbage LIMIT ?", (limit,))]

    def forget_garbage(self, file_ids: list[str]) -> None:
        self.db.executemany("DELETE FROM garbage WHERE file_id=?", [(f,) for f in file_ids])

    def clear(self) -> list[str]:
        """Forget everything; returns every body file that was named, for removal."""
        files = [s[0] for (raw,) in self.db.all("SELECT doc FROM blobs") for s in decode(raw)["sg"]]
        files += [decode(raw)["sg"][0] for (raw,) in self.db.all("SELECT doc FROM parts")]
        for table in ("parts", "uploads", "blobs", "containers"):
            self.db.execute(f"DELETE FROM {table}")
        return files
