"""Deliveries: one message to one subscriber, with retries on the clock and dead-lettering.

Rules:
1. A delivery that succeeds at once (an in-process target) leaves no trace in the store.
2. A delivery that is in flight (a network target) or failed is a row of the outbox, written
   in the same transaction as the publish that caused it, so a crash loses none.
3. A failed delivery is tried again on the subscription's RetryPolicy; when the policy is
   exhausted, or the failure cannot be helped by retrying, the message goes to the
   subscription's dead-letter target if it has one, and is dropped otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from cloudtwin.clock import Clock
from cloudtwin.engines._kernel.dispatch import DeliveryResult, Dispatch, Envelope
from cloudtwin.engines.topics.model import Subscription
from cloudtwin.engines.topics.store import TopicStore, decode_envelope
from cloudtwin.storage import Database

log = logging.getLogger("cloudtwin.topics")

#: Finds a live subscription by id, with its topic's renderer; None once it is gone.
Resolver = Callable[[str], "tuple[str, Subscription] | None"]


class Deliveries:
    def __init__(self, db: Database, store: TopicStore, dispatch: Dispatch, clock: Clock,
                 resolve: Resolver) -> None:
        self.db = db
        self.store = store
        self.dispatch = dispatch
        self.clock = clock
        self.resolve = resolve

    def send(self, renderer: str, sub: Subscription, envelope: Envelope) -> bool:
        """Deliver now; True when it arrived. Failures and in-flight sends enter the outbox."""
        holder: list[int] = []
        result = self.dispatch.deliver(sub.spec.target, envelope, renderer=renderer,
                                       on_done=lambda r: self._done(holder[0], r))
        if result.ok:
            return True
        now = self.clock.now()
        with self.db.atomic():
            if result.pending:
                holder.append(self.store.add_delivery(sub.id, envelope, 0, now, None, inflight=True))
            elif result.retryable:
                attempts, due = sub.spec.retry.next_after(1, now, now)
                if due is None:
                    self._dead_letter(renderer, sub, envelope, result)
                else:
                    self.store.add_delivery(sub.id, envelope, attempts, now, due, inflight=False)
            else:
                self._dead_letter(renderer, sub, envelope, result)
        return False

    def retry_due(self, now: float) -> None:
        """Try again every delivery whose retry time has come."""
        for delivery_id, sub_id, blob, attempts, due in self.store.due_deliveries(now):
            found = self.resolve(sub_id)
            if found is None:
                self.store.finish(delivery_id)
                continue
            renderer, sub = found
            envelope = decode_envelope(blob)
            result = self.dispatch.deliver(sub.spec.target, envelope, renderer=renderer,
                                           on_done=partial(self._done, delivery_id))
            self._after_attempt(delivery_id, renderer, sub, envelope, attempts + 1, result, due, now)

    def _done(self, delivery_id: int, result: DeliveryResult) -> None:
        """A network delivery finished (called on the event loop, outside any request)."""
        row = self.store.delivery(delivery_id)
        if row is None:
            return
        _id, sub_id, blob, attempts, started = row
        found = self.resolve(sub_id)
        with self.db.atomic():
            if found is None:
                self.store.finish(delivery_id)
                return
            renderer, sub = found
            self._after_attempt(delivery_id, renderer, sub, decode_envelope(blob), attempts + 1, result, started,
                                self.clock.now())

    def _after_attempt(self, delivery_id: int, renderer: str, sub: Subscription, envelope: Envelope,
                       attempts: int, result: DeliveryResult, at: float, now: float) -> None:
        """Record try number ``attempts``, which counts as made at ``at`` (its due time).

        The next retry is due a policy delay after ``at``, not after the answer came: the
        schedule stays on the clock however long a network attempt took or the clock jumped.
        """
        if result.ok:
            self.store.finish(delivery_id)
        elif result.pending:
            self.store.schedule(delivery_id, attempts - 1, at, None, inflight=True)
        elif not result.retryable:
            self.store.finish(delivery_id)
            self._dead_letter(renderer, sub, envelope, result)
        else:
            attempts, due = sub.spec.retry.next_after(attempts, at, now)
            if due is None:
                self.store.finish(delivery_id)
                self._dead_letter(renderer, sub, envelope, result)
            else:
                self.store.schedule(delivery_id, attempts, now, due, inflight=False)

    def _dead_letter(self, renderer: str, sub: Subscription, envelope: Envelope, result: DeliveryResult) -> None:
        """Hand an undeliverable message to the dead-letter target; handshakes are only dropped."""
        target = sub.spec.dead_letter
        if target is None or envelope.purpose != "message":
            log.warning("dropped message %s for subscription %s: %s", envelope.message_id, sub.id, result.detail)
            return
        outcome = self.dispatch.deliver(target, envelope, renderer=renderer)
        if not outcome.ok:
            log.warning("dead-letter target of subscription %s refused message %s: %s",
                        sub.id, envelope.message_id, outcome.detail)
