"""ProjectionExpression (and AttributesToGet): which parts of an item a read returns.

Nested paths keep their structure, as DynamoDB returns them: ``a.b`` gives ``{"a": {"M":
{"b": ...}}}`` and ``l[2], l[0]`` gives ``{"l": {"L": [l[0], l[2]]}}`` (elements in index
order). Paths that do not exist in the item are left out. Two paths may not overlap or conflict.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.expressions.context import ExpressionContext
from cloudtwin.engines.tables.expressions.parser import parse_projection_tree
from cloudtwin.engines.tables.expressions.resolve import Path, Resolver, get_path, note_path_clashes
from cloudtwin.engines.tables.values import AttrValue, Item

_PRIORITY = ("reserved", "name", "overlap", "conflict")


class _Branch:
    __slots__ = ("tag", "children")

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.children: dict[Any, Any] = {}


class Projection:
    """A compiled projection: ``apply(item) -> projected item``."""

    __slots__ = ("paths", "_names")

    def __init__(self, paths: Iterable[Path]) -> None:
        self.paths = tuple(paths)
        flat = all(len(path) == 1 for path in self.paths)
        self._names = tuple(str(path[0]) for path in self.paths) if flat else None

    def top_level_names(self) -> frozenset[str]:
        return frozenset(str(path[0]) for path in self.paths)

    def apply(self, item: Item) -> Item:
        if self._names is not None:
            return {name: item[name] for name in self._names if name in item}
        root = _Branch("M")
        for path in self.paths:
            value = get_path(item, path)
            if value is not None:
                _insert(root, path, value)
        return {name: _finish(child) for name, child in root.children.items()}


def _insert(root: _Branch, path: Path, value: AttrValue) -> None:
    node = root
    for step, following in zip(path, path[1:]):
        child = node.children.get(step)
        if child is None:
            child = node.children[step] = _Branch("L" if type(following) is int else "M")
        node = child
    node.children[path[-1]] = value


def _finish(node: Any) -> AttrValue:
    if not isinstance(node, _Branch):
        return node  # type: ignore[no-any-return]
    if node.tag == "M":
        return {"M": {key: _finish(child) for key, child in node.children.items()}}
    return {"L": [_finish(node.children[index]) for index in sorted(node.children)]}


def parse_projection(text: str, ctx: ExpressionContext) -> Projection:
    """Parse and check a ProjectionExpression."""
    resolver = Resolver(ctx, "ProjectionExpression")
    paths = [resolver.path(node) for node in parse_projection_tree(text)]
    note_path_clashes(resolver, paths)
    resolver.raise_first(_PRIORITY)
    return Projection(paths)


def attributes_to_get(names: Iterable[str]) -> Projection:
    """The legacy AttributesToGet list as a projection of top-level attributes."""
    listed = list(names)
    seen: set[str] = set()
    for name in listed:
        if name in seen:
            raise Invalid(f"One or more parameter values were invalid: Duplicate value in attribute name: {name}")
        seen.add(name)
    return Projection((name,) for name in listed)
