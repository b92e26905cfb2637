"""RequestContext: who is asking, in which scope, at what time: handed to faces and engines."""

from __future__ import annotations

from typing import NamedTuple

from cloudtwin.engines._kernel.scope import Scope


class RequestContext(NamedTuple):
    """Immutable; a NamedTuple because it is built for every request (``_replace`` is cheap)."""

    request_id: str
    scope: Scope
    #: Epoch seconds on the server's clock when the request arrived.
    now: float
    #: The caller's access key id (AWS) or account name (Azure).
    principal: str = ""
    service: str = ""
    operation: str = ""
    #: The Host header the client used (faces build URLs that point back at it).
    host: str = ""
