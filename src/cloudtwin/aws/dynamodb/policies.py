"""DynamoDB resource policies and contributor insights settings, kept with the table.

Policies are stored and versioned (RevisionId), not enforced: access control arrives with the
access engine. Contributor insights are recorded as ENABLED/DISABLED; no statistics are made.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cloudtwin.aws._arns import resource_name
from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.dynamodb.env import DynamoEnv, table_name
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.ids import new_hex
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()
MAX_POLICY_BYTES = 20 * 1024


def _policy_table(p: Params) -> str:
    return resource_name(p["ResourceArn"], "dynamodb", "table")


def _set_meta(env: DynamoEnv, ctx: RequestContext, name: str, **changes: Any) -> None:
    spec = env.tables.table_spec(ctx.scope, name)
    env.tables.update_table(ctx.scope, name, replace(spec, meta={**spec.meta, **changes}))


def _current(env: DynamoEnv, ctx: RequestContext, name: str, arn: str) -> dict[str, str]:
    policy = env.tables.table_spec(ctx.scope, name).meta.get("resource_policy")
    if policy is None:
        raise AwsError("PolicyNotFoundException", f"Resource-based policy not found for the provided ResourceArn: "
                                                  f"{arn}")
    return policy


def _check_revision(env: DynamoEnv, ctx: RequestContext, name: str, p: Params) -> None:
    expected = p.get("ExpectedRevisionId")
    if expected is not None and _current(env, ctx, name, p["ResourceArn"])["RevisionId"] != expected:
        raise AwsError("PolicyNotFoundException", "A policy with the expected revision ID does not exist for "
                                                  f"the provided ResourceArn: {p['ResourceArn']}")


@operations.operation("PutResourcePolicy")
def put_resource_policy(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = _policy_table(p)
    if len(p["Policy"].encode()) > MAX_POLICY_BYTES:
        raise AwsError("ValidationException", f"Policy size exceeds the maximum of {MAX_POLICY_BYTES} bytes")
    _check_revision(env, ctx, name, p)
    revision = str(int(ctx.now * 1000)) + new_hex(2)
    _set_meta(env, ctx, name, resource_policy={"Policy": p["Policy"], "RevisionId": revision})
    return {"RevisionId": revision}


@operations.operation("GetResourcePolicy")
def get_resource_policy(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    return dict(_current(env, ctx, _policy_table(p), p["ResourceArn"]))


@operations.operation("DeleteResourcePolicy")
def delete_resource_policy(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = _policy_table(p)
    revision = _current(env, ctx, name, p["ResourceArn"])["RevisionId"]
    _check_revision(env, ctx, name, p)
    _set_meta(env, ctx, name, resource_policy=None)
    return {"RevisionId": revision}


def _insights(env: DynamoEnv, ctx: RequestContext, name: str, index: str | None) -> str:
    return env.tables.table_spec(ctx.scope, name).meta.get("insights", {}).get(index or "", "DISABLED")


@operations.operation("UpdateContributorInsights")
def update_contributor_insights(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name, index = table_name(p), p.get("IndexName")
    spec = env.tables.table_spec(ctx.scope, name)
    if index is not None and spec.index(index) is None:
        raise AwsError("ResourceNotFoundException", f"Requested resource not found: Index: {index} not found")
    status = "ENABLED" if p["ContributorInsightsAction"] == "ENABLE" else "DISABLED"
    _set_meta(env, ctx, name, insights={**spec.meta.get("insights", {}), index or "": status})
    result = {"TableName": name, "ContributorInsightsStatus": status}
    return {**result, "IndexName": index} if index else result


@operations.operation("DescribeContributorInsights")
def describe_contributor_insights(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name, index = table_name(p), p.get("IndexName")
    result = {"TableName": name, "ContributorInsightsStatus": _insights(env, ctx, name, index)}
    return {**result, "IndexName": index} if index else result


@operations.operation("ListContributorInsights")
def list_contributor_insights(env: DynamoEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    names = [table_name(p)] if "TableName" in p else env.tables.list_tables(ctx.scope)
    summaries = []
    for name in names:
        for index, status in sorted(env.tables.table_spec(ctx.scope, name).meta.get("insights", {}).items()):
            summary = {"TableName": name, "ContributorInsightsStatus": status}
            summaries.append({**summary, "IndexName": index} if index else summary)
    return {"ContributorInsightsSummaries": summaries}
