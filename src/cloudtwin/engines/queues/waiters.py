"""Waiters: callbacks parked until a queue may have a message to deliver (long polling).

The engine is synchronous and knows no event loop: a receiver that found nothing registers a
plain callable and is called back, once, when a message may have become deliverable (a send,
a lease given back, a message moved in, a delay or lease ended at a sweep, the queue deleted).
The server side turns the callback into a future; nothing polls.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

Callback = Callable[[], None]


class Waiters:
    def __init__(self) -> None:
        self._by_queue: dict[int, dict[int, Callback]] = {}
        self._ids = count()

    def add(self, queue: int, callback: Callback) -> Callback:
        """Park ``callback`` on ``queue``; returns the function that unparks it."""
        key = next(self._ids)
        self._by_queue.setdefault(queue, {})[key] = callback

        def cancel() -> None:
            parked = self._by_queue.get(queue)
            if parked is not None:
                parked.pop(key, None)
                if not parked:
                    del self._by_queue[queue]

        return cancel

    def wake(self, queue: int) -> None:
        for callback in self._by_queue.pop(queue, {}).values():
            callback()

    def wake_where(self, ready: Callable[[int], bool]) -> None:
        """Wake the queues with parked callbacks for which ``ready(queue)`` holds."""
        for queue in [q for q in self._by_queue if ready(q)]:
            self.wake(queue)

    def wake_all(self) -> None:
        for queue in list(self._by_queue):
            self.wake(queue)
