"""Move tasks: take a dead-letter queue's messages back to their origins (or to a named
queue) at a rate, a little at every sweep, with a fresh delivery count.

Models SQS's StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask ("Configure a
dead-letter queue redrive", SQS Developer Guide) and Service Bus's resubmit of dead-lettered
messages. The number to move is fixed when the task starts; messages leased at the time are
moved once their lease ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudtwin.engines._kernel.errors import Conflict, NotFound
from cloudtwin.engines._kernel.ids import new_uuid
from cloudtwin.engines.queues.catalog import Catalog, Queue
from cloudtwin.engines.queues.model import MoveTask
from cloudtwin.engines.queues.store import QueueStore

RUNNING = "RUNNING"


class Mover:
    def __init__(self, store: QueueStore, catalog: Catalog, wake: Callable[[int], None]) -> None:
        self.store = store
        self.catalog = catalog
        self.wake = wake

    def start(self, source: Queue, destination: Queue | None, rate: int | None, now: float) -> MoveTask:
        if self.store.moves("source=? AND status=?", (source.id, RUNNING)):
            raise Conflict("a move task is already running on this queue", kind="move", name=source.name)
        handle = new_uuid()
        total = self.store.count_movable(source.id, with_origin=destination is None)
        self.store.insert_move(handle, source.id, destination.id if destination else None, rate, now, total)
        return self.get(handle)

    def get(self, handle: str) -> MoveTask:
        rows = self.store.moves("handle=?", (handle,))
        if not rows:
            raise NotFound("no such move task", kind="move", name=handle)
        return self._task(rows[0])

    def of(self, source: Queue, limit: int) -> list[MoveTask]:
        return [self._task(row) for row in self.store.moves("source=?", (source.id,))[:limit]]

    def cancel(self, handle: str, now: float) -> MoveTask:
        task = self.get(handle)
        if task.status != RUNNING:
            raise Conflict(f"the move task is {task.status}, not running", kind="move", name=handle)
        self.store.update_move(handle, now, task.moved, "CANCELLED")
        return self.get(handle)

    def advance(self, now: float) -> None:
        for row in self.store.moves("status=?", (RUNNING,)):
            self._advance(row, now)

    def _advance(self, row: tuple[Any, ...], now: float) -> None:
        handle, source, destination, rate, started, _last, moved, total, _status, _failure = row
        budget = total - moved
        if rate:
            budget = min(budget, int(rate * (now - started)) - moved)
        picked = self.store.movable(source, now, destination is None, max(budget, 0))
        for message, origin in picked:
            target_id = destination if destination is not None else origin
            target = self.catalog.by_id(target_id) if target_id is not None else None
            if target is None:
                self.store.update_move(handle, now, moved, "FAILED", "the destination queue does not exist")
                return
            self.store.relocate(message, target.id, None, now, now + target.spec.retention, reset=True)
            self.wake(target.id)
            moved += 1
        self.store.update_move(handle, now, moved, "COMPLETED" if moved >= total else RUNNING)

    def _task(self, row: tuple[Any, ...]) -> MoveTask:
        handle, source, destination, rate, started, _last, moved, total, status, failure = row
        return MoveTask(handle, self._name(source) or "", self._name(destination), rate, started, moved, total,
                        status, failure)

    def _name(self, qid: int | None) -> str | None:
        queue = self.catalog.by_id(qid) if qid is not None else None
        return queue.name if queue else None
