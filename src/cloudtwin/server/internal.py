"""The internal endpoints under /_cloudtwin/: health, reset, clock, coverage.

``POST /_cloudtwin/clock`` takes ``{"advance": seconds}`` or ``{"advance": "30d"}`` or
``{"set": epoch_seconds}``; the clock never goes backwards. Moving it runs every sweep at
once (TTL expiry, visibility timeouts, ...), so effects are visible when it answers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import orjson

from cloudtwin.protocols.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from cloudtwin.server.app import CloudTwin

PREFIX = "/_cloudtwin/"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


def parse_duration(value: Any) -> float:
    """Seconds from a number or a text like "90", "15m", "30d"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"not a duration: {value!r} (try 90, '15m', '30d')")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _json(status: int, body: Any) -> HttpResponse:
    return HttpResponse(status, [("content-type", "application/json")], orjson.dumps(body))


def _clock_state(app: CloudTwin) -> dict[str, float]:
    return {"now": app.clock.now(), "offset": app.clock.offset}


async def handle(app: CloudTwin, request: HttpRequest) -> HttpResponse:
    name = request.path[len(PREFIX):].strip("/")
    method = request.method
    if name == "health" and method in ("GET", "HEAD"):
        return _json(200, app.health())
    if name == "coverage" and method == "GET":
        return _json(200, app.coverage())
    if name == "reset" and method == "POST":
        service = request.query.get("service") or _body(request).get("service")
        try:
            reset = await app.reset(service)
        except KeyError:
            return _json(404, {"error": f"unknown service {service!r}", "services": app.service_names})
        return _json(200, {"reset": reset})
    if name == "clock" and method == "GET":
        return _json(200, _clock_state(app))
    if name == "clock" and method == "POST":
        return await _move_clock(app, _body(request))
    if name.startswith("sns/") and method == "GET" and "sns" in app.services:
        return await _sns_link(app, name[len("sns/"):], request)
    return _json(404, {"error": f"no internal endpoint {method} {request.path}"})


async def _sns_link(app: CloudTwin, path: str, request: HttpRequest) -> HttpResponse:
    """SNS's SigningCertURL, SubscribeURL and UnsubscribeURL (see aws/sns/links.py)."""
    from cloudtwin.aws.sns import answer

    status, content_type, body = answer(app.services["sns"].env, path, request.query)
    await app.storage.flush()
    return HttpResponse(status, [("content-type", content_type)], body)


def _body(request: HttpRequest) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    try:
        body = orjson.loads(request.body)
    except orjson.JSONDecodeError:
        return {}
    return body if isinstance(body, dict) else {}


async def _move_clock(app: CloudTwin, body: dict[str, Any]) -> HttpResponse:
    try:
        if "set" in body:
            app.clock.set(float(body["set"]))
        elif "advance" in body:
            app.clock.advance(parse_duration(body["advance"]))
        else:
            return _json(400, {"error": 'give {"advance": seconds or "30d"} or {"set": epoch_seconds}'})
    except (TypeError, ValueError) as exc:
        return _json(400, {"error": str(exc)})
    await app.sweep()
    return _json(200, _clock_state(app))
