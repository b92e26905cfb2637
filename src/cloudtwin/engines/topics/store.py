"""The topic engine's SQLite tables: topics, subscriptions, dedup window, delivery retries.

Specs are stored as JSON; ``decode_*``/``encode_*`` are the only code that knows their form.
The ``deliveries`` table is the outbox of messages that still have to reach a subscriber:
a row exists only while a delivery is in flight or waiting for a retry.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import orjson

from cloudtwin.engines._kernel.dispatch import Envelope, Target
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.topics.model import SubscriptionSpec, TopicSpec
from cloudtwin.engines.topics.retry import RetryPolicy
from cloudtwin.storage import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS topics (
    id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, location TEXT NOT NULL, name TEXT NOT NULL,
    spec BLOB NOT NULL, tags BLOB NOT NULL, created REAL NOT NULL, seq INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant, location, name));
CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY, topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    spec BLOB NOT NULL, confirmed INTEGER NOT NULL, token TEXT, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS subscriptions_by_topic ON subscriptions (topic_id, created);
CREATE TABLE IF NOT EXISTS dedup (
    topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE, dedup_id TEXT NOT NULL,
    message_id TEXT NOT NULL, seq INTEGER, expires REAL NOT NULL, PRIMARY KEY (topic_id, dedup_id));
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY, subscription TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    envelope BLOB NOT NULL, attempts INTEGER NOT NULL, last REAL NOT NULL, due REAL,
    inflight INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (due);
"""


def encode_target(target: Target | None) -> Any:
    return None if target is None else [target.kind, target.scope.tenant, target.scope.location, target.name]


def decode_target(value: Any) -> Target | None:
    return None if value is None else Target(value[0], Scope(value[1], value[2]), value[3])


def encode_topic_spec(spec: TopicSpec) -> bytes:
    return orjson.dumps(asdict(spec))


def decode_topic_spec(blob: bytes) -> TopicSpec:
    return TopicSpec(**orjson.loads(blob))


def encode_subscription_spec(spec: SubscriptionSpec) -> bytes:
    data = asdict(spec)
    data["target"] = encode_target(spec.target)
    data["dead_letter"] = encode_target(spec.dead_letter)
    return orjson.dumps(data)


def decode_subscription_spec(blob: bytes) -> SubscriptionSpec:
    data = orjson.loads(blob)
    data["target"] = decode_target(data["target"])
    data["dead_letter"] = decode_target(data["dead_letter"])
    data["retry"] = RetryPolicy(**data["retry"])
    return SubscriptionSpec(**data)


def encode_envelope(envelope: Envelope) -> bytes:
    return orjson.dumps(asdict(envelope))


def decode_envelope(blob: bytes) -> Envelope:
    return Envelope(**orjson.loads(blob))


class TopicStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def clear(self) -> None:
        for table in ("deliveries", "dedup", "subscriptions", "topics"):
            self.db.execute(f"DELETE FROM {table}")

    # -- topics ---------------------------------------------------------------------------------
    def all_topics(self) -> list[Any]:
        return self.db.all("SELECT id, tenant, location, name, spec, tags, created, seq FROM topics")

    def add_topic(self, scope: Scope, spec: TopicSpec, tags: dict[str, str], created: float) -> int:
        cursor = self.db.execute(
            "INSERT INTO topics (tenant, location, name, spec, tags, created) VALUES (?, ?, ?, ?, ?, ?)",
            (scope.tenant, scope.location, spec.name, encode_topic_spec(spec), orjson.dumps(tags), created))
        return int(cursor.lastrowid or 0)

    def update_topic(self, topic_id: int, spec: TopicSpec, tags: dict[str, str]) -> None:
        self.db.execute("UPDATE topics SET spec = ?, tags = ? WHERE id = ?",
                        (encode_topic_spec(spec), orjson.dumps(tags), topic_id))

    def delete_topic(self, topic_id: int) -> None:
        self.db.execute("DELETE FROM topics WHERE id = ?", (topic_id,))

    def next_sequence(self, topic_id: int) -> int:
        row = self.db.one("UPDATE topics SET seq = seq + 1 WHERE id = ? RETURNING seq", (topic_id,))
        return int(row[0])

    # -- subscriptions --------------------------------------------------------------------------
    def all_subscriptions(self) -> list[Any]:
        return self.db.all("SELECT id, topic_id, spec, confirmed, token, created FROM subscriptions "
                           "ORDER BY created, id")

    def add_subscription(self, sub_id: str, topic_id: int, spec: SubscriptionSpec, confirmed: bool,
                         token: str | None, created: float) -> None:
        self.db.execute(
            "INSERT INTO subscriptions (id, topic_id, spec, confirmed, token, created) VALUES (?, ?, ?, ?, ?, ?)",
            (sub_id, topic_id, encode_subscription_spec(spec), int(confirmed), token, created))

    def update_subscription(self, sub_id: str, spec: SubscriptionSpec, confirmed: bool) -> None:
        self.db.execute("UPDATE subscriptions SET spec = ?, confirmed = ? WHERE id = ?",
                        (encode_subscription_spec(spec), int(confirmed), sub_id))

    def subscription_token(self, sub_id: str) -> str | None:
        row = self.db.one("SELECT token FROM subscriptions WHERE id = ?", (sub_id,))
        return None if row is None else row[0]

    def delete_subscription(self, sub_id: str) -> None:
        self.db.execute("DELETE FROM subscriptions WHERE id = ?", (sub_id,))

    # -- dedup window ---------------------------------------------------------------------------
    def find_duplicate(self, topic_id: int, dedup_id: str, now: float) -> Any:
        return self.db.one("SELECT message_id, seq FROM dedup WHERE topic_id = ? AND dedup_id = ? AND expires > ?",
                           (topic_id, dedup_id, now))

    def remember(self, topic_id: int, dedup_id: str, message_id: str, seq: int | None, expires: float) -> None:
        self.db.execute("INSERT OR REPLACE INTO dedup VALUES (?, ?, ?, ?, ?)",
                        (topic_id, dedup_id, message_id, seq, expires))

    def forget_before(self, now: float) -> None:
        self.db.execute("DELETE FROM dedup WHERE expires <= ?", (now,))

    # -- the outbox -----------------------------------------------------------------------------
    def add_delivery(self, sub_id: str, envelope: Envelope, attempts: int, last: float,
                     due: float | None, inflight: bool) -> int:
        cursor = self.db.execute(
            "INSERT INTO deliveries (subscription, envelope, attempts, last, due, inflight) VALUES (?, ?, ?, ?, ?, ?)",
            (sub_id, encode_envelope(envelope), attempts, last, due, int(inflight)))
        return int(cursor.lastrowid or 0)

    def delivery(self, delivery_id: int) -> Any:
        return self.db.one("SELECT id, subscription, envelope, attempts, last FROM deliveries WHERE id = ?",
                           (delivery_id,))

    def due_deliveries(self, now: float, limit: int = 500) -> list[Any]:
        return self.db.all("SELECT id, subscription, envelope, attempts, due FROM deliveries "
                           "WHERE inflight = 0 AND due <= ? ORDER BY due LIMIT ?", (now, limit))

    def schedule(self, delivery_id: int, attempts: int, last: float, due: float | None, inflight: bool) -> None:
        self.db.execute("UPDATE deliveries SET attempts = ?, last = ?, due = ?, inflight = ? WHERE id = ?",
                        (attempts, last, due, int(inflight), delivery_id))

    def finish(self, delivery_id: int) -> None:
        self.db.execute("DELETE FROM deliveries WHERE id = ?", (delivery_id,))

    def requeue_inflight(self, now: float) -> None:
        """After a restart, deliveries that were in flight are due again at once."""
        self.db.execute("UPDATE deliveries SET inflight = 0, due = ? WHERE inflight = 1", (now,))

    def pending_count(self, sub_id: str) -> int:
        return int(self.db.one("SELECT COUNT(*) FROM deliveries WHERE subscription = ?", (sub_id,))[0])
