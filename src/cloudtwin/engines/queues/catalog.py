"""The catalog of queues: kept in memory, written through to the store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from cloudtwin.engines._kernel.errors import NotFound
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.queues.model import DeadLetter, QueueInfo, QueueSpec
from cloudtwin.engines.queues.store import QueueStore, decode, encode


@dataclass(frozen=True)
class Queue:
    id: int
    scope: Scope
    name: str
    spec: QueueSpec
    created: float
    modified: float
    tags: dict[str, str]
    purged: float | None = None

    def info(self) -> QueueInfo:
        return QueueInfo(self.name, self.spec, self.created, self.modified, dict(self.tags))


def spec_from_record(data: dict[str, Any]) -> QueueSpec:
    dead_letter = data.pop("dead_letter")
    return QueueSpec(**data, dead_letter=DeadLetter(**dead_letter) if dead_letter else None)


def not_found(name: str) -> NotFound:
    return NotFound(f"The specified queue {name} does not exist.", kind="queue", name=name)


class Catalog:
    def __init__(self, store: QueueStore) -> None:
        self.store = store
        self._by_name: dict[tuple[Scope, str], Queue] = {}
        self._by_id: dict[int, Queue] = {}
        self.reload()

    def reload(self) -> None:
        self._by_name.clear()
        self._by_id.clear()
        for qid, tenant, location, name, spec, created, modified, tags, purged in self.store.load_queues():
            self._remember(Queue(qid, Scope(tenant, location), name, spec_from_record(decode(spec)), created,
                                 modified, decode(tags), purged))

    def _remember(self, queue: Queue) -> Queue:
        self._by_name[(queue.scope, queue.name)] = queue
        self._by_id[queue.id] = queue
        return queue

    def find(self, scope: Scope, name: str) -> Queue | None:
        return self._by_name.get((scope, name))

    def get(self, scope: Scope, name: str) -> Queue:
        queue = self._by_name.get((scope, name))
        if queue is None:
            raise not_found(name)
        return queue

    def by_id(self, qid: int) -> Queue | None:
        return self._by_id.get(qid)

    def in_scope(self, scope: Scope) -> list[Queue]:
        return sorted((q for (s, _), q in self._by_name.items() if s == scope), key=lambda q: q.name)

    def add(self, scope: Scope, name: str, spec: QueueSpec, now: float, tags: dict[str, str]) -> Queue:
        qid = self.store.insert_queue(scope.tenant, scope.location, name, encode(asdict(spec)), now, encode(tags))
        return self._remember(Queue(qid, scope, name, spec, now, now, dict(tags)))

    def save(self, queue: Queue, **changes: Any) -> Queue:
        queue = replace(queue, **changes)
        self.store.update_queue(queue.id, encode(asdict(queue.spec)), queue.modified, encode(queue.tags),
                                queue.purged)
        return self._remember(queue)

    def remove(self, queue: Queue) -> None:
        self.store.delete_queue(queue.id)
        self._by_name.pop((queue.scope, queue.name), None)
        self._by_id.pop(queue.id, None)
