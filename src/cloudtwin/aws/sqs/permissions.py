"""SQS AddPermission / RemovePermission: statements of the queue's Policy, by label.

The policy is stored and shown (GetQueueAttributes Policy), not enforced (see LIMITATIONS).
"""

from __future__ import annotations

import json
from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.sqs import attributes as A
from cloudtwin.aws.sqs.env import SqsEnv, queue_ref
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.scope import Scope

operations = Operations()


def _statements(env: SqsEnv, scope: Scope, name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    info = env.queues.get(scope, name)
    policy = json.loads(info.spec.extra.get("Policy") or "{}")
    policy.setdefault("Version", "2012-10-17")
    return policy, policy.setdefault("Statement", [])


def _save(env: SqsEnv, scope: Scope, name: str, policy: dict[str, Any]) -> None:
    info = env.queues.get(scope, name)
    values = dict(info.spec.extra)
    if policy["Statement"]:
        values["Policy"] = json.dumps(policy, separators=(",", ":"))
    else:
        values.pop("Policy", None)
    env.queues.update(scope, name, A.spec_of(A.with_defaults(values, info.spec.ordered), info.spec.dead_letter))


@operations.operation("AddPermission")
def add_permission(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = queue_ref(ctx, p["QueueUrl"])
    policy, statements = _statements(env, scope, name)
    if any(s.get("Sid") == p["Label"] for s in statements):
        raise A.parameter_error("Label", p["Label"], "Already exists.")
    statements.append({
        "Sid": p["Label"], "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{account}:root" for account in p["AWSAccountIds"]]},
        "Action": [f"SQS:{action}" for action in p["Actions"]], "Resource": A.queue_arn(scope, name),
    })
    _save(env, scope, name, policy)
    return {}


@operations.operation("RemovePermission")
def remove_permission(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = queue_ref(ctx, p["QueueUrl"])
    policy, statements = _statements(env, scope, name)
    kept = [s for s in statements if s.get("Sid") != p["Label"]]
    if len(kept) == len(statements):
        raise A.parameter_error("Label", p["Label"], "can't find label on existing policy.")
    policy["Statement"] = kept
    _save(env, scope, name, policy)
    return {}
