"""Compile a reader that checks a decoded document (JSON or CBOR) against a shape.

The walk is the same for every self-describing format: structures are maps keyed by the
members' wire names (``locationName``/``jsonName``), lists are arrays, maps are maps, and
nulls are dropped. Only the scalars differ (JSON carries blobs as base64 text, CBOR as byte
strings), so each format hands in its table of scalar readers. A reader raises ``WrongType``
with Jackson-like wording ("STRING_VALUE cannot be converted to Integer"), which each protocol
turns into its own error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from botocore.model import Shape

from cloudtwin.protocols.aws.compile import ShapeCompiler

Reader = Callable[[Any], Any]
Scalars = Mapping[str, Reader]

_TYPE_NAMES = {str: "STRING_VALUE", int: "NUMBER_VALUE", float: "NUMBER_VALUE", bool: "BOOLEAN_VALUE",
               list: "START_ARRAY", dict: "START_OBJECT", bytes: "BYTE_STRING"}


class WrongType(Exception):
    def __init__(self, value: Any, target: str) -> None:
        super().__init__(f"{_TYPE_NAMES.get(type(value), 'VALUE')} cannot be converted to {target}")


def identity(v: Any) -> Any:
    return v


def compile_reader(shape: Shape, scalars: Scalars, wire_names: bool = True) -> Reader:
    """The reader of ``shape``; recursive shapes (DynamoDB's AttributeValue) are built once.

    ``wire_names``: members are keyed by their ``locationName``/``jsonName`` (JSON) rather than
    by their model names (RPC v2 CBOR).
    """
    return _Compiler(scalars, wire_names).build(shape)


def _key(k: Any) -> str:
    if type(k) is not str:
        raise WrongType(k, "String")
    return k


class _Compiler(ShapeCompiler[Reader]):
    def __init__(self, scalars: Scalars, wire_names: bool) -> None:
        super().__init__()
        self.scalars = scalars
        self.wire_names = wire_names

    def scalar(self, shape: Shape) -> Reader:
        return self.scalars.get(shape.type_name, identity)

    def structure(self, shape: Shape) -> Reader:
        members: dict[str, tuple[str, Reader]] = {}
        union = bool(shape.metadata.get("union"))

        def read(v: Any) -> Any:
            if type(v) is not dict:
                raise WrongType(v, "Structure")
            out = {}
            for key, value in v.items():
                member = members.get(key)
                if member is not None and value is not None:
                    out[member[0]] = member[1](value)
            if union and len(out) > 1:
                raise WrongType(v, "Union with exactly one member")
            return out

        self.register(shape, read)
        for name, member in shape.members.items():
            wire_name = member.serialization.get("name", name) if self.wire_names else name
            members[wire_name] = (name, self.build(member))
        return read

    def list(self, shape: Shape) -> Reader:
        item = self.build(shape.member)

        def read(v: Any) -> Any:
            if type(v) is not list:
                raise WrongType(v, "List")
            return [item(e) for e in v if e is not None]

        return read

    def map(self, shape: Shape) -> Reader:
        value_reader = self.build(shape.value)

        def read(v: Any) -> Any:
            if type(v) is not dict:
                raise WrongType(v, "Map")
            return {_key(k): value_reader(e) for k, e in v.items() if e is not None}

        return read
