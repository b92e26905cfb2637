"""The topic engine: publish/subscribe with filters, ordered topics, handshakes and retries.

Models Amazon SNS topics ("Amazon SNS topics", "Message filtering", "FIFO topics", "Message
delivery retries", "Dead-letter queues") and Azure Event Grid topics and subscriptions where
they agree. Invariants:
1. One publish reaches each matching, confirmed subscription exactly once in normal operation
   (a failed delivery is retried from the outbox, so at-least-once under faults).
2. Ordered topics number their messages and drop a message whose deduplication id was seen
   within ``dedup_window`` on the clock: the duplicate gets the first one's id and number.
3. A subscription whose spec asks for confirmation receives a token first, and messages only
   after ``confirm`` with that token.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import orjson

from cloudtwin.clock import Clock
from cloudtwin.engines._kernel.dispatch import Dispatch, Envelope
from cloudtwin.engines._kernel.errors import AlreadyExists, Invalid
from cloudtwin.engines._kernel.ids import new_hex, new_uuid
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.topics.catalog import Catalog, Entry, compile_filter
from cloudtwin.engines.topics.deliveries import Deliveries
from cloudtwin.engines.topics.model import (
    ON_BODY, Message, Published, Subscription, SubscriptionSpec, Topic, TopicSpec,
)
from cloudtwin.engines.topics.patterns import PatternLimits
from cloudtwin.engines.topics.store import SCHEMA, TopicStore
from cloudtwin.storage import Storage


class TopicsEngine:
    def __init__(self, storage: Storage, clock: Clock, dispatch: Dispatch) -> None:
        self.db = storage.open("topics", SCHEMA)
        self.store = TopicStore(self.db)
        self.clock = clock
        self.catalog = Catalog(self.store)
        self.deliveries = Deliveries(self.db, self.store, dispatch, clock, self._owner)
        with self.db.atomic():
            self.store.requeue_inflight(clock.now())

    # -- lifecycle ------------------------------------------------------------------------------
    def reset(self) -> None:
        with self.db.atomic():
            self.store.clear()
        self.catalog.reload()

    def sweep(self, now: float) -> None:
        with self.db.atomic():
            self.store.forget_before(now)
            self.deliveries.retry_due(now)

    # -- topics ---------------------------------------------------------------------------------
    def create_topic(self, scope: Scope, spec: TopicSpec, tags: dict[str, str] | None = None) -> Topic:
        if self.catalog.find(scope, spec.name) is not None:
            raise AlreadyExists(f"Topic already exists: {spec.name}", kind="topic", name=spec.name)
        with self.db.atomic():
            entry = self.catalog.add_topic(scope, spec, tags or {}, self.clock.now())
        return entry.topic

    def find_topic(self, scope: Scope, name: str) -> Topic | None:
        entry = self.catalog.find(scope, name)
        return None if entry is None else self._topic(entry)

    def topic(self, scope: Scope, name: str) -> Topic:
        return self._topic(self.catalog.get(scope, name))

    def list_topics(self, scope: Scope) -> list[str]:
        return self.catalog.names(scope)

    def update_topic(self, scope: Scope, name: str, spec: TopicSpec) -> Topic:
        entry = self.catalog.get(scope, name)
        with self.db.atomic():
            self.catalog.replace_topic(entry, spec, dict(entry.topic.tags))
        return self._topic(entry)

    def delete_topic(self, scope: Scope, name: str) -> None:
        """Deleting a topic that does not exist is no error (as in the cloud)."""
        entry = self.catalog.find(scope, name)
        if entry is not None:
            with self.db.atomic():
                self.catalog.remove_topic(entry)

    def tag(self, scope: Scope, name: str, tags: dict[str, str]) -> None:
        entry = self.catalog.get(scope, name)
        with self.db.atomic():
            self.catalog.replace_topic(entry, entry.topic.spec, {**entry.topic.tags, **tags})

    def untag(self, scope: Scope, name: str, keys: list[str]) -> None:
        entry = self.catalog.get(scope, name)
        remaining = {k: v for k, v in entry.topic.tags.items() if k not in keys}
        with self.db.atomic():
            self.catalog.replace_topic(entry, entry.topic.spec, remaining)

    def _topic(self, entry: Entry) -> Topic:
        return replace(entry.topic, subscriptions=len(entry.subscriptions))

    # -- subscriptions --------------------------------------------------------------------------
    def subscribe(self, scope: Scope, topic: str, spec: SubscriptionSpec,
                  limits: PatternLimits = PatternLimits(), context: dict[str, Any] | None = None) -> Subscription:
        """A new subscription, or the existing one for the same target (the face compares specs).

        Subscribing again to a target that has not confirmed sends it its token again.
        """
        entry = self.catalog.get(scope, topic)
        for existing in entry.subscriptions.values():
            if existing.spec.target == spec.target:
                token = None if existing.confirmed else self.store.subscription_token(existing.id)
                if token is not None:
                    self._ask_confirmation(entry, existing, token, context or {})
                return existing
        sub = Subscription(new_uuid(), scope, topic, spec, not spec.confirm, self.clock.now(),
                           compile_filter(spec, limits))
        token = new_hex(64) if spec.confirm else None
        with self.db.atomic():
            self.catalog.add_subscription(entry, sub, token)
        if token is not None:
            self._ask_confirmation(entry, sub, token, context or {})
        return sub

    def _ask_confirmation(self, entry: Entry, sub: Subscription, token: str, context: dict[str, Any]) -> None:
        envelope = Envelope(body="", message_id=new_uuid(), source=entry.topic.spec.name,
                            timestamp=self.clock.now(), purpose="confirmation",
                            context={**context, "token": token, "subscription": sub.id,
                                     "subscription_attributes": dict(sub.spec.attributes)})
        with self.db.atomic():
            self.deliveries.send(entry.topic.spec.renderer, sub, envelope)

    def subscription(self, sub_id: str) -> Subscription:
        return self.catalog.subscription(sub_id)[1]

    def subscriptions(self, scope: Scope, topic: str | None = None) -> list[Subscription]:
        if topic is None:
            return self.catalog.all_subscriptions(scope)
        return list(self.catalog.get(scope, topic).subscriptions.values())

    def update_subscription(self, sub_id: str, spec: SubscriptionSpec,
                            limits: PatternLimits = PatternLimits()) -> Subscription:
        entry, sub = self.catalog.subscription(sub_id)
        changed = replace(sub, spec=spec, pattern=compile_filter(spec, limits))
        with self.db.atomic():
            self.catalog.replace_subscription(entry, changed)
        return changed

    def confirm(self, scope: Scope, topic: str, token: str) -> Subscription:
        entry = self.catalog.get(scope, topic)
        for sub in entry.subscriptions.values():
            if self.store.subscription_token(sub.id) == token:
                confirmed = replace(sub, confirmed=True)
                with self.db.atomic():
                    self.catalog.replace_subscription(entry, confirmed)
                return confirmed
        raise Invalid("Invalid token", kind="token")

    def unsubscribe(self, sub_id: str) -> None:
        entry, _sub = self.catalog.subscription(sub_id)
        with self.db.atomic():
            self.catalog.remove_subscription(entry, sub_id)

    def pending_deliveries(self, sub_id: str) -> int:
        """Messages of a subscription still in flight or waiting for a retry."""
        return self.store.pending_count(sub_id)

    def _owner(self, sub_id: str) -> tuple[str, Subscription] | None:
        found = self.catalog.subscriptions.get(sub_id)
        return None if found is None else (found[0].topic.spec.renderer, found[1])

    # -- publishing -----------------------------------------------------------------------------
    def publish(self, scope: Scope, topic: str, message: Message) -> Published:
        entry = self.catalog.get(scope, topic)
        spec = entry.topic.spec
        now = self.clock.now()
        dedup_id = self._dedup_id(spec, message)
        if spec.ordered:
            numbered = self._number(entry, message, dedup_id, now)
            if numbered.duplicate:
                return numbered
        else:
            numbered = Published(new_uuid())
        envelope = Envelope(message.body, numbered.message_id, spec.name, message.attributes, message.group,
                            dedup_id, numbered.sequence, now, context=message.context)
        return Published(numbered.message_id, numbered.sequence, delivered=self._fan_out(entry, message, envelope))

    def _number(self, entry: Entry, message: Message, dedup_id: str | None, now: float) -> Published:
        """An ordered topic's next id and sequence number, or the earlier message's if a duplicate."""
        spec = entry.topic.spec
        window_key = f"{message.group}\x00{dedup_id}" if spec.dedup_per_group else dedup_id
        with self.db.atomic():
            if window_key is not None:
                seen = self.store.find_duplicate(entry.id, window_key, now)
                if seen is not None:
                    return Published(seen[0], seen[1], duplicate=True)
            message_id = new_uuid()
            sequence = self.store.next_sequence(entry.id)
            if window_key is not None:
                self.store.remember(entry.id, window_key, message_id, sequence, now + spec.dedup_window)
        return Published(message_id, sequence)

    def _dedup_id(self, spec: TopicSpec, message: Message) -> str | None:
        if not spec.ordered:
            return None
        if message.dedup_id:
            return message.dedup_id
        if spec.content_dedup:
            return hashlib.sha256(message.body.encode()).hexdigest()
        raise Invalid("The topic needs a deduplication id or content-based deduplication", kind="dedup")

    def _fan_out(self, entry: Entry, message: Message, envelope: Envelope) -> int:
        renderer = entry.topic.spec.renderer
        body: list[Any] = []  # the body parsed as JSON, once, when a body filter asks for it
        delivered = 0
        for sub in list(entry.subscriptions.values()):
            if sub.confirmed and _wants(sub, message, body):
                delivered += self.deliveries.send(renderer, sub, _for_subscriber(envelope, sub))
        return delivered


def _wants(sub: Subscription, message: Message, body: list[Any]) -> bool:
    """Whether the subscription's filter lets the message through. A message without attributes
    passes no attribute filter, not even "exists": false (as SNS documents it)."""
    if sub.pattern is None:
        return True
    if sub.spec.filter_scope == ON_BODY:
        if not body:
            body.append(_json_object(message.body))
        return sub.pattern.matches(body[0])
    return bool(message.filter_values) and sub.pattern.matches(message.filter_values)


def _for_subscriber(envelope: Envelope, sub: Subscription) -> Envelope:
    """The envelope with the subscription in its context (built directly: this is the hot path)."""
    context = {**envelope.context, "subscription": sub.id, "subscription_attributes": sub.spec.attributes}
    return Envelope(envelope.body, envelope.message_id, envelope.source, envelope.attributes, envelope.group,
                    envelope.dedup_id, envelope.sequence, envelope.timestamp, envelope.purpose, context)


def _json_object(body: str) -> dict[str, Any]:
    """The body as a JSON object for body filters; anything else matches no key."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}

