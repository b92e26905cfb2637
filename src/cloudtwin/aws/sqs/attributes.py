"""SQS queue attributes <-> the queue engine's QueueSpec: names, defaults, ranges, errors.

Settable attributes are kept as the strings SQS answers with in ``QueueSpec.extra`` (what
GetQueueAttributes shows); the engine's numbers are derived from them. Names, defaults and
ranges are those of the SetQueueAttributes API reference (MaximumMessageSize up to and by
default 1 MiB since 2025).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from cloudtwin.aws._arns import arn
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.queues import Counts, DeadLetter, QueueInfo, QueueSpec
from cloudtwin.protocols.aws.errors import AwsError

MIB = 1024 * 1024
DEDUP_WINDOW = 300.0
PURGE_COOLDOWN = 60.0
RECREATE_COOLDOWN = 60.0
MAX_RECEIVE_COUNT = 1000


def invalid_value(name: str) -> AwsError:
    return AwsError("InvalidAttributeValue", f"Invalid value for the parameter {name}.")


def unknown_attribute(name: str) -> AwsError:
    return AwsError("InvalidAttributeName", f"Unknown Attribute {name}.")


def parameter_error(name: str, value: Any, reason: str) -> AwsError:
    return AwsError("InvalidParameterValue", f"Value {value} for parameter {name} is invalid. Reason: {reason}")


def _integer(low: int, high: int) -> Callable[[str, str], str]:
    def check(name: str, value: str) -> str:
        text = value.strip()
        if not text.lstrip("-").isdigit() or not low <= int(text) <= high:
            raise invalid_value(name)
        return str(int(text))
    return check


def _boolean(name: str, value: str) -> str:
    if value.lower() not in ("true", "false"):
        raise invalid_value(name)
    return value.lower()


def _one_of(*allowed: str) -> Callable[[str, str], str]:
    def check(name: str, value: str) -> str:
        if value not in allowed:
            raise invalid_value(name)
        return value
    return check


def _json_object(name: str, value: str) -> str:
    if value == "":
        return value
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise invalid_value(name)
    return value


def _text(name: str, value: str) -> str:
    return value


#: Settable attribute -> checker; the checker returns the value as SQS shows it.
COMMON: dict[str, Callable[[str, str], str]] = {
    "DelaySeconds": _integer(0, 900),
    "MaximumMessageSize": _integer(1024, MIB),
    "MessageRetentionPeriod": _integer(60, 1_209_600),
    "ReceiveMessageWaitTimeSeconds": _integer(0, 20),
    "VisibilityTimeout": _integer(0, 43_200),
    "Policy": _json_object,
    "RedrivePolicy": _text,  # checked with the queues it names, in redrive.py
    "RedriveAllowPolicy": _text,
    "KmsMasterKeyId": _text,
    "KmsDataKeyReusePeriodSeconds": _integer(60, 86_400),
    "SqsManagedSseEnabled": _boolean,
}
FIFO_ONLY: dict[str, Callable[[str, str], str]] = {
    "FifoQueue": _boolean,
    "ContentBasedDeduplication": _boolean,
    "DeduplicationScope": _one_of("messageGroup", "queue"),
    "FifoThroughputLimit": _one_of("perQueue", "perMessageGroupId"),
}
DEFAULTS = {
    "DelaySeconds": "0", "MaximumMessageSize": str(MIB), "MessageRetentionPeriod": "345600",
    "ReceiveMessageWaitTimeSeconds": "0", "VisibilityTimeout": "30", "SqsManagedSseEnabled": "true",
}
FIFO_DEFAULTS = {
    "FifoQueue": "true", "ContentBasedDeduplication": "false", "DeduplicationScope": "queue",
    "FifoThroughputLimit": "perQueue",
}
COMPUTED = (
    "QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
)
READABLE = frozenset(COMMON) | frozenset(FIFO_ONLY) | frozenset(COMPUTED)


def checked(given: Mapping[str, str], fifo: bool) -> dict[str, str]:
    """``given`` settable attributes, normalised; errors for unknown names and bad values."""
    allowed = {**COMMON, **FIFO_ONLY} if fifo else COMMON
    out = {}
    for name, value in given.items():
        check = allowed.get(name)
        if check is None:
            raise unknown_attribute(name)
        out[name] = check(name, value)
    if fifo and out.get("FifoThroughputLimit") == "perMessageGroupId" and out.get("DeduplicationScope") == "queue":
        raise invalid_value("FifoThroughputLimit")
    return out


def spec_of(values: Mapping[str, str], dead_letter: DeadLetter | None) -> QueueSpec:
    """The engine's spec from a queue's full attribute strings (defaults filled in)."""
    fifo = values.get("FifoQueue") == "true"
    return QueueSpec(
        max_message_bytes=int(values["MaximumMessageSize"]),
        retention=float(values["MessageRetentionPeriod"]),
        lease=float(values["VisibilityTimeout"]),
        delay=float(values["DelaySeconds"]),
        ordered=fifo,
        content_dedup=values.get("ContentBasedDeduplication") == "true",
        dedup_per_group=values.get("DeduplicationScope") == "messageGroup",
        dedup_window=DEDUP_WINDOW,
        dead_letter=dead_letter,
        purge_cooldown=PURGE_COOLDOWN,
        recreate_cooldown=RECREATE_COOLDOWN,
        extra={k: v for k, v in values.items() if v != ""},
    )


def with_defaults(values: Mapping[str, str], fifo: bool) -> dict[str, str]:
    return {**DEFAULTS, **(FIFO_DEFAULTS if fifo else {}), **values}


def queue_arn(scope: Scope, name: str) -> str:
    return arn("sqs", scope, name)


def millis(seconds: float) -> str:
    return str(int(seconds * 1000))


def rendered(scope: Scope, info: QueueInfo, counts: Counts | None) -> dict[str, str]:
    """Every attribute of the queue as GetQueueAttributes shows it (counts when given)."""
    out = {"QueueArn": queue_arn(scope, info.name)}
    if counts is not None:
        out |= {
            "ApproximateNumberOfMessages": str(counts.ready),
            "ApproximateNumberOfMessagesNotVisible": str(counts.leased),
            "ApproximateNumberOfMessagesDelayed": str(counts.delayed),
        }
    out |= {"CreatedTimestamp": str(int(info.created)), "LastModifiedTimestamp": str(int(info.modified))}
    return out | dict(info.spec.extra)


def wanted(names: list[str] | None, fifo: bool) -> set[str] | None:
    """The attribute names a GetQueueAttributes asks for (None: all); errors for unknown ones."""
    if not names:
        return set()
    if "All" in names:
        return None
    for name in names:
        if name not in READABLE or (name in FIFO_ONLY and not fifo):
            raise unknown_attribute(name)
    return set(names)
