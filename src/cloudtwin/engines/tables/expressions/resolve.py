"""What every expression compiler shares: resolving paths and values, reading paths from items,
and reporting the one error DynamoDB would report.

A compiler walks the whole tree and ``note``s each problem under a category, keeping the first
per category; ``raise_first`` then raises the category DynamoDB checks first. This is how the
service behaves: it reports, say, a reserved word anywhere before an undefined value anywhere,
whatever their order in the text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.expressions.context import ExpressionContext
from cloudtwin.engines.tables.expressions.nodes import PathNode, ValueNode
from cloudtwin.engines.tables.expressions.reserved import is_reserved
from cloudtwin.engines.tables.values import AttrValue, Item

Path = tuple[str | int, ...]
Getter = Callable[[Item], AttrValue | None]


class Resolver:
    """Base of the compilers: a request context, the expression's name, and noted errors."""

    def __init__(self, ctx: ExpressionContext, what: str) -> None:
        self.ctx = ctx
        self.what = what
        self.errors: dict[str, str] = {}

    def note(self, category: str, message: str) -> None:
        self.errors.setdefault(category, message)

    def raise_first(self, priority: Sequence[str]) -> None:
        for category in priority:
            message = self.errors.get(category)
            if message is not None:
                raise Invalid(f"Invalid {self.what}: {message}")

    def path(self, node: PathNode) -> Path:
        """The path with aliases substituted; notes reserved words and undefined aliases."""
        parts: list[str | int] = []
        for part in node.parts:
            if isinstance(part, int):
                parts.append(part)
            elif part[0] == "#":
                name = self.ctx.name(part)
                if name is None:
                    self.note(
                        "name",
                        "An expression attribute name used in the document path is not defined; "
                        f"attribute name: {part}",
                    )
                    name = part
                parts.append(name)
            else:
                if is_reserved(part):
                    self.note("reserved", f"Attribute name is a reserved keyword; reserved keyword: {part}")
                parts.append(part)
        return tuple(parts)

    def value(self, node: ValueNode) -> AttrValue | None:
        value = self.ctx.value(node.name)
        if value is None:
            self.note(
                "value",
                f"An expression attribute value used in expression is not defined; attribute value: {node.name}",
            )
        return value


def path_str(path: Path) -> str:
    """A path as DynamoDB prints it in messages: ``[a, [0], b]``."""
    return "[" + ", ".join(f"[{p}]" if isinstance(p, int) else p for p in path) + "]"


def get_path(item: Item, path: Path) -> AttrValue | None:
    """The value at ``path`` in ``item``, or None when any step is missing or of the wrong type."""
    value = item.get(path[0])  # type: ignore[arg-type]
    for part in path[1:]:
        if value is None:
            return None
        if type(part) is int:
            items = value.get("L")
            value = items[part] if items is not None and part < len(items) else None
        else:
            members = value.get("M")
            value = members.get(part) if members is not None else None
    return value


def path_getter(path: Path) -> Getter:
    """A fast reader of ``path``: a plain dict lookup for top-level names."""
    if len(path) == 1:
        name = path[0]
        return lambda item: item.get(name)  # type: ignore[arg-type]
    return lambda item: get_path(item, path)


def note_path_clashes(resolver: Resolver, paths: Iterable[Path]) -> None:
    """Note the first two paths that overlap (one is a prefix of the other) or conflict."""
    seen: list[Path] = []
    for path in paths:
        for earlier in seen:
            relation = _relation(earlier, path)
            if relation:
                verb = "overlap" if relation == "overlap" else "conflict"
                resolver.note(
                    relation,
                    f"Two document paths {verb} with each other; must remove or rewrite one of these "
                    f"paths; path one: {path_str(earlier)}, path two: {path_str(path)}",
                )
        seen.append(path)


def _relation(one: Path, two: Path) -> str:
    for a, b in zip(one, two):
        if type(a) is not type(b):
            return "conflict"
        if a != b:
            return ""
    return "overlap"
