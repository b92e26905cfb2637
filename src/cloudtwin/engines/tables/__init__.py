"""The table engine: key-value tables (DynamoDB tables, Cosmos containers) on SQLite.

Public API: TablesEngine and the value objects of ``model`` and ``ranges``; expression
parsing lives in ``expressions``, value rules in ``values``.
"""

from cloudtwin.engines.tables.engine import TablesEngine, request_digest
from cloudtwin.engines.tables.model import (
    ALL, GLOBAL, INCLUDE, KEYS_ONLY, LOCAL, IndexSpec, Item, KeyAttr, Page, Snapshot, TableInfo, TableSpec,
    WriteAction,
)
from cloudtwin.engines.tables.ranges import KeyRange

__all__ = [
    "ALL", "GLOBAL", "INCLUDE", "KEYS_ONLY", "LOCAL", "IndexSpec", "Item", "KeyAttr", "KeyRange", "Page", "Snapshot",
    "TableInfo", "TableSpec", "TablesEngine", "WriteAction", "request_digest",
]
