"""DynamoEnv: the engines the DynamoDB face calls, and small helpers every operation uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudtwin.aws._arns import resource_name
from cloudtwin.engines.tables import TablesEngine


@dataclass(frozen=True)
class DynamoEnv:
    tables: TablesEngine


def table_name(p: dict[str, Any], key: str = "TableName") -> str:
    """The table a request names, by name or by ARN."""
    return resource_name(p[key], "dynamodb", "table")
