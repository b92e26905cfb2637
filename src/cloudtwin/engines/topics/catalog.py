"""The in-memory index of topics and subscriptions, kept equal to the store.

Publishing reads only this index (compiled filters included), so a fan-out costs no query.
Every change goes to the store first (inside the caller's ``atomic``) and then to the index.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import orjson

from cloudtwin.engines._kernel.errors import NotFound
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.topics.model import ON_ATTRIBUTES, Subscription, SubscriptionSpec, Topic, TopicSpec
from cloudtwin.engines.topics.patterns import Pattern, PatternLimits, compile_pattern
from cloudtwin.engines.topics.store import TopicStore, decode_subscription_spec, decode_topic_spec


@dataclass
class Entry:
    """A topic with its row id and its subscriptions in creation order."""

    id: int
    topic: Topic
    subscriptions: dict[str, Subscription] = field(default_factory=dict)


def compile_filter(spec: SubscriptionSpec, limits: PatternLimits = PatternLimits()) -> Pattern | None:
    if spec.filter is None:
        return None
    return compile_pattern(spec.filter, replace(limits, nested=spec.filter_scope != ON_ATTRIBUTES))


class Catalog:
    def __init__(self, store: TopicStore) -> None:
        self.store = store
        self.reload()

    def reload(self) -> None:
        self.topics: dict[tuple[Scope, str], Entry] = {}
        self.by_id: dict[int, Entry] = {}
        self.subscriptions: dict[str, tuple[Entry, Subscription]] = {}
        for row_id, tenant, location, _name, spec, tags, created, _seq in self.store.all_topics():
            topic = Topic(Scope(tenant, location), decode_topic_spec(spec), created, orjson.loads(tags))
            self._index(Entry(row_id, topic))
        for sub_id, topic_id, spec_blob, confirmed, _token, created in self.store.all_subscriptions():
            entry = self.by_id[topic_id]
            spec = decode_subscription_spec(spec_blob)
            sub = Subscription(sub_id, entry.topic.scope, entry.topic.spec.name, spec, bool(confirmed), created,
                               compile_filter(spec))
            self._add_subscription(entry, sub)

    def _index(self, entry: Entry) -> None:
        self.topics[(entry.topic.scope, entry.topic.spec.name)] = entry
        self.by_id[entry.id] = entry

    # -- topics ---------------------------------------------------------------------------------
    def find(self, scope: Scope, name: str) -> Entry | None:
        return self.topics.get((scope, name))

    def get(self, scope: Scope, name: str) -> Entry:
        entry = self.topics.get((scope, name))
        if entry is None:
            raise NotFound("Topic does not exist", kind="topic", name=name)
        return entry

    def add_topic(self, scope: Scope, spec: TopicSpec, tags: dict[str, str], created: float) -> Entry:
        row_id = self.store.add_topic(scope, spec, tags, created)
        entry = Entry(row_id, Topic(scope, spec, created, dict(tags)))
        self._index(entry)
        return entry

    def replace_topic(self, entry: Entry, spec: TopicSpec, tags: dict[str, str]) -> None:
        self.store.update_topic(entry.id, spec, tags)
        entry.topic = replace(entry.topic, spec=spec, tags=dict(tags))

    def remove_topic(self, entry: Entry) -> None:
        self.store.delete_topic(entry.id)
        for sub_id in entry.subscriptions:
            self.subscriptions.pop(sub_id, None)
        del self.topics[(entry.topic.scope, entry.topic.spec.name)]
        del self.by_id[entry.id]

    def names(self, scope: Scope) -> list[str]:
        return sorted(name for (s, name) in self.topics if s == scope)

    # -- subscriptions --------------------------------------------------------------------------
    def subscription(self, sub_id: str) -> tuple[Entry, Subscription]:
        found = self.subscriptions.get(sub_id)
        if found is None:
            raise NotFound("Subscription does not exist", kind="subscription", name=sub_id)
        return found

    def add_subscription(self, entry: Entry, sub: Subscription, token: str | None) -> None:
        self.store.add_subscription(sub.id, entry.id, sub.spec, sub.confirmed, token, sub.created)
        self._add_subscription(entry, sub)

    def _add_subscription(self, entry: Entry, sub: Subscription) -> None:
        entry.subscriptions[sub.id] = sub
        self.subscriptions[sub.id] = (entry, sub)

    def replace_subscription(self, entry: Entry, sub: Subscription) -> None:
        self.store.update_subscription(sub.id, sub.spec, sub.confirmed)
        self._add_subscription(entry, sub)

    def remove_subscription(self, entry: Entry, sub_id: str) -> None:
        self.store.delete_subscription(sub_id)
        entry.subscriptions.pop(sub_id, None)
        self.subscriptions.pop(sub_id, None)

    def all_subscriptions(self, scope: Scope) -> list[Subscription]:
        subs = [sub for entry, sub in self.subscriptions.values() if entry.topic.scope == scope]
        return sorted(subs, key=lambda s: (s.created, s.id))
