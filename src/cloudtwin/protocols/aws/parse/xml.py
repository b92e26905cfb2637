"""Read an XML body (rest-xml requests) into model values.

``parse_document`` reads bytes into an element with the standard library's expat parser, and
refuses any document type declaration: AWS accepts none, and refusing it shuts out entity
expansion attacks without another dependency. A reader compiled once per shape then walks the
elements with the same traits ``serialize/xml.py`` writes (``locationName``, ``flattened``,
``xmlAttribute``); element and attribute names are matched without their namespace.
A malformed document or a scalar of the wrong type raises ``WireValueError``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any
from xml.etree.ElementTree import Element, ParseError, XMLParser

from botocore.model import Shape

from cloudtwin.protocols.aws.compile import ShapeCompiler
from cloudtwin.protocols.aws.parse.text import text_reader
from cloudtwin.protocols.aws.shapes import WireValueError

ElementReader = Callable[[Element], Any]
NodesReader = Callable[[list[Element]], Any]


def local_name(name: str) -> str:
    """``{namespace}type`` and ``xsi:type`` both become ``type``."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def parse_document(body: bytes) -> Element:
    if b"<!DOCTYPE" in body.upper():
        raise WireValueError("document type declarations are not allowed")
    parser = XMLParser()
    try:
        parser.feed(body)
        return parser.close()
    except ParseError as exc:
        raise WireValueError(f"malformed XML: {exc}") from None


@cache
def element_reader(shape: Shape) -> ElementReader:
    return _Compiler().build(shape)


class _Compiler(ShapeCompiler[ElementReader]):
    def scalar(self, shape: Shape) -> ElementReader:
        if shape.type_name == "string":
            return lambda node: node.text or ""
        from_text = text_reader(shape)
        return lambda node: from_text((node.text or "").strip())

    def list(self, shape: Shape) -> ElementReader:
        item = self.build(shape.member)
        return lambda node: [item(child) for child in node]

    def map(self, shape: Shape) -> ElementReader:
        entry = self._entry(shape)
        return lambda node: dict(entry(child) for child in node)

    def structure(self, shape: Shape) -> ElementReader:
        elements: list[tuple[str, str, NodesReader]] = []
        attributes: list[tuple[str, str, Callable[[str], Any]]] = []

        def read(node: Element) -> dict[str, Any]:
            groups: dict[str, list[Element]] = {}
            for child in node:
                groups.setdefault(local_name(child.tag), []).append(child)
            out = {}
            for name, tag, read_nodes in elements:
                nodes = groups.get(tag)
                if nodes:
                    out[name] = read_nodes(nodes)
            if attributes:
                present = {local_name(k): v for k, v in node.attrib.items()}
                for name, attr, from_text in attributes:
                    if attr in present:
                        out[name] = from_text(present[attr])
            return out

        self.register(shape, read)
        for name, member in shape.members.items():
            if "location" in member.serialization:
                continue
            wire_name = member.serialization.get("name", name)
            if member.serialization.get("xmlAttribute"):
                attributes.append((name, local_name(wire_name), text_reader(member)))
            else:
                elements.append((name, *self._member(member, wire_name)))
        return read

    def _member(self, member: Shape, tag: str) -> tuple[str, NodesReader]:
        """The element name a member is found under, and how to read the elements of that name."""
        flattened = member.serialization.get("flattened")
        if flattened and member.type_name == "list":
            item = self.build(member.member)
            return local_name(member.member.serialization.get("name", tag)), lambda nodes: [item(n) for n in nodes]
        if flattened and member.type_name == "map":
            entry = self._entry(member)
            return local_name(tag), lambda nodes: dict(entry(n) for n in nodes)
        read = self.build(member)
        return local_name(tag), lambda nodes: read(nodes[0])

    def _entry(self, shape: Shape) -> Callable[[Element], tuple[Any, Any]]:
        key_tag = shape.key.serialization.get("name", "key")
        value_tag = shape.value.serialization.get("name", "value")
        read_key = self.build(shape.key)
        read_value = self.build(shape.value)

        def read(node: Element) -> tuple[Any, Any]:
            key = value = None
            for child in node:
                tag = local_name(child.tag)
                if tag == key_tag:
                    key = read_key(child)
                elif tag == value_tag:
                    value = read_value(child)
            if key is None:
                raise WireValueError("a map entry has no key")
            return key, value

        return read
