"""SnsEnv: the engines and signer the SNS face uses; SNS's ARNs and the names inside them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cloudtwin.aws._arns import arn
from cloudtwin.aws.sns.errors import invalid_parameter, not_found
from cloudtwin.aws.sns.signing import Signer
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.topics import TopicsEngine

_TOPIC_ARN = re.compile(r"^arn:aws[\w-]*:sns:([\w-]+):(\d{12}):([\w.-]{1,256})$")
_SUBSCRIPTION_ARN = re.compile(r"^arn:aws[\w-]*:sns:([\w-]+):(\d{12}):([\w.-]{1,256}):([0-9a-f-]{36})$")


@dataclass(frozen=True)
class SnsEnv:
    topics: TopicsEngine
    signer: Signer


def topic_arn(scope: Scope, name: str) -> str:
    return arn("sns", scope, name)


def subscription_arn(scope: Scope, topic: str, sub_id: str) -> str:
    return f"{topic_arn(scope, topic)}:{sub_id}"


def parse_topic_arn(value: str, param: str = "TopicArn") -> tuple[Scope, str]:
    """(scope, topic name) of a topic ARN; InvalidParameter when it is not one."""
    match = _TOPIC_ARN.match(value or "")
    if match is None:
        raise invalid_parameter(f"{param} Reason: An ARN must have at least 6 elements, not {value.count(':') + 1}"
                                if value.count(":") < 5 else f"{param}")
    region, account, name = match.groups()
    return Scope(account, region), name


def parse_subscription_arn(value: str) -> str:
    """The subscription id inside a subscription ARN."""
    match = _SUBSCRIPTION_ARN.match(value or "")
    if match is None:
        if _TOPIC_ARN.match(value or "") or value == "PendingConfirmation":
            raise not_found("Subscription does not exist")
        raise invalid_parameter("SubscriptionArn")
    return match.group(4)
