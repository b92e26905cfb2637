"""Route a rest-json or rest-xml request to its operation, and read the params it carries outside the body.

Routing: each operation's ``http.requestUri`` (``/{Bucket}/{Key+}?uploads``) compiles once per
service into a regex over the raw path, with ``{Label}`` matching one segment and ``{Label+}``
the rest; literal query parts (``?uploads``, ``?list-type=2``) must be present. Routes are
grouped by method and first literal path segment, and tried most specific first (more literal
query keys and required query/header members, then more literal path, then non-greedy, then
not deprecated). Which routes a request may take at all depends only on which of its group's
literal query keys, required query members and required headers it has, so that filtering is
done once per combination and kept; a request then tries the path regex of a route or two. A first pass asks for the required query and header members too (that is what tells
S3's PutObject, CopyObject and UploadPart apart); a second pass forgives their absence, so a
request missing one still reaches its operation and gets the model's validation error.

Params outside the body: URI labels, querystring members (scalars, lists, and a map taking
every param no other member claims), headers (lists split on commas, ``jsonvalue`` headers
base64 JSON, timestamps in any format) and prefixed header maps (``x-amz-meta-*``; keys come
back lower case, as HTTP/2 and AWS give them).

Addressing: the route is read from ``HttpRequest.raw_path`` alone. A face whose service
addresses resources by host (S3's virtual-hosted buckets) rewrites the request before the
runner sees it — ``dataclasses.replace(request, raw_path=f"/{bucket}{request.raw_path}")`` —
and the ``{Bucket}`` label is then read like any other.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote

import orjson
from botocore.model import OperationModel, ServiceModel, Shape

from cloudtwin.protocols.aws.parse.text import text_reader
from cloudtwin.protocols.aws.shapes import WireValueError
from cloudtwin.protocols.http import HttpRequest

_LABEL = re.compile(r"\{([^}]+?)(\+?)\}")


@dataclass(frozen=True)
class Route:
    operation: str
    pattern: re.Pattern[str]
    #: The label each regex group captures, in order.
    labels: tuple[str, ...]
    #: Literal query parts of the template: (key, value or None for "any value").
    query: tuple[tuple[str, str | None], ...]
    #: Required querystring and header members: they tell apart routes of one template (S3's
    #: CopyObject is PutObject with ``x-amz-copy-source``), when the request has them.
    required_query: tuple[str, ...]
    required_headers: tuple[str, ...]
    specificity: tuple[int, int, int, int]

    def match(self, request: HttpRequest, strict: bool) -> dict[str, str] | None:
        query = request.query
        for key, value in self.query:
            if key not in query or (value is not None and query[key] != value):
                return None
        if strict and not (all(k in query for k in self.required_query)
                           and all(h in request.headers for h in self.required_headers)):
            return None
        found = self.pattern.match(request.raw_path)
        if found is None:
            return None
        return {name: unquote(value) for name, value in zip(self.labels, found.groups())}


def _first_segment(path: str) -> str | None:
    first = path.lstrip("/").split("/", 1)[0]
    return None if "{" in first else first


def _required(operation: OperationModel, location: str) -> list[str]:
    shape = operation.input_shape
    if shape is None:
        return []
    return [
        shape.members[name].serialization.get("name", name)
        for name in shape.required_members
        if shape.members[name].serialization.get("location") == location
    ]


def _route(operation: OperationModel) -> Route:
    path, _, query = operation.http["requestUri"].partition("?")
    literals = tuple((k, v if sep else None) for k, sep, v in (p.partition("=") for p in query.split("&") if p))
    required_query = tuple(_required(operation, "querystring"))
    headers = tuple(h.lower() for h in _required(operation, "header"))
    regex, labels, last = [], [], 0
    for label in _LABEL.finditer(path):
        regex.append(re.escape(path[last : label.start()]))
        regex.append("(.+)" if label.group(2) else "([^/]+)")
        labels.append(label.group(1))
        last = label.end()
    regex.append("" if path.endswith("+}") else re.escape(path[last:].rstrip("/")) + "/?")
    specificity = (
        -len(literals) - len(required_query) - len(headers),
        -len(_LABEL.sub("", path)),
        int("+}" in path),
        int(bool(operation.deprecated)),
    )
    pattern = re.compile("".join(regex) + "$")
    return Route(operation.name, pattern, tuple(labels), literals, required_query, headers, specificity)


@cache
def route_of(operation: OperationModel) -> Route:
    return _route(operation)


class RouteIndex:
    """Every operation of a rest service, grouped by method and first literal path segment.

    A request's candidates are the routes of its group whose literal query keys (and, for the
    strict pass, required query and header members) it has: which ones depends only on which
    of the group's keys and headers are present, so the two candidate lists are computed once
    per such combination and kept (at most ``_KEPT`` of them); what is left per request is the
    literal values and the path regex of a route or two."""

    _KEPT = 4096

    def __init__(self, service: ServiceModel) -> None:
        groups: dict[tuple[str, str | None], list[Route]] = {}
        for name in service.operation_names:
            operation = service.operation_model(name)
            route = route_of(operation)
            key = (operation.http.get("method", "POST"), _first_segment(operation.http["requestUri"].split("?")[0]))
            groups.setdefault(key, []).append(route)
        self._groups = {key: sorted(routes, key=lambda r: r.specificity) for key, routes in groups.items()}
        #: (method, first literal segment or None) -> its routes, and the query keys and headers
        #: whose presence decides which of them a request may take.
        self._routes = {key: _with_keys([*self._groups[key], *self._groups.get((key[0], None), ())])
                        for key in self._groups}
        self._candidates: dict[tuple[object, ...], tuple[tuple[Route, ...], tuple[Route, ...]]] = {}

    def find(self, request: HttpRequest) -> tuple[str, dict[str, str]] | None:
        """(operation name, raw label values) of the route ``request`` matches, or None."""
        method = request.method.upper()
        first: str | None = request.raw_path.lstrip("/").split("/", 1)[0]
        if (method, first) not in self._routes:
            first = None
        query = request.query
        strict, lenient = self._candidates_for(method, first, query, request.headers)
        for candidates in (strict, lenient):
            for route in candidates:
                if all(value is None or query[key] == value for key, value in route.query):
                    found = route.pattern.match(request.raw_path)
                    if found is not None:
                        return route.operation, {n: unquote(v) for n, v in zip(route.labels, found.groups())}
        return None

    def _candidates_for(self, method: str, first: str | None, query: dict[str, str],
                        headers: dict[str, str]) -> tuple[tuple[Route, ...], tuple[Route, ...]]:
        """(strict, lenient) candidates, most specific first; the lenient pass forgives missing
        required members, never missing literal query keys."""
        routes, query_keys, header_keys = self._routes.get((method, first), ((), frozenset(), ()))
        present = (method, first, frozenset(k for k in query if k in query_keys) if query else frozenset(),
                   tuple(h in headers for h in header_keys))
        cached = self._candidates.get(present)
        if cached is None:
            lenient = tuple(r for r in routes if all(k in query for k, _ in r.query))
            strict = tuple(r for r in lenient if all(k in query for k in r.required_query)
                           and all(h in headers for h in r.required_headers))
            if len(self._candidates) >= self._KEPT:
                self._candidates.clear()
            cached = self._candidates[present] = (strict, lenient)
        return cached


def _with_keys(routes: list[Route]) -> tuple[tuple[Route, ...], frozenset[str], tuple[str, ...]]:
    query = {k for r in routes for k, _ in r.query} | {k for r in routes for k in r.required_query}
    headers = {h for r in routes for h in r.required_headers}
    return tuple(routes), frozenset(query), tuple(sorted(headers))


@cache
def route_index(service: ServiceModel) -> RouteIndex:
    return RouteIndex(service)


# -- params outside the body ---------------------------------------------------------------
Extract = Callable[[HttpRequest, dict[str, str], dict[str, Any]], None]


def _split_header_list(text: str) -> list[str]:
    """``a, "b,c", "d\\"e"`` -> ``["a", "b,c", 'd"e']`` (RFC 7230 lists, as botocore writes them)."""
    if '"' not in text:
        return [item.strip() for item in text.split(",")]
    items, current, quoted, escaped = [], [], False, False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return items


