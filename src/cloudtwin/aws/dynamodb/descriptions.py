"""TableInfo -> DynamoDB's TableDescription."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from cloudtwin.aws._arns import arn
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.tables import GLOBAL, IndexSpec, KeyAttr, TableInfo


def key_schema(hash_key: KeyAttr, range_key: KeyAttr | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key.name, "KeyType": "HASH"}]
    if range_key is not None:
        schema.append({"AttributeName": range_key.name, "KeyType": "RANGE"})
    return schema


def _throughput(settings: dict[str, Any] | None) -> dict[str, Any]:
    settings = settings or {}
    return {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": settings.get("ReadCapacityUnits", 0),
        "WriteCapacityUnits": settings.get("WriteCapacityUnits", 0),
    }


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


def table_arn(scope: Scope, name: str) -> str:
    return arn("dynamodb", scope, f"table/{name}")


def _index(scope: Scope, table: str, index: IndexSpec, billing: str, stats: tuple[int, int]) -> dict[str, Any]:
    projection: dict[str, Any] = {"ProjectionType": index.projection}
    if index.non_key_attributes:
        projection["NonKeyAttributes"] = list(index.non_key_attributes)
    described: dict[str, Any] = {
        "IndexName": index.name,
        "KeySchema": key_schema(index.hash_key, index.range_key),
        "Projection": projection,
        "IndexSizeBytes": stats[1],
        "ItemCount": stats[0],
        "IndexArn": table_arn(scope, f"{table}/index/{index.name}"),
    }
    if index.kind == GLOBAL:
        described["IndexStatus"] = "ACTIVE"
        described["ProvisionedThroughput"] = _throughput(index.meta.get("throughput") if billing == "PROVISIONED"
                                                         else None)
        if index.meta.get("on_demand"):
            described["OnDemandThroughput"] = index.meta["on_demand"]
    return described


def describe(scope: Scope, info: TableInfo, status: str | None = None) -> dict[str, Any]:
    spec = info.spec
    meta = spec.meta
    billing = meta.get("billing_mode", "PROVISIONED")
    table: dict[str, Any] = {
        "AttributeDefinitions": meta.get("attribute_definitions", []),
        "TableName": spec.name,
        "KeySchema": key_schema(spec.hash_key, spec.range_key),
        "TableStatus": status or info.status,
        "CreationDateTime": _moment(info.created),
        "ProvisionedThroughput": _throughput(meta.get("throughput") if billing == "PROVISIONED" else None),
        "TableSizeBytes": info.size_bytes,
        "ItemCount": info.item_count,
        "TableArn": table_arn(scope, spec.name),
        "TableId": info.table_id,
        "DeletionProtectionEnabled": bool(meta.get("deletion_protection")),
        "TableClassSummary": {"TableClass": meta.get("table_class", "STANDARD")},
    }
    if billing == "PAY_PER_REQUEST":
        table["BillingModeSummary"] = {"BillingMode": billing,
                                       "LastUpdateToPayPerRequestDateTime": _moment(info.created)}
    stats = info.index_stats
    gsis = [_index(scope, spec.name, i, billing, stats.get(i.name, (0, 0))) for i in spec.indexes if i.kind == GLOBAL]
    lsis = [_index(scope, spec.name, i, billing, stats.get(i.name, (0, 0))) for i in spec.indexes if i.kind != GLOBAL]
    if gsis:
        table["GlobalSecondaryIndexes"] = gsis
    if lsis:
        table["LocalSecondaryIndexes"] = lsis
    stream = meta.get("stream")
    if stream and stream.get("StreamEnabled"):
        table["StreamSpecification"] = stream
        label = meta.get("stream_label", "")
        table["LatestStreamLabel"] = label
        table["LatestStreamArn"] = table_arn(scope, f"{spec.name}/stream/{label}")
    sse = meta.get("sse")
    if sse and sse.get("Enabled"):
        table["SSEDescription"] = {"Status": "ENABLED", "SSEType": sse.get("SSEType", "KMS"),
                                   "KMSMasterKeyArn": sse.get("KMSMasterKeyId") or arn("kms", scope, "key/aws-dynamodb")}
    if meta.get("on_demand"):
        table["OnDemandThroughput"] = meta["on_demand"]
    return table
