"""The queue engine: durable queues with leases, delivery counts, dead-lettering, ordered
groups, dedup windows, delayed delivery, retention, purge, move tasks and long-poll waiters.

Models SQS queues (Developer Guide: "Visibility timeout", "Dead-letter queues", "FIFO queue
logic", "Exactly-once processing", "Delay queues", "Long polling") and Service Bus queues
("Message transfers, locks, and settlement", "Dead-letter queues", "Message sessions",
"Duplicate detection", "Scheduled messages"): lease = visibility timeout = lock duration.
Invariants:
1. State is in SQLite and times come from the clock, so a lease that ends while the server is
   down has ended when it comes back: the message is deliverable again, its count intact.
2. A delivery and the dead-lettering it triggers happen in one savepoint.
3. In an ordered queue, a group with a leased message, or a delayed one ahead, delivers
   nothing; within a group, messages come out in the order they were sent.
4. A dedup id seen within the window returns the first send's id and stores nothing.
5. Lease tokens are signed: a forged token or one of another queue is Invalid; a superseded one
   settles nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from cloudtwin.clock import Clock
from cloudtwin.engines._kernel.errors import AlreadyExists, Conflict, Invalid, LimitExceeded
from cloudtwin.engines._kernel.paging import decode_token, encode_token
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines._kernel.ids import new_uuid
from cloudtwin.engines.queues.catalog import Catalog, Queue
from cloudtwin.engines.queues.leases import Lease, LeaseSigner
from cloudtwin.engines.queues.model import Body, Counts, Message, MoveTask, QueueInfo, QueueSpec, Sent
from cloudtwin.engines.queues.moves import Mover
from cloudtwin.engines.queues.store import SCHEMA, QueueStore, Row, decode, encode
from cloudtwin.engines.queues.waiters import Callback, Waiters
from cloudtwin.storage import Storage

#: Dedup ids, receive attempts and deleted names are forgotten after this many seconds.
MEMORY = 3600.0


def body_bytes(body: Body) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


class QueuesEngine:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.db = storage.open("queues", SCHEMA)
        self.store = QueueStore(self.db)
        self.clock = clock
        self.catalog = Catalog(self.store)
        self.signer = LeaseSigner(self.store.secret("lease-key", os.urandom(32)))
        self.waiters = Waiters()
        self.mover = Mover(self.store, self.catalog, self.waiters.wake)

    # -- lifecycle ------------------------------------------------------------------------------
    def reset(self) -> None:
        with self.db.atomic():
            self.store.clear()
        self.catalog.reload()
        self.waiters.wake_all()

    def sweep(self, now: float) -> None:
        """Drop expired messages, forget old dedup ids, advance move tasks, wake waiters whose
        queue has a message again (a delay or a lease ended)."""
        with self.db.atomic():
            self.store.expire(now)
            self.store.trim(now - MEMORY)
            self.mover.advance(now)
        self.waiters.wake_where(lambda qid: self.store.has_ready(qid, now))

    # -- queues ---------------------------------------------------------------------------------
    def create(self, scope: Scope, name: str, spec: QueueSpec, tags: dict[str, str] | None = None) -> QueueInfo:
        if self.catalog.find(scope, name) is not None:
            raise AlreadyExists("a queue of that name exists", kind="queue", name=name)
        now = self.clock.now()
        buried = self.store.tombstone(scope.tenant, scope.location, name)
        if buried is not None and now - buried < spec.recreate_cooldown:
            raise Conflict("a queue of that name was deleted too recently", kind="recently_deleted", name=name)
        self._check_dead_letter(scope, name, spec)
        with self.db.atomic():
            queue = self.catalog.add(scope, name, spec, now, tags or {})
        return queue.info()

    def find(self, scope: Scope, name: str) -> QueueInfo | None:
        queue = self.catalog.find(scope, name)
        return queue.info() if queue else None

    def get(self, scope: Scope, name: str) -> QueueInfo:
        return self.catalog.get(scope, name).info()

    def names(self, scope: Scope, prefix: str = "", limit: int | None = None,
              token: str | None = None) -> tuple[list[str], str | None]:
        """Names in ``scope`` starting with ``prefix``, in order: a page and the next page's token."""
        return _page([q.name for q in self.catalog.in_scope(scope) if q.name.startswith(prefix)], limit, token)

    def update(self, scope: Scope, name: str, spec: QueueSpec) -> QueueInfo:
        """Replace the spec; a new retention applies to the messages already stored too."""
        queue = self.catalog.get(scope, name)
        self._check_dead_letter(scope, name, spec)
        with self.db.atomic():
            if spec.retention != queue.spec.retention:
                self.store.set_retention(queue.id, spec.retention)
            queue = self.catalog.save(queue, spec=spec, modified=self.clock.now())
        return queue.info()

    def tag(self, scope: Scope, name: str, tags: dict[str, str]) -> None:
        queue = self.catalog.get(scope, name)
        with self.db.atomic():
            self.catalog.save(queue, tags={**queue.tags, **tags})

    def untag(self, scope: Scope, name: str, keys: list[str]) -> None:
        queue = self.catalog.get(scope, name)
        with self.db.atomic():
            self.catalog.save(queue, tags={k: v for k, v in queue.tags.items() if k not in keys})

    def delete(self, scope: Scope, name: str) -> None:
        queue = self.catalog.get(scope, name)
        with self.db.atomic():
            self.catalog.remove(queue)
            self.store.bury(scope.tenant, scope.location, name, self.clock.now())
        self.waiters.wake(queue.id)

    def counts(self, scope: Scope, name: str) -> Counts:
        queue = self.catalog.get(scope, name)
        return Counts(*self.store.counts(queue.id, self.clock.now()))

    def dead_letter_sources(self, scope: Scope, name: str, limit: int | None = None,
                            token: str | None = None) -> tuple[list[str], str | None]:
        """The queues whose dead-letter target is ``name``: a page and the next page's token."""
        self.catalog.get(scope, name)
        sources = [q.name for q in self.catalog.in_scope(scope)
                   if q.spec.dead_letter is not None and q.spec.dead_letter.target == name]
        return _page(sources, limit, token)

    def purge(self, scope: Scope, name: str) -> None:
        queue = self.catalog.get(scope, name)
        now = self.clock.now()
        if queue.purged is not None and now - queue.purged < queue.spec.purge_cooldown:
            raise Conflict("the queue was purged too recently", kind="purge", name=name)
        with self.db.atomic():
            self.store.purge(queue.id)
            self.catalog.save(queue, purged=now)

    def _check_dead_letter(self, scope: Scope, name: str, spec: QueueSpec) -> None:
        if spec.dead_letter is None:
            return
        target = self.catalog.find(scope, spec.dead_letter.target)
        if target is None:
            raise Invalid("the dead-letter target does not exist", kind="dead_letter", name=spec.dead_letter.target)
        if target.spec.ordered != spec.ordered:
            raise Invalid("the dead-letter target must be of the same kind (ordered or not) as the queue",
                          kind="dead_letter_kind", name=spec.dead_letter.target)

    # -- messages -------------------------------------------------------------------------------
    def send(self, scope: Scope, name: str, body: Body, *, attributes: Any = None, attributes_size: int = 0,
             delay: float | None = None, group: str | None = None, dedup_id: str | None = None) -> Sent:
        """Store one message. ``attributes`` is kept as given (any CBOR-able value) and counts
        ``attributes_size`` bytes towards the spec's size limit; ``delay`` overrides the queue's."""
        queue = self.catalog.get(scope, name)
        spec = queue.spec
        size = len(body_bytes(body)) + attributes_size
        if size > spec.max_message_bytes:
            raise LimitExceeded(f"message of {size} bytes, limit {spec.max_message_bytes}", kind="message",
                                name=name, limit=spec.max_message_bytes)
        now = self.clock.now()
        dedup_key = None
        if spec.ordered:
            dedup_id = _dedup_id(spec, body, group, dedup_id)
            dedup_key = f"{group}\x00{dedup_id}" if spec.dedup_per_group else dedup_id
        if dedup_key is not None:
            seen = self.store.dedup(queue.id, dedup_key, now - spec.dedup_window)
            if seen is not None:
                return Sent(seen[0], seen[1], duplicate=True)
        visible = now + (spec.delay if delay is None else delay)
        message_id = new_uuid()
        with self.db.atomic():
            row = self.store.insert_message(queue.id, message_id, body, encode(attributes), group, dedup_id,
                                            now, visible, now + spec.retention)
            if dedup_key is not None:
                self.store.remember_dedup(queue.id, dedup_key, message_id, row, now)
        if visible <= now:
            self.waiters.wake(queue.id)
        return Sent(message_id, row)

    def receive(self, scope: Scope, name: str, limit: int = 1, lease: float | None = None,
                attempt: str | None = None) -> list[Message]:
        """Lease up to ``limit`` deliverable messages for ``lease`` seconds (the spec's by default).

        ``attempt`` (ordered queues): a retried receive with the same attempt id within the dedup
        window gets the same messages and tokens back, while their leases hold.
        """
        queue = self.catalog.get(scope, name)
        now = self.clock.now()
        ordered_attempt = attempt if queue.spec.ordered else None
        if ordered_attempt is not None:
            again = self._repeat(queue, ordered_attempt, now)
            if again is not None:
                return again
        seconds = queue.spec.lease if lease is None else lease
        with self.db.atomic():
            delivered = self._deliver(queue, limit, now, now + seconds)
            if ordered_attempt is not None:
                leases = [list(self.signer.read(m.token))[1:] for m in delivered]
                self.store.remember_attempt(queue.id, ordered_attempt, leases, now)
        return delivered

    def _deliver(self, queue: Queue, limit: int, now: float, until: float) -> list[Message]:
        read = self.store.ready_in_order if queue.spec.ordered else self.store.ready
        delivered: list[Message] = []
        while len(delivered) < limit:
            rows = read(queue.id, now, limit - len(delivered))
            dead_lettered = 0
            for row in rows:
                if self._dead_letter(queue, row, now):
                    dead_lettered += 1
                    continue
                nonce = self.signer.nonce()
                self.store.lease(row.id, nonce, now, until)
                delivered.append(self._message(queue, replace_delivery(row, now), nonce))
            if not dead_lettered:
                break
        return delivered

    def _dead_letter(self, queue: Queue, row: Row, now: float) -> bool:
        """Move ``row`` to the dead-letter target if it has had its deliveries; True if moved."""
        policy = queue.spec.dead_letter
        if policy is None or row.deliveries < policy.max_deliveries:
            return False
        target = self.catalog.find(queue.scope, policy.target)
        if target is None:
            return False
        start = now if target.spec.ordered else row.sent
        self.store.relocate(row.id, target.id, queue.id, now, start + target.spec.retention, reset=False)
        self.waiters.wake(target.id)
        return True

    def _repeat(self, queue: Queue, attempt: str, now: float) -> list[Message] | None:
        leases = self.store.attempt(queue.id, attempt, now - queue.spec.dedup_window)
        if leases is None:
            return None
        messages = []
        for row_id, nonce in leases:
            state = self.store.lease_of(row_id)
            row = self.store.message(row_id)
            if state is None or row is None or state[1] != nonce or state[2] <= now:
                return None
            messages.append(self._message(queue, row, nonce))
        return messages

    def _message(self, queue: Queue, row: Row, nonce: int) -> Message:
        origin = self.catalog.by_id(row.origin) if row.origin is not None else None
        return Message(
            message_id=row.message_id, body=row.body, attributes=decode(row.attributes), sequence=row.id,
            sent=row.sent, deliveries=row.deliveries, first_delivered=row.first_delivered or row.sent,
            token=self.signer.token(Lease(queue.id, row.id, nonce)), group=row.group, dedup_id=row.dedup,
            origin=origin.name if origin else None,
        )

    def settle(self, scope: Scope, name: str, token: str) -> None:
        """Delete the message ``token`` leased; a token whose lease was superseded, or whose
        message is gone, settles nothing and is no error."""
        queue = self.catalog.get(scope, name)
        lease = self._lease(queue, token)
        with self.db.atomic():
            self.store.delete_leased(lease.row, queue.id, lease.nonce)

    def extend(self, scope: Scope, name: str, token: str, seconds: float) -> None:
        """Make the leased message deliverable again ``seconds`` from now (0: at once)."""
        queue = self.catalog.get(scope, name)
        lease = self._lease(queue, token)
        now = self.clock.now()
        state = self.store.lease_of(lease.row)
        if state is None or state[0] != queue.id or state[1] != lease.nonce or state[2] <= now:
            raise Conflict("the message is not leased under this token", kind="lease", name=token)
        with self.db.atomic():
            self.store.set_visible(lease.row, now + seconds)
        if seconds <= 0:
            self.waiters.wake(queue.id)

    def _lease(self, queue: Queue, token: str) -> Lease:
        lease = self.signer.read(token)
        if lease.queue != queue.id:
            raise Invalid("the lease token belongs to another queue", kind="token", name=token)
        return lease

    # -- long polling -----------------------------------------------------------------------------
    def watch(self, scope: Scope, name: str, callback: Callback) -> Callback:
        """Call ``callback`` once when ``name`` may have a deliverable message (or is deleted);
        returns the function that cancels the watch. Call ``receive`` again when woken."""
        return self.waiters.add(self.catalog.get(scope, name).id, callback)

    # -- move tasks -------------------------------------------------------------------------------
    def start_move(self, scope: Scope, source: str, destination: str | None = None,
                   rate: int | None = None) -> MoveTask:
        """Move the messages of ``source`` to ``destination``, or each back to its origin."""
        queue = self.catalog.get(scope, source)
        target = self.catalog.get(scope, destination) if destination is not None else None
        with self.db.atomic():
            return self.mover.start(queue, target, rate, self.clock.now())

    def moves(self, scope: Scope, source: str, limit: int) -> list[MoveTask]:
        return self.mover.of(self.catalog.get(scope, source), limit)

    def cancel_move(self, handle: str) -> MoveTask:
        with self.db.atomic():
            return self.mover.cancel(handle, self.clock.now())


def _dedup_id(spec: QueueSpec, body: Body, group: str | None, dedup_id: str | None) -> str:
    """The dedup id of a message to an ordered queue: the sender's, or the body's SHA-256."""
    if group is None:
        raise Invalid("an ordered queue needs a group for every message", kind="group_required")
    if dedup_id is not None:
        return dedup_id
    if not spec.content_dedup:
        raise Invalid("an ordered queue needs a dedup id or content dedup", kind="dedup_required")
    return hashlib.sha256(body_bytes(body)).hexdigest()


def _page(names: list[str], limit: int | None, token: str | None) -> tuple[list[str], str | None]:
    """The names after the token's, up to ``limit``, and the token of the rest (None: no rest)."""
    if token:
        try:
            after = decode_token(token)
        except Invalid as exc:
            raise Invalid("not a page token of this engine", kind="page", name=token) from exc
        names = [n for n in names if n > after]
    if limit is None or len(names) <= limit:
        return names, None
    return names[:limit], encode_token(names[limit - 1])


def replace_delivery(row: Row, now: float) -> Row:
    """``row`` as it reads after one more delivery at ``now``."""
    return row._replace(deliveries=row.deliveries + 1, first_delivered=row.first_delivered or now)
