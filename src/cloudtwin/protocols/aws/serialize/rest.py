"""Write what rest-json and rest-xml responses carry outside the body: status code and headers.

``response_plan(shape)`` sorts an output (or error) shape's members once: the one bound to the
status code, those bound to headers (and prefixed header maps), the payload member, and the
members that go in the body. Header values follow botocore's rules: timestamps in RFC 822
unless the shape says otherwise, booleans as ``true``/``false``, lists comma-joined (items
with commas or quotes quoted), ``jsonvalue`` strings as base64 JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.model import Shape

from cloudtwin.protocols.aws.serialize.json import dumps
from cloudtwin.protocols.aws.serialize.text import text_writer
from cloudtwin.protocols.aws.shapes import encode_blob

Headers = list[tuple[str, str]]
HeaderWriter = Callable[[Any], str]


def _quoted_item(text: str) -> str:
    if '"' in text or "," in text:
        return '"' + text.replace('"', '\\"') + '"'
    return text


def header_writer(shape: Shape) -> HeaderWriter:
    if shape.type_name == "list":
        item = text_writer(shape.member, "rfc822")
        quote = shape.member.type_name == "string"
        return lambda values: ",".join(_quoted_item(item(v)) if quote else item(v) for v in values)
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        return lambda value: encode_blob(dumps(value))
    return text_writer(shape, "rfc822")


@dataclass(frozen=True)
class ResponsePlan:
    status_member: str | None
    headers: tuple[tuple[str, str, HeaderWriter], ...]
    header_maps: tuple[tuple[str, str], ...]
    payload: str | None
    payload_shape: Shape | None
    body_members: frozenset[str]
    #: Member name -> (header name, writer), for the header members.
    header_by_name: dict[str, tuple[str, HeaderWriter]]

    def status(self, result: dict[str, Any], default: int) -> int:
        if self.status_member and result.get(self.status_member) is not None:
            return int(result[self.status_member])
        return default

    def write_headers(self, result: dict[str, Any]) -> Headers:
        """The header members ``result`` has (in its order: a result holds far fewer members
        than an output shape like S3's GetObjectOutput declares), then the header maps."""
        out: Headers = []
        by_name = self.header_by_name
        for name, value in result.items():
            found = by_name.get(name)
            if found is not None and value is not None and not (isinstance(value, list) and not value):
                out.append((found[0], found[1](value)))
        for name, prefix in self.header_maps:
            out.extend((prefix + key, str(value)) for key, value in (result.get(name) or {}).items())
        return out

    def body_values(self, result: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in result.items() if k in self.body_members and v is not None}

    def raw_payload(self, result: dict[str, Any]) -> bytes | None:
        """The body of a blob or string payload member (None when the payload is a structure)."""
        if self.payload_shape is None or self.payload_shape.type_name not in ("blob", "string"):
            return None
        value = result.get(self.payload or "")
        if value is None:
            return b""
        return value.encode() if isinstance(value, str) else bytes(value)


@cache
def response_plan(shape: Shape | None) -> ResponsePlan:
    if shape is None:
        return ResponsePlan(None, (), (), None, None, frozenset(), {})
    status = None
    headers, header_maps, body = [], [], []
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "statusCode":
            status = name
        elif location == "header":
            headers.append((name, wire, header_writer(member)))
        elif location == "headers":
            header_maps.append((name, wire))
        elif location is None:
            body.append(name)
    payload = shape.serialization.get("payload")
    payload_shape = shape.members[payload] if payload else None
    return ResponsePlan(status, tuple(headers), tuple(header_maps), payload, payload_shape, frozenset(body),
                        {name: (header, write) for name, header, write in headers})

