"""What a round trip may legitimately change, folded away before comparing.

Timestamps become epoch seconds (whole seconds are all JSON and headers carry); floats compare
as floats; empty lists, maps, structures and blobs are dropped, in structures and lists, and so
is an empty string payload (query, XML, headers and bodies cannot tell them from absent); prefixed header map keys are lower case (HTTP header names are).
Members the HTTP layer sets on its own (Content-Length, Content-Type, ...) are dropped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.model import Shape

HTTP_HEADERS = {"content-length", "content-type", "content-md5", "expect", "host", "user-agent"}


def normal(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if value is None:
        return None
    if kind == "structure" and not shape.metadata.get("document"):
        out = {}
        payload = shape.serialization.get("payload")
        for name, member in shape.members.items():
            if name in value:
                folded = normal(member, value[name])
                if member.serialization.get("location") == "headers" and folded:
                    folded = {k.lower(): v for k, v in folded.items()}
                if not _empty(folded) and not (name == payload and folded == ""):
                    out[name] = folded
        return out
    if kind == "list":
        return [folded for folded in (normal(shape.member, v) for v in value) if not _empty(folded)]
    if kind == "map":
        return {k: normal(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return int(value.timestamp()) if isinstance(value, datetime) else int(value)
    if kind in ("float", "double"):
        return float(value)
    if kind == "blob" and not isinstance(value, (bytes, bytearray)):
        return value.read() if hasattr(value, "read") else value.encode()
    return value


def _empty(value: Any) -> bool:
    return value in ({}, [], b"", None)


def without_http_headers(shape: Shape, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` less the header members the HTTP layer sets or rewrites on its own."""
    out = dict(params)
    for name, member in shape.members.items():
        header = member.serialization.get("name", name).lower()
        if member.serialization.get("location") == "header" and header in HTTP_HEADERS:
            out.pop(name, None)
    return out
