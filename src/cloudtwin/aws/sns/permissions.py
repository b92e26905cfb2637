"""SNS AddPermission/RemovePermission: statements added to and removed from a topic's Policy.

The policy is stored and returned (GetTopicAttributes "Policy"), never enforced.
"""

from __future__ import annotations

from typing import Any

import orjson

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.sns.attributes import default_policy, set_topic_attribute
from cloudtwin.aws.sns.env import SnsEnv, parse_topic_arn, topic_arn
from cloudtwin.aws.sns.errors import invalid_parameter
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines.topics import Topic

operations = Operations()


def _policy(topic: Topic) -> dict[str, Any]:
    arn = topic_arn(topic.scope, topic.spec.name)
    text = topic.spec.attributes.get("Policy") or default_policy(arn, topic.scope.tenant)
    policy = orjson.loads(text)
    return policy if isinstance(policy, dict) else {"Statement": []}


def _save(env: SnsEnv, topic: Topic, policy: dict[str, Any]) -> None:
    spec = set_topic_attribute(topic.spec, "Policy", orjson.dumps(policy).decode())
    env.topics.update_topic(topic.scope, topic.spec.name, spec)


@operations.operation("AddPermission")
def add_permission(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    topic = env.topics.topic(*parse_topic_arn(p["TopicArn"]))
    policy = _policy(topic)
    statements = policy.setdefault("Statement", [])
    if any(s.get("Sid") == p["Label"] for s in statements):
        raise invalid_parameter("Statement already exists")
    statements.append({
        "Sid": p["Label"], "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{account}:root" for account in p["AWSAccountId"]]},
        "Action": [f"SNS:{action}" for action in p["ActionName"]],
        "Resource": topic_arn(topic.scope, topic.spec.name),
    })
    _save(env, topic, policy)
    return {}


@operations.operation("RemovePermission")
def remove_permission(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    topic = env.topics.topic(*parse_topic_arn(p["TopicArn"]))
    policy = _policy(topic)
    policy["Statement"] = [s for s in policy.get("Statement", []) if s.get("Sid") != p["Label"]]
    _save(env, topic, policy)
    return {}
