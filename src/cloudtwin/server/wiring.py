"""Which engines exist, which faces sit on them, and how cross-service effects travel.

``build_services`` is called once by the composition root; it opens each engine's database
and binds each face to the engines it calls (its ``env``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from cloudtwin.aws._delivery import HttpMessage, QueueMessage
from cloudtwin.aws._face import Face
from cloudtwin.clock import Clock
from cloudtwin.config import Settings
from cloudtwin.engines._kernel.dispatch import DELIVERED, HTTP, QUEUE, STARTED, DeliveryResult, Envelope, OnDone, Target
from cloudtwin.engines._kernel.errors import EngineError
from cloudtwin.server import outbound
from cloudtwin.storage import Storage

log = logging.getLogger("cloudtwin.dispatch")


class Engine(Protocol):
    def reset(self) -> None:
        """Forget everything."""

    def sweep(self, now: float) -> None:
        """Do the work that has come due by ``now`` (expiry, timeouts)."""


ServiceParts = tuple[Face, Any, tuple[Engine, ...]]


class Renderer(Protocol):
    """A face's rendering of envelopes (e.g. ``aws.sns.delivery.Renderer``)."""

    def for_queue(self, envelope: Envelope) -> QueueMessage: ...

    def for_http(self, envelope: Envelope) -> HttpMessage: ...


class LocalDispatch:
    """The Dispatch port: queues in process, HTTP endpoints by async POST (see _kernel.dispatch).

    Engines and renderers are attached after construction, since the engines that deliver
    are built with this object. A network delivery's ``on_done`` runs on the event loop and
    its writes are committed right after.
    """

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.queues: Any = None
        self.renderers: dict[str, Renderer] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def deliver(self, target: Target, envelope: Envelope, *, renderer: str = "",
                on_done: OnDone | None = None) -> DeliveryResult:
        render = self.renderers.get(renderer)
        if render is None:
            return DeliveryResult(ok=False, retryable=False, detail=f"no renderer {renderer!r}")
        if target.kind == QUEUE and self.queues is not None:
            return self._to_queue(target, render.for_queue(envelope))
        if target.kind == HTTP:
            return self._to_http(target.name, render.for_http(envelope), on_done)
        return DeliveryResult(ok=False, retryable=False,
                              detail=f"cloudtwin cannot deliver to {target.kind} targets yet")

    def _to_queue(self, target: Target, message: QueueMessage) -> DeliveryResult:
        queue = self.queues.find(target.scope, target.name)
        if queue is None:
            return DeliveryResult(ok=False, retryable=False, detail=f"queue {target.name} does not exist")
        ordered = queue.spec.ordered
        try:
            self.queues.send(target.scope, target.name, message.body, attributes=message.attributes,
                             attributes_size=message.attributes_size, group=message.group if ordered else None,
                             dedup_id=message.dedup_id if ordered else None)
        except EngineError as exc:
            return DeliveryResult(ok=False, retryable=False, detail=exc.detail)
        return DELIVERED

    def _to_http(self, url: str, message: HttpMessage, on_done: OnDone | None) -> DeliveryResult:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return DeliveryResult(ok=False, detail="no event loop to send from")
        task = loop.create_task(self._post(url, message, on_done))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return STARTED

    async def _post(self, url: str, message: HttpMessage, on_done: OnDone | None) -> None:
        try:
            status = await outbound.post(url, message.headers, message.body)
            result = DELIVERED if 200 <= status < 300 else DeliveryResult(ok=False, detail=f"HTTP {status}")
        except Exception as exc:  # unreachable, timed out, garbled: a failed attempt, never a crash
            result = DeliveryResult(ok=False, detail=f"{type(exc).__name__}: {exc}")
        if on_done is None:
            return
        try:
            on_done(result)
        except Exception:
            log.exception("delivery callback failed")
        await self.storage.flush()


def build_services(storage: Storage, clock: Clock, settings: Settings) -> dict[str, ServiceParts]:
    from cloudtwin.aws import dynamodb, kms, s3, sns, sqs
    from cloudtwin.engines.blobs import BlobsEngine
    from cloudtwin.engines.keys import KeysEngine
    from cloudtwin.engines.queues import QueuesEngine
    from cloudtwin.engines.tables import TablesEngine
    from cloudtwin.engines.topics import TopicsEngine

    dispatch = LocalDispatch(storage)
    tables = TablesEngine(storage, clock)
    keys = KeysEngine(storage, clock)
    queues = QueuesEngine(storage, clock)
    topics = TopicsEngine(storage, clock, dispatch)
    signer = sns.Signer(clock.now)
    blobs = BlobsEngine(storage, clock, keys=s3.KmsKeys(keys), tier_order=s3.TIERS, archive_tiers=s3.ARCHIVE_TIERS)
    blobs.on_event = notifier = s3.Notifier(blobs, dispatch, topics)
    dispatch.renderers[s3.RENDERER] = s3.Renderer()
    dispatch.queues = queues
    dispatch.renderers[sns.RENDERER] = sns.Renderer(signer)
    return {
        "dynamodb": (dynamodb.FACE, dynamodb.DynamoEnv(tables=tables), (tables,)),
        "kms": (kms.FACE, kms.KmsEnv(keys=keys), (keys,)),
        "s3": (s3.FACE, s3.S3Env(blobs=blobs, keys=keys, notifier=notifier,
                                 domains=(*settings.s3_domains, *s3.DEFAULT_DOMAINS)), (blobs,)),
        "sns": (sns.FACE, sns.SnsEnv(topics=topics, signer=signer), (topics,)),
        "sqs": (sqs.FACE, sqs.SqsEnv(queues=queues), (queues,)),
    }


def face_catalog() -> dict[str, Face]:
    """Every face cloudtwin has, by service name (no engines opened): for ``coverage``."""
    from cloudtwin.aws import dynamodb, kms, s3, sns, sqs

    return {"dynamodb": dynamodb.FACE, "kms": kms.FACE, "s3": s3.FACE, "sns": sns.FACE, "sqs": sqs.FACE}
