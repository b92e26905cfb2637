"""SQLite databases, one per engine, with group commit.

Rules this module keeps:
1. Every write happens inside ``Database.atomic()``: a savepoint, so an operation that fails
   half-way leaves nothing behind, without disturbing other operations of the same batch.
2. Writes of many requests share one transaction; ``Storage.commit()`` ends it. The server
   calls it (through ``Storage.flush``) before it answers any request that wrote, so a client
   never sees an acknowledgement for data that is not committed (WAL: safe against a crash of
   the process; with durability "power", fsync'd too).
3. Each engine owns its schema: it passes its DDL to ``Storage.open``.
4. Checkpoints (copying the WAL into the database file, with its fsyncs) run on a background
   thread with its own connection, never inside a request's commit.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class Database:
    """One engine's SQLite connection: prepared statements are cached by sqlite3 itself."""

    def __init__(self, conn: sqlite3.Connection, on_dirty: "Storage") -> None:
        self.conn = conn
        self._storage = on_dirty
        self._depth = 0
        self.in_transaction = False

    def execute(self, sql: str, args: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, args)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def one(self, sql: str, args: Any = ()) -> Any:
        return self.conn.execute(sql, args).fetchone()

    def all(self, sql: str, args: Any = ()) -> list[Any]:
        return self.conn.execute(sql, args).fetchall()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """All writes inside happen together or not at all."""
        if not self.in_transaction:
            self.conn.execute("BEGIN")
            self.in_transaction = True
            self._storage.mark_dirty(self)
        self._depth += 1
        name = f"sp{self._depth}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            raise
        else:
            self.conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    def commit(self) -> None:
        if self.in_transaction:
            self.conn.execute("COMMIT")
            self.in_transaction = False

    def close(self) -> None:
        self.commit()
        self.conn.close()


class Storage:
    """Opens engines' databases under the data dir (or in memory) and commits them in groups."""

    def __init__(self, data_dir: Path | None, durability: str = "process") -> None:
        self.data_dir = data_dir
        self.durability = durability
        self._databases: dict[str, Database] = {}
        self._dirty: list[Database] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._scheduled = False
        self._checkpointer = Checkpointer()
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)

    @property
    def ephemeral(self) -> bool:
        return self.data_dir is None

    def open(self, name: str, schema: str) -> Database:
        """The database of engine ``name``, created with ``schema`` (idempotent DDL)."""
        path = ":memory:" if self.data_dir is None else str(self.data_dir / f"{name}.sqlite")
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        if self.data_dir is not None:
            conn.execute("PRAGMA journal_mode=WAL")
            sync = "FULL" if self.durability == "power" else "NORMAL"
            conn.execute(f"PRAGMA synchronous={sync}")
            conn.execute("PRAGMA wal_autocheckpoint=0")
            self._checkpointer.watch(path)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA cache_size=-65536")
        conn.executescript(schema)
        db = Database(conn, self)
        self._databases[name] = db
        return db

    def body_dir(self, name: str) -> Path | None:
        """A folder for an engine's large bodies, or None when ephemeral."""
        if self.data_dir is None:
            return None
        path = self.data_dir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def mark_dirty(self, db: Database) -> None:
        self._dirty.append(db)

    @property
    def dirty(self) -> bool:
        return bool(self._dirty)

    def commit(self) -> None:
        dirty, self._dirty = self._dirty, []
        for db in dirty:
            db.commit()

    async def flush(self) -> None:
        """Wait until everything written so far is committed; one commit serves many callers."""
        if not self._dirty:
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._commit_group)
        await waiter

    def _commit_group(self) -> None:
        self._scheduled = False
        waiters, self._waiters = self._waiters, []
        try:
            self.commit()
        except Exception as exc:  # a failed commit must fail every request that waited on it
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(exc)
            return
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def close(self) -> None:
        self._checkpointer.stop()
        for db in self._databases.values():
            db.close()
        self._databases.clear()


class Checkpointer:
    """A daemon thread that checkpoints each watched WAL database every ``interval`` seconds."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._paths: list[str] = []
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, path: str) -> None:
        self._paths.append(path)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cloudtwin-checkpoint", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        connections: dict[str, sqlite3.Connection] = {}
        while not self._stopped.wait(self.interval):
            for path in list(self._paths):
                conn = connections.get(path)
                if conn is None:
                    conn = connections[path] = sqlite3.connect(path, isolation_level=None)
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.OperationalError:  # busy: the next round will do it
                    pass
        for conn in connections.values():
            conn.close()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
