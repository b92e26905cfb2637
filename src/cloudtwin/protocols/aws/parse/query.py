"""Read the query protocol's flattened form params into model values.

The query protocol (SNS, IAM, STS; SQS and CloudWatch in their legacy mode) sends params as
``Key.Sub.N.member=value`` pairs, in a form body or the query string. ``form_tree`` nests them
by their dotted segments; a reader compiled once per shape walks the tree the way botocore's
``QuerySerializer`` wrote it:

- a structure member under its ``locationName`` (or its name);
- a list as ``Name.member.N`` (or the member's ``locationName``), ``Name.N`` when flattened
  (flattened with a member ``locationName``: ``MemberName.N``), and ``Name=`` for empty (even
  when flattened under a member name);
- a map as ``Name.entry.N.key`` / ``.value`` (or the key/value ``locationName``s),
  ``Name.N.key`` when flattened;
- scalars as text (``parse/text.py``).

A member's ``queryName`` (the EC2 protocol's trait) names it on the query wire alone, and is
read first: it carries a legacy query name that a JSON-first model (SQS) cannot put in
``locationName`` without renaming the member in JSON too (``Attribute.N.Name`` for SQS's
``Attributes``; see ``query_wire.py``). The model's own name is still read.

A value of the wrong kind raises ``WireValueError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from botocore.model import Shape

from cloudtwin.protocols.aws.compile import ShapeCompiler
from cloudtwin.protocols.aws.parse.text import text_reader
from cloudtwin.protocols.aws.shapes import WireValueError

Node = dict[str, Any] | str
NodeReader = Callable[[Node], Any]


def form_tree(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``[("A.member.1", "x")]`` -> ``{"A": {"member": {"1": "x"}}}``; a container beats a scalar."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        node = root
        *parents, last = key.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        if not isinstance(node.get(last), dict):
            node[last] = value
    return root


@cache
def node_reader(shape: Shape) -> NodeReader:
    return _Compiler().build(shape)


def _container(node: Node, what: str) -> dict[str, Any]:
    if not isinstance(node, dict):
        raise WireValueError(f"'{node}' is not a valid {what}")
    return node


def _indexed(node: Node, what: str) -> list[Any]:
    """The values of ``{"1": a, "2": b}`` in index order; ``""`` is an empty list."""
    if node == "":
        return []
    items = _container(node, what)
    try:
        return [items[k] for k in sorted(items, key=int)]
    except ValueError:
        raise WireValueError(f"a {what} index must be a number") from None


class _Compiler(ShapeCompiler[NodeReader]):
    def scalar(self, shape: Shape) -> NodeReader:
        from_text = text_reader(shape)

        def read(node: Node) -> Any:
            if isinstance(node, dict):
                raise WireValueError("a value was expected, not a structure")
            return from_text(node)

        return read

    def list(self, shape: Shape) -> NodeReader:
        item = self.build(shape.member)
        item_name = shape.member.serialization.get("name", "member")

        def read(node: Node) -> list[Any]:
            if node == "":
                return []
            return [item(e) for e in _indexed(_container(node, "list").get(item_name, ""), "list")]

        return read

    def map(self, shape: Shape) -> NodeReader:
        entry = self._entry(shape)

        def read(node: Node) -> dict[Any, Any]:
            if node == "":
                return {}
            return dict(entry(e) for e in _indexed(_container(node, "map").get("entry", ""), "map"))

        return read

    def structure(self, shape: Shape) -> NodeReader:
        members: list[tuple[str, tuple[str, ...], NodeReader]] = []

        def read(node: Node) -> dict[str, Any]:
            tree = _container(node, "structure")
            out = {}
            for name, keys, read_member in members:
                for key in keys:
                    if key in tree:
                        out[name] = read_member(tree[key])
                        break
            return out

        self.register(shape, read)
        for name, member in shape.members.items():
            wire_name = member.serialization.get("name", name)
            key, read_member = self._member(member, wire_name)
            # an empty flattened list is sent as ``WireName=``, not under its item name
            keys = tuple(dict.fromkeys(k for k in (member.serialization.get("queryName"), key, wire_name) if k))
            members.append((name, keys, read_member))
        return read

    def _member(self, member: Shape, key: str) -> tuple[str, NodeReader]:
        """The form key a member is found under, and how to read the subtree at that key."""
        flattened = member.serialization.get("flattened")
        if flattened and member.type_name == "list":
            item = self.build(member.member)
            return member.member.serialization.get("name", key), lambda node: [item(e) for e in _indexed(node, "list")]
        if flattened and member.type_name == "map":
            entry = self._entry(member)
            return key, lambda node: dict(entry(e) for e in _indexed(node, "map"))
        return key, self.build(member)

    def _entry(self, shape: Shape) -> Callable[[Node], tuple[Any, Any]]:
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        read_key = self.build(shape.key)
        read_value = self.build(shape.value)

        def read(node: Node) -> tuple[Any, Any]:
            entry = _container(node, "map entry")
            if key_name not in entry:
                raise WireValueError("a map entry has no key")
            value = entry.get(value_name)
            return read_key(entry[key_name]), None if value is None else read_value(value)

        return read


def read_params(shape: Shape | None, pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The params of an input ``shape`` from form pairs (``Action`` and ``Version`` are ignored)."""
    if shape is None:
        return {}
    params: dict[str, Any] = node_reader(shape)(form_tree(pairs))
    return params
