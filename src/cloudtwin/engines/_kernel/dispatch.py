"""The Dispatch port: how an engine causes an effect elsewhere without importing anything.

An engine that must reach another engine or the outside world (a topic delivering to a queue
or to an HTTP endpoint, a bucket notifying an event bus, an alarm publishing to a topic) holds
a ``Dispatch`` given to its constructor and calls ``deliver(target, envelope)``.
``server/wiring.py`` implements it: it turns the envelope into what the target expects (the
``renderer`` the sending face chose, e.g. a notification document) and hands it on, in the
same process, on the same event loop.

Rules:
1. ``deliver`` never blocks. A target inside the process (a queue) is delivered before it
   returns and its result says whether it worked. A target outside (an HTTP endpoint) is only
   started: the result is ``pending`` and ``on_done`` is called later (never before ``deliver``
   has returned), on the event loop, with the final result.
2. ``deliver`` never raises for a failed delivery: failure is a result, so the sender applies
   its own retry and dead-letter rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from cloudtwin.engines._kernel.scope import Scope

#: Target kinds the wiring knows; a sender may record others, which fail as undeliverable.
QUEUE = "queue"
HTTP = "http"
FUNCTION = "function"
EMAIL = "email"
SMS = "sms"


@dataclass(frozen=True)
class Target:
    """Where a delivery goes: the kind of thing, its scope, and its name (or URL/address)."""

    kind: str
    scope: Scope
    name: str


@dataclass(frozen=True)
class Envelope:
    """One message on its way to one target.

    ``attributes`` are the message's typed attributes in the sending face's form; ``context``
    carries what the renderer needs beyond them (subject, subscription, the sender's address),
    opaque to the engines. ``purpose`` is "message" for payloads, "confirmation" for handshakes.
    """

    body: str
    message_id: str
    source: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    group: str | None = None
    dedup_id: str | None = None
    sequence: int | None = None
    timestamp: float = 0.0
    purpose: str = "message"
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryResult:
    """How a delivery went. ``retryable`` False means retrying cannot help (no such kind)."""

    ok: bool
    pending: bool = False
    retryable: bool = True
    detail: str = ""


DELIVERED = DeliveryResult(ok=True)
STARTED = DeliveryResult(ok=False, pending=True)

OnDone = Callable[[DeliveryResult], None]


class Dispatch(Protocol):
    def deliver(self, target: Target, envelope: Envelope, *, renderer: str = "",
                on_done: OnDone | None = None) -> DeliveryResult:
        """Deliver ``envelope`` to ``target`` (see the module rules)."""
        ...
