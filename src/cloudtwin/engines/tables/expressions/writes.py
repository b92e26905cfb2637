"""Writing at a document path, copy-on-write.

``root`` is a fresh top-level dict owned by the caller; nested maps and lists are shared with
the original item until a write goes through them, when they are copied. So an update never
changes the item it was given, and untouched parts are not copied.
"""

from __future__ import annotations

from typing import Any

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.expressions.resolve import Path
from cloudtwin.engines.tables.values import AttrValue, Item, add_numbers, check_depth

INVALID_PATH = "The document path provided in the update expression is invalid for update"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"

Holder = dict[str, Any] | list[Any]


def _child(holder: Holder, key: str | int) -> AttrValue | None:
    if isinstance(holder, dict):
        return holder.get(key)  # type: ignore[arg-type]
    return holder[key] if key < len(holder) else None  # type: ignore[operator,index]


def _put(holder: Holder, key: str | int, value: AttrValue) -> None:
    if isinstance(holder, dict):
        holder[key] = value  # type: ignore[index]
    elif key < len(holder):  # type: ignore[operator]
        holder[key] = value  # type: ignore[index]
    else:
        holder.append(value)


def _holder(root: Item, path: Path) -> Holder | None:
    """The (copied) map or list that holds the last step of ``path``; None when missing."""
    holder: Holder = root
    for step, following in zip(path, path[1:]):
        child = _child(holder, step)
        tag = "L" if type(following) is int else "M"
        inner = child.get(tag) if child is not None else None
        if inner is None:
            return None
        copy: Holder = list(inner) if tag == "L" else dict(inner)
        _put(holder, step, {tag: copy})
        holder = copy
    return holder


def _writable(root: Item, path: Path) -> Holder:
    holder = _holder(root, path)
    if holder is None:
        raise Invalid(INVALID_PATH)
    return holder


def set_value(root: Item, path: Path, value: AttrValue) -> None:
    check_depth(len(path), value)
    _put(_writable(root, path), path[-1], value)


def remove_value(root: Item, path: Path) -> None:
    if len(path) == 1:
        root.pop(path[0], None)  # type: ignore[arg-type]
        return
    holder = _writable(root, path)
    key = path[-1]
    if isinstance(holder, dict):
        holder.pop(key, None)  # type: ignore[arg-type]
    elif key < len(holder):  # type: ignore[operator]
        del holder[key]  # type: ignore[arg-type]


def add_value(root: Item, path: Path, value: AttrValue) -> None:
    holder = _writable(root, path)
    current = _child(holder, path[-1])
    ((tag, inner),) = value.items()
    if current is None:
        _put(holder, path[-1], value)
        return
    existing = current.get(tag)
    if existing is None:
        raise Invalid(WRONG_TYPE)
    if tag == "N":
        _put(holder, path[-1], {"N": add_numbers(existing, inner)})
    else:
        _put(holder, path[-1], {tag: union(tag, existing, inner)})


def delete_members(root: Item, path: Path, value: AttrValue) -> None:
    holder = _writable(root, path)
    current = _child(holder, path[-1])
    if current is None:
        return
    ((tag, inner),) = value.items()
    existing = current.get(tag)
    if existing is None:
        raise Invalid(WRONG_TYPE)
    gone = set(inner)
    left = [member for member in existing if member not in gone]
    if left:
        _put(holder, path[-1], {tag: left})
    else:
        del holder[path[-1]]  # type: ignore[arg-type]


def union(tag: str, existing: list[Any], added: list[Any]) -> list[Any]:
    """Set union keeping the existing order, new members appended (numbers are canonical)."""
    present = set(existing)
    return existing + [member for member in added if member not in present]