def _json_header(text: str) -> Any:
    try:
        return orjson.loads(base64.b64decode(text, validate=True))
    except (ValueError, orjson.JSONDecodeError):
        raise WireValueError("a JSON value header must hold base64-encoded JSON") from None


def _header_reader(shape: Shape) -> Callable[[str], Any]:
    if shape.type_name == "list":
        item = text_reader(shape.member)
        return lambda text: [item(e) for e in _split_header_list(text)]
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        return _json_header
    if shape.type_name == "string":
        return str
    from_text = text_reader(shape)
    return lambda text: from_text(text.strip())


def _label(name: str, wire: str, shape: Shape) -> Extract:
    from_text = text_reader(shape)

    def extract(request: HttpRequest, labels: dict[str, str], out: dict[str, Any]) -> None:
        if wire in labels:
            out[name] = from_text(labels[wire])

    return extract


def _header(name: str, wire: str, shape: Shape) -> Extract:
    read, key = _header_reader(shape), wire.lower()

    def extract(request: HttpRequest, labels: dict[str, str], out: dict[str, Any]) -> None:
        if key in request.headers:
            out[name] = read(request.headers[key])

    return extract


def _header_map(name: str, wire: str, shape: Shape) -> Extract:
    prefix = wire.lower()

    def extract(request: HttpRequest, labels: dict[str, str], out: dict[str, Any]) -> None:
        found = {k[len(prefix) :]: v for k, v in request.headers.items() if k.startswith(prefix)}
        if found:
            out[name] = found

    return extract


