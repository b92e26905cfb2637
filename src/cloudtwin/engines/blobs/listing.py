"""Listing in key order with a prefix and a delimiter that groups keys into common prefixes.

Keys compare as UTF-8 bytes (SQLite's binary collation), as the clouds list them. A group is
counted once and skipped in one step: the walk jumps to the first key after every key that
starts with it, so a folder of a million keys costs one query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BATCH = 1000
Fetch = Callable[[str, bool, int], list[tuple[Any, ...]]]
Entry = str | tuple[Any, ...]
_KEY = 1


def successor(prefix: str) -> str:
    """The smallest string greater than every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def walk(fetch: Fetch, prefix: str, delimiter: str, low: str, inclusive: bool,
         limit: int) -> tuple[list[Entry], bool]:
    """Up to ``limit`` entries (rows, or common prefixes as str) from ``low``; and whether more follow.

    ``fetch(low, inclusive, n)`` returns rows (key at index 1) in key order from ``low``, whole
    keys at a time.
    """
    if low < prefix:
        low, inclusive = prefix, True
    cut = low.find(delimiter, len(prefix)) if delimiter and low.startswith(prefix) else -1
    if cut >= 0:  # resuming after a group: skip the whole group
        low, inclusive = successor(low[:cut + len(delimiter)]), True
    entries: list[Entry] = []
    while len(entries) <= limit:
        rows = fetch(low, inclusive, BATCH)
        if not rows:
            break
        for row in rows:
            key = row[_KEY]
            if not key.startswith(prefix):
                return entries[:limit], len(entries) > limit
            cut = key.find(delimiter, len(prefix)) if delimiter else -1
            if cut >= 0:
                group = key[:cut + len(delimiter)]
                entries.append(group)
                low, inclusive = successor(group), True
                break
            entries.append(row)
            low, inclusive = key, False
            if len(entries) > limit:
                break
    return entries[:limit], len(entries) > limit
