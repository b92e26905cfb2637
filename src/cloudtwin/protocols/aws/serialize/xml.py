"""Write model values as XML: the query protocol's results and rest-xml bodies.

A writer is compiled once per shape and appends text to a list (no element tree is built).
It follows the traits botocore's XML parsers read: ``locationName`` renames an element,
lists wrap their items in ``<member>`` (or the member's ``locationName``) unless
``flattened``, maps write ``<entry><key/><value/></entry>`` (or flattened entries),
``xmlAttribute`` members become attributes of their structure, and ``xmlNamespace`` adds an
``xmlns`` declaration. Members bound to another location (headers, status code) are skipped.
A ``queryName`` (only query models carry one: see ``parse/query.py``) names an element before
``locationName`` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from botocore.model import ServiceModel, Shape

from cloudtwin.protocols.aws.compile import ShapeCompiler
from cloudtwin.protocols.aws.error_shapes import error_shape
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.serialize.text import text_writer

Out = list[str]
Emit = Callable[[Out, str, Any], None]
MemberEmit = Callable[[Out, Any], None]

#: Characters XML 1.0 cannot carry at all, not even as references (and lone surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\"\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """Text as XML character data; characters XML cannot carry become U+FFFD."""
    if _SPECIAL.search(text) is None:  # most text: names, ids, numbers
        return text
    if _NOT_XML.search(text) is not None:
        text = _NOT_XML.sub("\ufffd", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\r", "&#13;"))


def namespace_attribute(shape: Shape) -> str:
    """`` xmlns="..."`` (or ``xmlns:prefix``) when the shape declares an XML namespace."""
    namespace = shape.serialization.get("xmlNamespace")
    if not namespace:
        return ""
    if isinstance(namespace, str):
        return f' xmlns="{escape(namespace)}"'
    prefix = namespace.get("prefix")
    name = f"xmlns:{prefix}" if prefix else "xmlns"
    return f' {name}="{escape(namespace.get("uri", ""))}"'


@cache
def element_writer(shape: Shape) -> Emit:
    """Appends ``<tag>value</tag>`` for a value of ``shape``."""
    return _Compiler().build(shape)


def to_xml(shape: Shape, tag: str, value: Any, attributes: str = "") -> bytes:
    """A whole document: ``value`` as the element ``tag`` (with extra root ``attributes``)."""
    out: Out = []
    element_writer(shape)(out, tag, value)
    if attributes and out:
        head = out[0]
        out[0] = head[: len(tag) + 1] + attributes + head[len(tag) + 1 :]
    return ('<?xml version="1.0" encoding="UTF-8"?>' + "".join(out)).encode()


def error_fields(service: ServiceModel, error: AwsError) -> str:
    """The error's extra members as elements, written by its shape's members when it has them."""
    shape = error_shape(service, error.code)
    members = shape.members if shape is not None else {}
    out: Out = []
    for name, value in error.fields.items():
        member = members.get(name)
        if member is not None:
            element_writer(member)(out, member.serialization.get("name", name), value)
        else:
            out.append(f"<{name}>{escape(str(value))}</{name}>")
    return "".join(out)


def _each(out: Out, emit: Emit, tag: str, values: Any) -> None:
    for value in values:
        emit(out, tag, value)


#: How a structure writes one member: (member name, open tag, close tag, the escaped text of a
#: scalar's value or None, the writer of any other value).
_Element = tuple[str, str, str, "Callable[[Any], str] | None", MemberEmit]


def escaped_text(shape: Shape) -> Callable[[Any], str]:
    """A scalar of ``shape`` as escaped XML character data."""
    if shape.type_name == "string":
        return escape
    as_text = text_writer(shape)
    return lambda value: escape(as_text(value))


class _Compiler(ShapeCompiler[Emit]):
    def scalar(self, shape: Shape) -> Emit:
        text = escaped_text(shape)
        return lambda out, tag, value: out.append(f"<{tag}>{text(value)}</{tag}>")

    def structure(self, shape: Shape) -> Emit:
        namespace = namespace_attribute(shape)
        attributes: list[tuple[str, str, Callable[[Any], str]]] = []
        elements: list[_Element] = []

        def emit(out: Out, tag: str, value: Any) -> None:
            attrs = "".join(
                f' {attr}="{escape(write(value[name]))}"'
                for name, attr, write in attributes
                if value.get(name) is not None
            ) if attributes else ""
            out.append(f"<{tag}{namespace}{attrs}>")
            for name, open_tag, close_tag, text, write_member in elements:
                member_value = value.get(name)
                if member_value is None:
                    continue
                if text is not None:  # a scalar, written here: no call per element
                    out.append(f"{open_tag}{text(member_value)}{close_tag}")
                else:
                    write_member(out, member_value)
            out.append(f"</{tag}>")

        self.register(shape, emit)
        for name, member in shape.members.items():
            if "location" in member.serialization:
                continue
            if member.serialization.get("xmlAttribute"):
                attributes.append((name, member.serialization.get("name", name), text_writer(member)))
            else:
                tag = member.serialization.get("queryName") or member.serialization.get("name", name)
                scalar = member.type_name not in ("structure", "list", "map")
                elements.append((name, f"<{tag}>", f"</{tag}>", escaped_text(member) if scalar else None,
                                 self._member(member, tag)))
        return emit

    def _member(self, member: Shape, tag: str) -> MemberEmit:
        """How a structure writes one member: flattened lists and maps repeat, the rest nest."""
        flattened = member.serialization.get("flattened")
        if flattened and member.type_name == "list":
            item_tag = member.member.serialization.get("name", tag)
            item = self.build(member.member)
            return lambda out, value: _each(out, item, item_tag, value)
        if flattened and member.type_name == "map":
            entry = self._entry(member)
            return lambda out, value: _each(out, entry, tag, list(value.items()))
        write = self.build(member)
        return lambda out, value: write(out, tag, value)

    def list(self, shape: Shape) -> Emit:
        item_tag = shape.member.serialization.get("name", "member")
        item = self.build(shape.member)

        def emit(out: Out, tag: str, value: Any) -> None:
            out.append(f"<{tag}>")
            _each(out, item, item_tag, value)
            out.append(f"</{tag}>")

        return emit

    def map(self, shape: Shape) -> Emit:
        entry = self._entry(shape)

        def emit(out: Out, tag: str, value: Any) -> None:
            out.append(f"<{tag}>")
            _each(out, entry, "entry", list(value.items()))
            out.append(f"</{tag}>")

        return emit

    def _entry(self, shape: Shape) -> Emit:
        """Writes one ``(key, value)`` pair as ``<tag><key>k</key><value>v</value></tag>``."""
        key_tag = shape.key.serialization.get("name", "key")
        value_tag = shape.value.serialization.get("name", "value")
        write_key = self.build(shape.key)
        write_value = self.build(shape.value)

        def emit(out: Out, tag: str, pair: tuple[Any, Any]) -> None:
            out.append(f"<{tag}>")
            write_key(out, key_tag, pair[0])
            write_value(out, value_tag, pair[1])
            out.append(f"</{tag}>")

        return emit