def _querystring(name: str, wire: str, shape: Shape) -> Extract:
    if shape.type_name == "list":
        item = text_reader(shape.member)

        def extract_list(request: HttpRequest, labels: dict[str, str], out: dict[str, Any]) -> None:
            values = [item(v) for k, v in request.query_list if k == wire]
            if values:
                out[name] = values

        return extract_list
    from_text = text_reader(shape)

    def extract(request: HttpRequest, labels: dict[str, str], out: dict[str, Any]) -> None:
        if wire in request.query:
            out[name] = from_text(request.query[wire])

    return extract


def _query_map(name: str, shape: Shape, claimed: frozenset[str]) -> Extract:
    """A querystring map takes every param that no other member (or the route) claims."""
    as_list = shape.value.type_name == "list"
    from_text = text_reader(shape.value.member if as_list else shape.value)

    def extract(request: HttpRequest, labels: dict[str, str], out: dict[str, Any]) -> None:
        found: dict[str, Any] = {}
        for key, value in request.query_list:
            if key in claimed:
                continue
            if as_list:
                found.setdefault(key, []).append(from_text(value))
            else:
                found[key] = from_text(value)
        if found:
            out[name] = found

    return extract


_EXTRACTORS = {"uri": _label, "header": _header, "headers": _header_map, "querystring": _querystring}


@cache
def location_plan(operation: OperationModel) -> tuple[tuple[str | None, Extract], ...]:
    """How to read each member of the input shape bound to the URI, the query or headers, each
    with the header it needs (None: always run), so an absent header costs no call."""
    shape = operation.input_shape
    if shape is None:
        return ()
    route_keys = {k for k, _ in route_of(operation).query}
    claimed = frozenset(
        route_keys | {m.serialization.get("name", n) for n, m in shape.members.items()
                      if m.serialization.get("location") == "querystring" and m.type_name != "map"}
    )
    plan: list[tuple[str | None, Extract]] = []
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "querystring" and member.type_name == "map":
            plan.append((None, _query_map(name, member, claimed)))
        elif location in _EXTRACTORS:
            plan.append((wire.lower() if location == "header" else None, _EXTRACTORS[location](name, wire, member)))
    return tuple(plan)


def read_locations(operation: OperationModel, request: HttpRequest, labels: dict[str, str]) -> dict[str, Any]:
    """The params ``request`` carries in its URI, query string and headers."""
    out: dict[str, Any] = {}
    headers = request.headers
    for header, extract in location_plan(operation):
        if header is None or header in headers:
            extract(request, labels, out)
    return out
