"""SNS subscription operations: subscribe, confirm, unsubscribe, list, attributes."""

from __future__ import annotations

from typing import Any

import orjson

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.sns.attributes import DEFAULT_DELIVERY_POLICY, set_subscription_attribute, subscription_spec
from cloudtwin.aws.sns.env import SnsEnv, parse_subscription_arn, parse_topic_arn, subscription_arn, topic_arn
from cloudtwin.aws.sns.errors import filter_policy_error, invalid_parameter
from cloudtwin.aws.sns.topics import page
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.dispatch import Target
from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.topics import PatternLimits, Subscription

operations = Operations()
PROTOCOLS = ("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose")
FILTER_LIMITS = PatternLimits(max_keys=5, max_combinations=150)
MAX_FILTER_BYTES = 256 * 1024


def _arn_target(kind: str, endpoint: str, service: str, what: str) -> Target:
    parts = endpoint.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != service:
        raise invalid_parameter(what)
    return Target(kind, Scope(parts[4], parts[3]), parts[-1])


def endpoint_target(scope: Scope, protocol: str, endpoint: str) -> Target:
    """Where a subscription of ``protocol`` delivers (an engine target)."""
    if protocol == "sqs":
        return _arn_target("queue", endpoint, "sqs", "SQS endpoint ARN")
    if protocol == "lambda":
        return _arn_target("function", endpoint, "lambda", "Lambda endpoint ARN")
    if protocol in ("http", "https"):
        if not endpoint.lower().startswith(f"{protocol}://"):
            raise invalid_parameter("Endpoint must match the specified protocol")
        return Target("http", scope, endpoint)
    if protocol in ("email", "email-json"):
        if "@" not in endpoint:
            raise invalid_parameter("Email address")
        return Target("email", scope, endpoint)
    kinds = {"sms": "sms", "application": "device", "firehose": "stream"}
    return Target(kinds[protocol], scope, endpoint)


def _engine_call(fn: Any, *args: Any, subscribing: bool, **kwargs: Any) -> Any:
    """Run an engine call that compiles a filter policy, wording its errors as SNS does."""
    try:
        return fn(*args, **kwargs)
    except Invalid as exc:
        if exc.kind in ("pattern", "nesting"):
            raise filter_policy_error(exc, subscribing=subscribing) from exc
        raise


def _check_filter_size(attributes: dict[str, str]) -> None:
    if len(attributes.get("FilterPolicy", "").encode()) > MAX_FILTER_BYTES:
        raise invalid_parameter("FilterPolicy: Filter policy is too long")


@operations.operation("Subscribe")
def subscribe(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = parse_topic_arn(p["TopicArn"])
    protocol, endpoint = p["Protocol"], p.get("Endpoint") or ""
    if protocol not in PROTOCOLS:
        raise invalid_parameter(f"Amazon SNS does not support this protocol string: {protocol}")
    topic = env.topics.topic(scope, name)
    if topic.spec.ordered and protocol != "sqs":
        raise invalid_parameter(f"Invalid protocol type: {protocol}")
    if protocol == "sqs" and endpoint.endswith(".fifo") and not topic.spec.ordered:
        raise invalid_parameter("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to "
                                "standard SNS topics")
    attributes = dict(p.get("Attributes") or {})
    _check_filter_size(attributes)
    spec = subscription_spec(endpoint_target(scope, protocol, endpoint), protocol, endpoint, attributes, topic.spec)
    context = {"endpoint": f"http://{ctx.host}", "topic_arn": topic_arn(scope, name),
               "signature_version": topic.spec.attributes.get("SignatureVersion", "1")}
    sub = _engine_call(env.topics.subscribe, scope, name, spec, FILTER_LIMITS, context, subscribing=True)
    if sub.spec != spec and attributes:
        raise invalid_parameter("Attributes Reason: Subscription already exists with different attributes")
    if not sub.confirmed and not p.get("ReturnSubscriptionArn"):
        return {"SubscriptionArn": "pending confirmation"}
    return {"SubscriptionArn": subscription_arn(scope, name, sub.id)}


@operations.operation("ConfirmSubscription")
def confirm_subscription(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = parse_topic_arn(p["TopicArn"])
    sub = env.topics.confirm(scope, name, p["Token"])
    return {"SubscriptionArn": subscription_arn(scope, name, sub.id)}


@operations.operation("Unsubscribe")
def unsubscribe(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.topics.unsubscribe(parse_subscription_arn(p["SubscriptionArn"]))
    return {}


def _listed(sub: Subscription) -> dict[str, str]:
    arn = subscription_arn(sub.scope, sub.topic, sub.id) if sub.confirmed else "PendingConfirmation"
    return {"SubscriptionArn": arn, "Owner": sub.scope.tenant, "Protocol": sub.spec.attributes["Protocol"],
            "Endpoint": sub.spec.attributes["Endpoint"], "TopicArn": topic_arn(sub.scope, sub.topic)}


def _page_of(subs: list[Subscription], token: str | None) -> dict[str, Any]:
    items, next_token = page(subs, token)
    result: dict[str, Any] = {"Subscriptions": [_listed(s) for s in items]}
    if next_token:
        result["NextToken"] = next_token
    return result


@operations.operation("ListSubscriptions")
def list_subscriptions(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    return _page_of(env.topics.subscriptions(ctx.scope), p.get("NextToken"))


@operations.operation("ListSubscriptionsByTopic")
def list_subscriptions_by_topic(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = parse_topic_arn(p["TopicArn"])
    return _page_of(env.topics.subscriptions(scope, name), p.get("NextToken"))


@operations.operation("GetSubscriptionAttributes")
def get_subscription_attributes(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    sub = env.topics.subscription(parse_subscription_arn(p["SubscriptionArn"]))
    attributes = {
        "SubscriptionArn": subscription_arn(sub.scope, sub.topic, sub.id), "TopicArn": topic_arn(sub.scope, sub.topic),
        "Owner": sub.scope.tenant, "ConfirmationWasAuthenticated": str(sub.confirmed).lower(),
        "PendingConfirmation": str(not sub.confirmed).lower(), "RawMessageDelivery": "false",
        "SubscriptionPrincipal": f"arn:aws:iam::{sub.scope.tenant}:root",
        "EffectiveDeliveryPolicy": orjson.dumps(DEFAULT_DELIVERY_POLICY).decode(),
    }
    attributes.update(sub.spec.attributes)
    if "FilterPolicy" in attributes:
        attributes.setdefault("FilterPolicyScope", "MessageAttributes")
    if "DeliveryPolicy" in attributes:
        attributes["EffectiveDeliveryPolicy"] = attributes["DeliveryPolicy"]
    return {"Attributes": attributes}


@operations.operation("SetSubscriptionAttributes")
def set_subscription_attributes(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    sub = env.topics.subscription(parse_subscription_arn(p["SubscriptionArn"]))
    name, value = p["AttributeName"], p.get("AttributeValue") or ""
    _check_filter_size({name: value})
    spec = set_subscription_attribute(sub.spec, name, value)
    _engine_call(env.topics.update_subscription, sub.id, spec, FILTER_LIMITS, subscribing=False)
    return {}
