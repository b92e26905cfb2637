"""The queue engine's value objects: a queue's spec, what a send and a receive return.

A face builds the ``QueueSpec`` from its cloud's attributes: every limit and default below is
a number the face chose (SQS: 1 MiB messages, 4 days retention, 30 s visibility; Service Bus:
its own), the engine only enforces them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Body = str | bytes


@dataclass(frozen=True)
class DeadLetter:
    """Move a message to queue ``target`` when it is about to be delivered more than
    ``max_deliveries`` times."""

    target: str
    max_deliveries: int


@dataclass(frozen=True)
class QueueSpec:
    max_message_bytes: int
    #: Seconds a message is kept after it was sent (retention), then dropped by the sweep.
    retention: float
    #: Seconds a received message stays leased (visibility timeout, lock duration).
    lease: float
    #: Seconds every message waits before its first delivery.
    delay: float = 0.0
    #: Ordered delivery per message group, one group in flight at a time, dedup required.
    ordered: bool = False
    #: Derive the dedup id from the body (SHA-256) when the sender gives none.
    content_dedup: bool = False
    #: Dedup ids are per message group rather than per queue.
    dedup_per_group: bool = False
    #: Seconds a dedup id (and a receive attempt id) is remembered.
    dedup_window: float = 300.0
    dead_letter: DeadLetter | None = None
    #: Seconds after a purge during which another purge is refused.
    purge_cooldown: float = 0.0
    #: Seconds after a delete during which the name cannot be created again.
    recreate_cooldown: float = 0.0
    #: Settings the face stores with the queue but the engine never reads (policies, keys...).
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class QueueInfo:
    name: str
    spec: QueueSpec
    created: float
    modified: float
    tags: dict[str, str]


@dataclass(frozen=True)
class Counts:
    ready: int
    #: Leased (received, neither deleted nor back after its lease).
    leased: int
    #: Waiting for their first delivery (delay).
    delayed: int


@dataclass(frozen=True)
class Sent:
    message_id: str
    sequence: int
    #: True when the dedup window swallowed this send and ``message_id`` is the original's.
    duplicate: bool = False


@dataclass(frozen=True)
class Message:
    """A delivered message with its lease token (the SQS receipt handle, the Service Bus lock token)."""

    message_id: str
    body: Body
    attributes: Any
    sequence: int
    sent: float
    deliveries: int
    first_delivered: float
    token: str
    group: str | None = None
    dedup_id: str | None = None
    #: The queue the message was dead-lettered from, if it was.
    origin: str | None = None


@dataclass(frozen=True)
class MoveTask:
    handle: str
    source: str
    #: None: each message goes back to the queue it was dead-lettered from.
    destination: str | None
    #: Messages per second, or None for as fast as the sweep goes.
    rate: int | None
    started: float
    moved: int
    total: int
    status: str  # RUNNING | COMPLETED | CANCELLING | CANCELLED | FAILED
    failure: str | None = None
