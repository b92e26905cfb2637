"""ConsumedCapacity as DynamoDB reports it: 1 write unit per KB written, 1 read unit per 4 KB
read strongly consistent (half for eventually consistent reads), doubled in transactions."""

from __future__ import annotations

import math
from typing import Any

from cloudtwin.aws._face import Params


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2


def write_units(size: int) -> float:
    return float(max(1, math.ceil(size / 1024)))


def consumed(p: Params, table: str, units: float) -> dict[str, Any]:
    """{"ConsumedCapacity": ...} when the request asked for it, else {}."""
    mode = p.get("ReturnConsumedCapacity", "NONE")
    if mode == "NONE":
        return {}
    report: dict[str, Any] = {"TableName": table, "CapacityUnits": units}
    if mode == "INDEXES":
        report["Table"] = {"CapacityUnits": units}
    return {"ConsumedCapacity": report}
