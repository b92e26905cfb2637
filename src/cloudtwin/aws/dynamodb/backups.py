"""DynamoDB backups and point-in-time recovery, on the table engine's snapshots and change log."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.dynamodb.descriptions import describe, key_schema, table_arn
from cloudtwin.aws.dynamodb.env import DynamoEnv, table_name
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.errors import AlreadyExists, Invalid, NotFound
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.tables import Snapshot, TableSpec
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()
DAY = 86400.0
DEFAULT_RECOVERY_DAYS = 35


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


def backup_arn(scope: Scope, snapshot: Snapshot) -> str:
    return table_arn(scope, f"{snapshot.table}/backup/{snapshot.id}")


def _details(scope: Scope, snapshot: Snapshot) -> dict[str, Any]:
    return {"BackupArn": backup_arn(scope, snapshot), "BackupName": snapshot.label,
            "BackupSizeBytes": snapshot.size_bytes, "BackupStatus": "AVAILABLE", "BackupType": "USER",
            "BackupCreationDateTime": _moment(snapshot.created)}


def _description(scope: Scope, snapshot: Snapshot) -> dict[str, Any]:
    spec = snapshot.spec
    return {"BackupDetails": _details(scope, snapshot), "SourceTableDetails": {
        "TableName": snapshot.table, "TableId": snapshot.table_id, "TableArn": table_arn(scope, snapshot.table),
        "TableSizeBytes": snapshot.size_bytes, "KeySchema": key_schema(spec.hash_key, spec.range_key),
        "TableCreationDateTime": _moment(snapshot.table_created), "ItemCount": snapshot.item_count,
        "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
        "BillingMode": spec.meta.get("billing_mode", "PROVISIONED")}}


def _snapshot_of(env: DynamoEnv, ctx: RequestContext, arn: str) -> Snapshot:
    try:
        return env.tables.snapshots.get(ctx.scope, arn.rsplit("/", 1)[-1])
    except NotFound:
        raise AwsError("BackupNotFoundException", f"Backup not found: {arn}") from None


def _table_missing(name: str) -> AwsError:
    return AwsError("TableNotFoundException", f"Table not found: {name}")


@operations.operation("CreateBackup")
def create_backup(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = table_name(p)
    try:
        snapshot = env.tables.snapshots.take(ctx.scope, name, p["BackupName"])
    except NotFound:
        raise _table_missing(name) from None
    return {"BackupDetails": _details(ctx.scope, snapshot)}


@operations.operation("DescribeBackup")
def describe_backup(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    return {"BackupDescription": _description(ctx.scope, _snapshot_of(env, ctx, p["BackupArn"]))}


@operations.operation("DeleteBackup")
def delete_backup(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    snapshot = _snapshot_of(env, ctx, p["BackupArn"])
    env.tables.snapshots.delete(ctx.scope, snapshot.id)
    description = _description(ctx.scope, snapshot)
    description["BackupDetails"]["BackupStatus"] = "DELETED"
    return {"BackupDescription": description}


@operations.operation("ListBackups")
def list_backups(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    found = env.tables.snapshots.list(ctx.scope)
    if "TableName" in p:
        found = [s for s in found if s.table == table_name(p)]
    low, high = p.get("TimeRangeLowerBound"), p.get("TimeRangeUpperBound")
    found = [s for s in found if (low is None or s.created >= low.timestamp())
             and (high is None or s.created < high.timestamp())]
    if p.get("BackupType", "ALL") not in ("ALL", "USER"):
        found = []
    start = p.get("ExclusiveStartBackupArn")
    if start is not None:
        arns = [backup_arn(ctx.scope, s) for s in found]
        found = found[arns.index(start) + 1:] if start in arns else found
    limit = p.get("Limit", 100)
    result: dict[str, Any] = {"BackupSummaries": [_summary(ctx.scope, s) for s in found[:limit]]}
    if len(found) > limit:
        result["LastEvaluatedBackupArn"] = backup_arn(ctx.scope, found[limit - 1])
    return result


def _summary(scope: Scope, snapshot: Snapshot) -> dict[str, Any]:
    return {**_details(scope, snapshot), "TableName": snapshot.table, "TableId": snapshot.table_id,
            "TableArn": table_arn(scope, snapshot.table)}


def _with_overrides(spec: TableSpec, p: Params) -> TableSpec:
    meta = dict(spec.meta)
    if "BillingModeOverride" in p:
        meta["billing_mode"] = p["BillingModeOverride"]
    if "ProvisionedThroughputOverride" in p:
        meta["throughput"] = p["ProvisionedThroughputOverride"]
    for key in ("pitr", "recovery_days", "stream", "stream_label"):
        meta.pop(key, None)
    return replace(spec, meta=meta, history_seconds=DAY)


def _restored(env: DynamoEnv, ctx: RequestContext, target: str, summary: dict[str, Any]) -> dict[str, Any]:
    description = describe(ctx.scope, env.tables.describe_table(ctx.scope, target))
    description["RestoreSummary"] = {**summary, "RestoreDateTime": _moment(ctx.now), "RestoreInProgress": False}
    return {"TableDescription": description}


@operations.operation("RestoreTableFromBackup")
def restore_table_from_backup(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    snapshot = _snapshot_of(env, ctx, p["BackupArn"])
    target = p["TargetTableName"]
    try:
        env.tables.snapshots.restore(ctx.scope, snapshot.id, target, _with_overrides(snapshot.spec, p))
    except AlreadyExists:
        raise AwsError("TableAlreadyExistsException", f"Table already exists: {target}") from None
    return _restored(env, ctx, target, {"SourceBackupArn": p["BackupArn"],
                                        "SourceTableArn": table_arn(ctx.scope, snapshot.table)})


@operations.operation("UpdateContinuousBackups")
def update_continuous_backups(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = table_name(p)
    setting = p["PointInTimeRecoverySpecification"]
    try:
        spec = env.tables.table_spec(ctx.scope, name)
    except NotFound:
        raise _table_missing(name) from None
    enabled = setting["PointInTimeRecoveryEnabled"]
    days = setting.get("RecoveryPeriodInDays", DEFAULT_RECOVERY_DAYS) if enabled else None
    meta = {**spec.meta, "pitr": enabled, "recovery_days": days}
    env.tables.update_table(ctx.scope, name, replace(spec, meta=meta, history_seconds=(days or 1) * DAY))
    return {"ContinuousBackupsDescription": _continuous(env, ctx, name)}


@operations.operation("DescribeContinuousBackups")
def describe_continuous_backups(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = table_name(p)
    try:
        return {"ContinuousBackupsDescription": _continuous(env, ctx, name)}
    except NotFound:
        raise _table_missing(name) from None


def _continuous(env: DynamoEnv, ctx: RequestContext, name: str) -> dict[str, Any]:
    spec = env.tables.table_spec(ctx.scope, name)
    pitr: dict[str, Any] = {"PointInTimeRecoveryStatus": "ENABLED" if spec.meta.get("pitr") else "DISABLED"}
    if spec.meta.get("pitr"):
        pitr["RecoveryPeriodInDays"] = spec.meta["recovery_days"]
        pitr["EarliestRestorableDateTime"] = _moment(env.tables.snapshots.restorable_since(ctx.scope, name))
        pitr["LatestRestorableDateTime"] = _moment(ctx.now)
    return {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": pitr}


@operations.operation("RestoreTableToPointInTime")
def restore_table_to_point_in_time(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    source = table_name(p, "SourceTableArn") if "SourceTableArn" in p else p.get("SourceTableName", "")
    target = p["TargetTableName"]
    try:
        spec = env.tables.table_spec(ctx.scope, source)
    except NotFound:
        raise _table_missing(source) from None
    if not spec.meta.get("pitr"):
        raise AwsError("PointInTimeRecoveryUnavailableException",
                       f"Point in time recovery is not enabled for table '{source}'")
    at = ctx.now if p.get("UseLatestRestorableTime") else p["RestoreDateTime"].timestamp() \
        if "RestoreDateTime" in p else ctx.now
    try:
        env.tables.snapshots.restore_to_time(ctx.scope, source, target, at, _with_overrides(spec, p))
    except AlreadyExists:
        raise AwsError("TableAlreadyExistsException", f"Table already exists: {target}") from None
    except Invalid as exc:
        raise AwsError("InvalidRestoreTimeException", exc.detail) from None
    return _restored(env, ctx, target, {"SourceTableArn": table_arn(ctx.scope, source)})
