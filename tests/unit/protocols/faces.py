"""A face with no operations, run as the server runs faces: the protocol layer alone answers."""

from __future__ import annotations

from cloudtwin.aws._face import Face, Operations
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.protocols.http import HttpRequest, HttpResponse

CONTEXT = RequestContext(request_id="request-1", scope=Scope("000000000000", "us-east-1"), now=0.0)


def answer(service: str, protocol: str, request: HttpRequest, operations: Operations | None = None) -> HttpResponse:
    face = Face(service, operations or Operations(), protocols=(protocol,))
    return face.handle(None, CONTEXT, request, protocol)
