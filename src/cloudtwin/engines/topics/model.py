"""The topic engine's value objects: what a face asks for and what it gets back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudtwin.engines._kernel.dispatch import Target
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.topics.patterns import Pattern
from cloudtwin.engines.topics.retry import RetryPolicy

#: Where a subscription's filter looks: the message's attributes or its (JSON) body.
ON_ATTRIBUTES = "attributes"
ON_BODY = "body"


@dataclass(frozen=True)
class TopicSpec:
    """A topic as its face defines it. ``attributes`` are the face's own, stored verbatim."""

    name: str
    ordered: bool = False
    content_dedup: bool = False
    #: Deduplication ids are unique per message group, not per topic.
    dedup_per_group: bool = False
    dedup_window: float = 300.0
    #: Which renderer the wiring applies to this topic's deliveries.
    renderer: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Topic:
    scope: Scope
    spec: TopicSpec
    created: float
    tags: Mapping[str, str]
    subscriptions: int = 0


@dataclass(frozen=True)
class SubscriptionSpec:
    """A subscription as its face defines it.

    ``confirm``: the target must confirm with the token sent to it before it gets messages.
    ``retry``: the schedule for failed deliveries; after it, ``dead_letter`` (when set) gets
    the message, else it is dropped.
    """

    target: Target
    filter: Any = None
    filter_scope: str = ON_ATTRIBUTES
    confirm: bool = False
    retry: RetryPolicy = RetryPolicy()
    dead_letter: Target | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Subscription:
    id: str
    scope: Scope
    topic: str
    spec: SubscriptionSpec
    confirmed: bool
    created: float
    #: The compiled ``spec.filter``, or None when it has none.
    pattern: Pattern | None = None


@dataclass(frozen=True)
class Message:
    """What a face publishes. ``filter_values`` is the attribute document filters see."""

    body: str
    attributes: Mapping[str, Any] = field(default_factory=dict)
    filter_values: Mapping[str, Any] = field(default_factory=dict)
    group: str | None = None
    dedup_id: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Published:
    message_id: str
    sequence: int | None = None
    duplicate: bool = False
    delivered: int = 0
