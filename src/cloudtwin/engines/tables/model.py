"""The table engine's value objects: table and index specs, keys, pages of results.

Items use the engine's typed value model: a one-key dict per value, {tag: value}, with tags
S (string), N (number, decimal text), B (bytes), BOOL, NULL, M (map), L (list), SS, NS, BS
(sets). The DynamoDB face speaks it natively; the Cosmos face converts JSON documents into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AttrValue = dict[str, Any]
Item = dict[str, AttrValue]

#: Cloud-neutral index kinds: "global" indexes have their own partition key and are updated
#: with the table (eventually consistent in the cloud, at once here); "local" ones share the
#: table's partition key.
GLOBAL, LOCAL = "global", "local"
#: Projections: which attributes an index carries.
ALL, KEYS_ONLY, INCLUDE = "ALL", "KEYS_ONLY", "INCLUDE"


@dataclass(frozen=True)
class KeyAttr:
    name: str
    #: "S", "N" or "B".
    type: str


@dataclass(frozen=True)
class IndexSpec:
    name: str
    kind: str
    hash_key: KeyAttr
    range_key: KeyAttr | None = None
    projection: str = ALL
    non_key_attributes: tuple[str, ...] = ()
    #: Face-owned settings kept for the face (e.g. provisioned throughput), never read here.
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.hash_key.name,) + ((self.range_key.name,) if self.range_key else ())


@dataclass(frozen=True)
class TableSpec:
    name: str
    hash_key: KeyAttr
    range_key: KeyAttr | None = None
    indexes: tuple[IndexSpec, ...] = ()
    #: Largest item accepted, in bytes as ``values.item_size`` counts them.
    max_item_bytes: int = 400 * 1024
    #: Numeric attribute holding the item's expiry time (epoch seconds), or None.
    ttl_attribute: str | None = None
    #: How long the change log keeps each change, in seconds; also how far back a table can
    #: be restored to a point in time.
    history_seconds: float = 24 * 3600.0
    #: Face-owned settings (billing mode, throughput, stream settings, ...), kept, never read.
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.hash_key.name,) + ((self.range_key.name,) if self.range_key else ())

    def index(self, name: str) -> IndexSpec | None:
        for index in self.indexes:
            if index.name == name:
                return index
        return None


@dataclass(frozen=True)
class TableInfo:
    spec: TableSpec
    created: float
    status: str
    item_count: int
    size_bytes: int
    #: Identifier that is unique for the life of the table (changes when it is re-created).
    table_id: str
    tags: dict[str, str]
    #: Per index: (items in it, total size of those items whole, an upper bound of its size).
    index_stats: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class Page:
    """One page of a query or scan."""

    items: list[Item]
    #: Items read before the filter (DynamoDB's ScannedCount).
    scanned: int
    #: Key of the last item read when there is more to read, else None.
    last_key: Item | None


@dataclass(frozen=True)
class WriteAction:
    """One action of an all-or-nothing write: kind is "put", "update", "delete" or "check"."""

    kind: str
    table: str
    key: Item | None = None
    item: Item | None = None
    condition: Any = None
    update: Any = None
    #: Return the current item in the failure reason when the condition fails.
    return_item_on_failure: bool = False


@dataclass(frozen=True)
class Snapshot:
    """A consistent copy of a table's items and spec, restorable as a new table."""

    id: str
    table: str
    label: str
    created: float
    item_count: int
    size_bytes: int
    spec: TableSpec
    table_id: str
    table_created: float
