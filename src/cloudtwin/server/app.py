"""The composition root: builds storage, clock, engines and faces, and serves them over ASGI.

This is the only module that sees everything. Each request: internal endpoint, or route to a
face -> the face's runner -> group commit of what it wrote -> response.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from cloudtwin import __version__
from cloudtwin.aws._face import Face
from cloudtwin.clock import Clock
from cloudtwin.config import Settings
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.ids import RequestIds
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.wire import wire_protocol
from cloudtwin.protocols.http import HttpRequest, HttpResponse
from cloudtwin.server import internal
from cloudtwin.server.http import BodyTooLarge, ClientGone, Receive, Send, read_body, request_head, write_response
from cloudtwin.server.routing import Route, Router
from cloudtwin.server.wiring import Engine, build_services
from cloudtwin.storage import Storage

log = logging.getLogger("cloudtwin")


@dataclass(frozen=True)
class Service:
    """A face bound to its environment (the engines it calls) and the engines it owns."""

    face: Face
    env: Any
    engines: tuple[Engine, ...]


class CloudTwin:
    """The ASGI application."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or Clock()
        self.storage = Storage(None if settings.ephemeral else settings.data_dir, settings.durability)
        self.services: dict[str, Service] = {
            name: Service(face, env, engines)
            for name, (face, env, engines) in build_services(self.storage, self.clock, settings).items()
        }
        self._by_face = {id(s.face): s for s in self.services.values()}
        self.router = Router(s.face for s in self.services.values())
        self.started = time.monotonic()
        self._ticker: asyncio.Task[None] | None = None
        self._request_ids = RequestIds()
        self._log_requests = log.isEnabledFor(logging.DEBUG)
        #: Large request bodies are spooled here (beside the data, not in a RAM-backed /tmp).
        self._spool_dir = self.storage.body_dir("spool")

    @property
    def service_names(self) -> list[str]:
        return sorted(self.services)

    # -- ASGI ---------------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            request = request_head(scope)
            route = None if request.raw_path.startswith(internal.PREFIX) else self.router.route(request)
            streams = route is not None and getattr(route.face, "streams_body", False)
            try:
                await read_body(request, receive, self._spool_dir, spool=streams)
            except ClientGone:
                return
            except BodyTooLarge as exc:
                await write_response(self._too_large(route, exc), send)
                return
            try:
                response = await self.respond(request, route)
                await write_response(response, send, head_only=request.method == "HEAD")
            finally:
                if request.body_file is not None:
                    request.body_file.close()
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def respond(self, request: HttpRequest, route: Route | None = None) -> HttpResponse:
        if request.raw_path.startswith(internal.PREFIX):
            return await internal.handle(self, request)
        route = route or self.router.route(request)
        if route is None:
            return HttpResponse(404, [("content-type", "text/plain")], b"cloudtwin: no service answers this request\n")
        service = self._by_face[id(route.face)]
        credential = route.credential
        access_key = credential.access_key if credential else ""
        ctx = RequestContext(
            request_id=self._request_ids(),
            scope=Scope(self.account_of(access_key), credential.region if credential else self.settings.default_region),
            now=self.clock.now(),
            principal=access_key,
            host=request.host,
        )
        try:
            response = route.face.handle(service.env, ctx, request, route.protocol)
            if not isinstance(response, HttpResponse):  # an operation that waits (long polling)
                response = await response
        except Exception:  # a bug of ours: the client still gets a well-formed 500
            log.exception("unhandled error in %s", route.face.service)
            error = AwsError("InternalFailure", "cloudtwin hit an internal error; see its log", 500, sender_fault=False)
            return wire_protocol(route.protocol).serialize_error(route.face.model, None, error, ctx.request_id)
        if self.storage.dirty:
            await self.storage.flush()
        if self._log_requests:
            self._log_request(route, request, response, ctx)
        return response

    def _log_request(self, route: Route, request: HttpRequest, response: HttpResponse, ctx: RequestContext) -> None:
        """One line per request (with --log-level debug): service.operation, status, account."""
        operation = wire_protocol(route.protocol).operation_name(request, route.face.model) or "?"
        log.debug("%s.%s -> %d (%s/%s, %s)", route.face.service, operation, response.status, ctx.scope.tenant,
                  ctx.scope.location, ctx.request_id)

    def _too_large(self, route: Route | None, exc: BodyTooLarge) -> HttpResponse:
        if route is None:
            return HttpResponse(413, [("content-type", "text/plain")], f"cloudtwin: {exc}\n".encode())
        error = AwsError("RequestEntityTooLarge", str(exc), 413)
        return wire_protocol(route.protocol).serialize_error(route.face.model, None, error, self._request_ids())

    def account_of(self, access_key: str) -> str:
        """A 12-digit access key id is that account; any other key is the default account."""
        if len(access_key) == 12 and access_key.isdigit():
            return access_key
        return self.settings.default_account

    # -- lifecycle ----------------------------------------------------------------------------
    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._ticker = asyncio.create_task(self._tick())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._ticker:
                    self._ticker.cancel()
                self.storage.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.settings.sweep_interval)
            try:
                await self.sweep()
            except Exception:
                log.exception("background sweep failed")

    async def sweep(self) -> None:
        """Run every engine's due work (expiry, timeouts) at the clock's now, then commit."""
        now = self.clock.now()
        for engine in self._engines():
            engine.sweep(now)
        await self.storage.flush()

    def _engines(self) -> list[Engine]:
        seen: dict[int, Engine] = {}
        for service in self.services.values():
            for engine in service.engines:
                seen.setdefault(id(engine), engine)
        return list(seen.values())

    # -- internal endpoints -------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return {
            "status": "running",
            "version": __version__,
            "services": self.service_names,
            "uptime": round(time.monotonic() - self.started, 3),
            "ephemeral": self.storage.ephemeral,
            "data_dir": None if self.storage.ephemeral else str(self.settings.data_dir),
        }

    def coverage(self) -> dict[str, Any]:
        report = {}
        for name, service in sorted(self.services.items()):
            done, missing = service.face.coverage()
            report[name] = {"implemented": done, "missing": missing}
        return report

    async def reset(self, service: str | None) -> list[str]:
        names = self.service_names if not service else [service]
        for name in names:
            for engine in self.services[name].engines:
                engine.reset()
        await self.storage.flush()
        return names


def build_app(settings: Settings, clock: Clock | None = None) -> CloudTwin:
    return CloudTwin(settings, clock)
