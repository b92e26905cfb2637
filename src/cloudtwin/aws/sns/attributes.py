"""Topic and subscription attributes: names, defaults, validation, and the engine specs they make.

The face keeps each resource's settable attributes verbatim in the engine spec's
``attributes`` and derives the engine's fields (FIFO, dedup, filter, retry, dead letter) from
them, so Get*Attributes answers exactly what was set, plus AWS's computed ones.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson

from cloudtwin.aws.sns.errors import invalid_parameter
from cloudtwin.engines._kernel.dispatch import Target
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.topics import ON_ATTRIBUTES, ON_BODY, RetryPolicy, SubscriptionSpec, TopicSpec

TOPIC_ATTRIBUTES = frozenset({
    "DeliveryPolicy", "DisplayName", "Policy", "TracingConfig", "KmsMasterKeyId", "SignatureVersion",
    "ContentBasedDeduplication", "FifoTopic", "ArchivePolicy", "FifoThroughputScope", "DataProtectionPolicy",
    *(f"{p}{k}" for p in ("Application", "HTTP", "Lambda", "SQS", "Firehose")
      for k in ("SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn")),
})
SUBSCRIPTION_ATTRIBUTES = frozenset({
    "DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy",
    "SubscriptionRoleArn", "ReplayPolicy",
})
RAW_PROTOCOLS = frozenset({"http", "https", "sqs", "firehose"})
#: AWS's default retry policy for HTTP/S ("Amazon SNS message delivery retries").
HTTP_RETRY = RetryPolicy(retries=3, min_delay=20, max_delay=20)
#: The policy of AWS-managed endpoints (SQS, Lambda): 100,015 tries over 23 days.
MANAGED_RETRY = RetryPolicy(retries=100_014, immediate=3, pre_backoff=2, min_delay=1, max_delay=20,
                            post_backoff=100_000, backoff="exponential")
DEFAULT_DELIVERY_POLICY = {"http": {"defaultHealthyRetryPolicy": {
    "minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3, "numMaxDelayRetries": 0,
    "numNoDelayRetries": 0, "numMinDelayRetries": 0, "backoffFunction": "linear"},
    "disableSubscriptionOverrides": False, "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"}}}


def _json(value: str, name: str, reason: str) -> Any:
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise invalid_parameter(f"{reason}{name}: failed to parse JSON. {exc}") from exc


def _boolean(value: str, name: str, reason: str = "") -> bool:
    if value.lower() not in ("true", "false"):
        raise invalid_parameter(f"{reason}{name}: Invalid value [{value}]. Must be true or false.")
    return value.lower() == "true"


# -- topics -------------------------------------------------------------------------------------
def topic_spec(name: str, attributes: dict[str, str], renderer: str) -> TopicSpec:
    for key in attributes:
        if key not in TOPIC_ATTRIBUTES:
            raise invalid_parameter(f"Attributes Reason: Unknown attribute {key}")
    fifo = _boolean(attributes.get("FifoTopic", "false"), "FifoTopic", "Attributes Reason: ")
    if fifo != name.endswith(".fifo"):
        raise invalid_parameter("Fifo Topic names must end with .fifo and must be made up of only uppercase and "
                                "lowercase ASCII letters, numbers, underscores, and hyphens, and must be between "
                                "1 and 256 characters long." if fifo else "Topic Name")
    spec = TopicSpec(name, ordered=fifo, renderer=renderer, attributes={})
    for key, value in attributes.items():
        spec = set_topic_attribute(spec, key, value)
    return spec


def set_topic_attribute(spec: TopicSpec, name: str, value: str) -> TopicSpec:
    if name not in TOPIC_ATTRIBUTES or name == "FifoTopic" and spec.attributes.get("FifoTopic") is not None:
        raise invalid_parameter("AttributeName")
    attributes = {**spec.attributes, name: value}
    if name == "ContentBasedDeduplication":
        dedup = _boolean(value, name)
        if not spec.ordered and dedup:
            raise invalid_parameter("ContentBasedDeduplication Reason: Content-based deduplication can only be "
                                    "set for FIFO topics")
        attributes[name] = str(dedup).lower()
        return replace(spec, content_dedup=dedup, attributes=attributes)
    if name == "FifoThroughputScope":
        if not spec.ordered or value not in ("Topic", "MessageGroup"):
            raise invalid_parameter("FifoThroughputScope Reason: FifoThroughputScope can only be set for FIFO "
                                    "topics, to Topic or MessageGroup")
        return replace(spec, dedup_per_group=value == "MessageGroup", attributes=attributes)
    if name == "SignatureVersion" and value not in ("1", "2"):
        raise invalid_parameter("Attributes Reason: SignatureVersion: Invalid value")
    if name == "DeliveryPolicy" and value:
        _json(value, name, "")
    if name == "FifoTopic":
        attributes[name] = str(_boolean(value, name)).lower()
    return replace(spec, attributes=attributes)


def default_policy(arn: str, account: str) -> str:
    return orjson.dumps({"Version": "2008-10-17", "Id": "__default_policy_ID", "Statement": [{
        "Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                   "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
        "Resource": arn, "Condition": {"StringEquals": {"AWS:SourceOwner": account}}}]}).decode()


# -- subscriptions ------------------------------------------------------------------------------
def subscription_spec(target: Target, protocol: str, endpoint: str, attributes: dict[str, str],
                      topic: TopicSpec) -> SubscriptionSpec:
    """The engine spec for a new subscription to ``topic`` with these (validated) attributes."""
    reason = "Attributes Reason: "
    for key in attributes:
        if key not in SUBSCRIPTION_ATTRIBUTES:
            raise invalid_parameter(f"{reason}Unknown attribute {key}")
    spec = SubscriptionSpec(target, confirm=protocol in ("http", "https", "email", "email-json", "application"),
                            retry=topic_http_retry(topic) if protocol in ("http", "https") else MANAGED_RETRY,
                            attributes={"Protocol": protocol, "Endpoint": endpoint})
    for key, value in attributes.items():
        spec = set_subscription_attribute(spec, key, value, reason)
    return spec


def set_subscription_attribute(spec: SubscriptionSpec, name: str, value: str, reason: str = "") -> SubscriptionSpec:
    if name not in SUBSCRIPTION_ATTRIBUTES:
        raise invalid_parameter("AttributeName")
    protocol = spec.attributes["Protocol"]
    attributes = {**spec.attributes, name: value}
    if name == "RawMessageDelivery":
        raw = _boolean(value, name, reason)
        if raw and protocol not in RAW_PROTOCOLS:
            raise invalid_parameter(f"{reason}Delivery protocol [{protocol}] does not support raw message delivery.")
        attributes[name] = str(raw).lower()
    elif name == "FilterPolicy":
        if not value:
            attributes.pop(name)
            return replace(spec, filter=None, attributes=attributes)
        return replace(spec, filter=_json(value, name, reason), attributes=attributes)
    elif name == "FilterPolicyScope":
        if value not in ("MessageAttributes", "MessageBody"):
            raise invalid_parameter(f"{reason}FilterPolicyScope: Invalid value [{value}]. Please use either "
                                    f"MessageBody or MessageAttributes")
        return replace(spec, filter_scope=ON_BODY if value == "MessageBody" else ON_ATTRIBUTES, attributes=attributes)
    elif name == "RedrivePolicy":
        return replace(spec, dead_letter=_dead_letter(value, reason), attributes=attributes)
    elif name == "DeliveryPolicy" and protocol in ("http", "https"):
        policy = _json(value, name, reason)
        healthy = policy.get("healthyRetryPolicy") if isinstance(policy, dict) else None
        return replace(spec, retry=_retry_policy(healthy, reason), attributes=attributes)
    return replace(spec, attributes=attributes)


def _dead_letter(value: str, reason: str) -> Target | None:
    if not value:
        return None
    policy = _json(value, "RedrivePolicy", reason)
    arn = policy.get("deadLetterTargetArn") if isinstance(policy, dict) else None
    parts = arn.split(":") if isinstance(arn, str) else []
    if len(parts) != 6 or parts[2] != "sqs":
        raise invalid_parameter(f"{reason}RedrivePolicy: deadLetterTargetArn is an invalid arn")
    return Target("queue", Scope(parts[4], parts[3]), parts[5])


def topic_http_retry(topic: TopicSpec) -> RetryPolicy:
    """The retry policy a topic's DeliveryPolicy gives its HTTP/S subscriptions (AWS's default without)."""
    policy = orjson.loads(topic.attributes.get("DeliveryPolicy") or "{}")
    healthy = policy.get("http", {}).get("defaultHealthyRetryPolicy") if isinstance(policy, dict) else None
    return _retry_policy(healthy, "")


def _retry_policy(healthy: Any, reason: str) -> RetryPolicy:
    if not isinstance(healthy, dict):
        return HTTP_RETRY
    try:
        retry = RetryPolicy(
            retries=int(healthy.get("numRetries", 3)), immediate=int(healthy.get("numNoDelayRetries", 0)),
            pre_backoff=int(healthy.get("numMinDelayRetries", 0)),
            post_backoff=int(healthy.get("numMaxDelayRetries", 0)),
            min_delay=float(healthy.get("minDelayTarget", 20)), max_delay=float(healthy.get("maxDelayTarget", 20)),
            backoff=str(healthy.get("backoffFunction", "linear")))
    except (TypeError, ValueError) as exc:
        raise invalid_parameter(f"{reason}DeliveryPolicy: {exc}") from exc
    if retry.min_delay < 1 or retry.max_delay < retry.min_delay or retry.max_delay > 3600 or retry.retries > 100:
        raise invalid_parameter(f"{reason}DeliveryPolicy: healthyRetryPolicy is out of range")
    return retry
