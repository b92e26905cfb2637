"""SNS topic operations: create, delete, list, attributes, tags, data protection policy."""

from __future__ import annotations

import re
from typing import Any

import orjson

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.sns.attributes import DEFAULT_DELIVERY_POLICY, default_policy, set_topic_attribute, topic_spec
from cloudtwin.aws.sns.env import SnsEnv, parse_topic_arn, topic_arn
from cloudtwin.aws.sns.errors import invalid_parameter
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.paging import decode_token, encode_token
from cloudtwin.engines.topics import Topic
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()
RENDERER = "aws.sns"
PAGE = 100
MAX_TAGS = 50
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@operations.operation("CreateTopic")
def create_topic(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name = p["Name"]
    if not _NAME.match(name.removesuffix(".fifo")) or len(name) > 256:
        raise invalid_parameter("Topic Name")
    attributes = dict(p.get("Attributes") or {})
    if "DataProtectionPolicy" in p:
        attributes["DataProtectionPolicy"] = p["DataProtectionPolicy"]
    spec = topic_spec(name, attributes, RENDERER)
    tags = _tags(p.get("Tags") or [])
    existing = env.topics.find_topic(ctx.scope, name)
    if existing is None:
        env.topics.create_topic(ctx.scope, spec, tags)
    elif dict(existing.spec.attributes) != dict(spec.attributes) and attributes:
        raise invalid_parameter("Attributes Reason: Topic already exists with different attributes")
    elif tags and any(existing.tags.get(k) != v for k, v in tags.items()):
        raise invalid_parameter("Tags Reason: Topic already exists with different tags")
    return {"TopicArn": topic_arn(ctx.scope, name)}


@operations.operation("DeleteTopic")
def delete_topic(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = parse_topic_arn(p["TopicArn"])
    env.topics.delete_topic(scope, name)
    return {}


@operations.operation("ListTopics")
def list_topics(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    names, token = page(env.topics.list_topics(ctx.scope), p.get("NextToken"))
    result: dict[str, Any] = {"Topics": [{"TopicArn": topic_arn(ctx.scope, n)} for n in names]}
    if token:
        result["NextToken"] = token
    return result


def page(items: list[Any], token: str | None) -> tuple[list[Any], str | None]:
    """One page of ``PAGE`` items from the offset ``token`` names, and the next page's token."""
    start = 0
    if token:
        start = decode_token(token, "NextToken")
        if not isinstance(start, int) or start < 0:
            raise invalid_parameter("NextToken")
    end = start + PAGE
    return items[start:end], encode_token(end) if end < len(items) else None


@operations.operation("GetTopicAttributes")
def get_topic_attributes(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = parse_topic_arn(p["TopicArn"])
    return {"Attributes": describe(env, env.topics.topic(scope, name))}


def describe(env: SnsEnv, topic: Topic) -> dict[str, str]:
    arn = topic_arn(topic.scope, topic.spec.name)
    subs = env.topics.subscriptions(topic.scope, topic.spec.name)
    confirmed = sum(1 for s in subs if s.confirmed)
    attributes = {
        "TopicArn": arn, "Owner": topic.scope.tenant, "DisplayName": "",
        "Policy": default_policy(arn, topic.scope.tenant),
        "SubscriptionsConfirmed": str(confirmed), "SubscriptionsPending": str(len(subs) - confirmed),
        "SubscriptionsDeleted": "0", "EffectiveDeliveryPolicy": orjson.dumps(DEFAULT_DELIVERY_POLICY).decode(),
    }
    if topic.spec.ordered:
        attributes.update(FifoTopic="true", ContentBasedDeduplication="false", FifoThroughputScope="Topic")
    attributes.update(topic.spec.attributes)
    attributes.pop("DataProtectionPolicy", None)
    if "DeliveryPolicy" in topic.spec.attributes:
        attributes["EffectiveDeliveryPolicy"] = topic.spec.attributes["DeliveryPolicy"]
    return attributes


@operations.operation("SetTopicAttributes")
def set_topic_attributes(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = parse_topic_arn(p["TopicArn"])
    topic = env.topics.topic(scope, name)
    spec = set_topic_attribute(topic.spec, p["AttributeName"], p.get("AttributeValue") or "")
    env.topics.update_topic(scope, name, spec)
    return {}


@operations.operation("PutDataProtectionPolicy")
def put_data_protection_policy(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = parse_topic_arn(p["ResourceArn"], "ResourceArn")
    topic = env.topics.topic(scope, name)
    _policy_json(p["DataProtectionPolicy"])
    env.topics.update_topic(scope, name, set_topic_attribute(topic.spec, "DataProtectionPolicy",
                                                             p["DataProtectionPolicy"]))
    return {}


@operations.operation("GetDataProtectionPolicy")
def get_data_protection_policy(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = parse_topic_arn(p["ResourceArn"], "ResourceArn")
    policy = env.topics.topic(scope, name).spec.attributes.get("DataProtectionPolicy")
    return {"DataProtectionPolicy": policy} if policy else {}


def _policy_json(value: str) -> None:
    try:
        orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise invalid_parameter("DataProtectionPolicy Reason: Policy is not valid JSON") from exc


# -- tags ---------------------------------------------------------------------------------------
def _tags(tags: list[dict[str, str]]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise AwsError("TagLimitExceededException", "Could not complete request: tag quota of per resource exceeded")
    return {t["Key"]: t["Value"] for t in tags}


@operations.operation("TagResource")
def tag_resource(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    topic = _tagged_topic(env, p["ResourceArn"])
    tags = _tags(p["Tags"])
    if len({**topic.tags, **tags}) > MAX_TAGS:
        raise AwsError("TagLimitExceededException", "Could not complete request: tag quota of per resource exceeded")
    env.topics.tag(topic.scope, topic.spec.name, tags)
    return {}


@operations.operation("UntagResource")
def untag_resource(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    topic = _tagged_topic(env, p["ResourceArn"])
    env.topics.untag(topic.scope, topic.spec.name, p["TagKeys"])
    return {}


@operations.operation("ListTagsForResource")
def list_tags_for_resource(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    tags = _tagged_topic(env, p["ResourceArn"]).tags
    return {"Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]}


def _tagged_topic(env: SnsEnv, resource_arn: str) -> Topic:
    topic = env.topics.find_topic(*parse_topic_arn(resource_arn, "ResourceArn"))
    if topic is None:
        raise AwsError("ResourceNotFoundException", "Resource does not exist", 404)
    return topic
