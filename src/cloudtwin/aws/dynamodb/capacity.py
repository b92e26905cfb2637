"""ConsumedCapacity as DynamoDB reports it: 1 write unit per KB written, 1 read unit per 4 KB
read strongly consistent (half for eventually consistent reads), doubled in transactions."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from cloudtwin.aws._face import Params


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2


def write_units(size: int) -> float:
    return float(max(1, math.ceil(size / 1024)))


def wants_capacity(p: Params) -> bool:
    return p.get("ReturnConsumedCapacity", "NONE") != "NONE"


def consumed(p: Params, table: str, units: Callable[[], float]) -> dict[str, Any]:
    """{"ConsumedCapacity": ...} when the request asked for it, else {}; ``units`` is only
    computed then (sizing items is not free)."""
    mode = p.get("ReturnConsumedCapacity", "NONE")
    if mode == "NONE":
        return {}
    spent = units()
    report: dict[str, Any] = {"TableName": table, "CapacityUnits": spent}
    if mode == "INDEXES":
        report["Table"] = {"CapacityUnits": spent}
    return {"ConsumedCapacity": report}
