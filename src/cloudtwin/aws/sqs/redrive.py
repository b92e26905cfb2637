"""RedrivePolicy and RedriveAllowPolicy: parsed, checked against the queues they name, and
turned into the engine's DeadLetter.

RedrivePolicy ``{"deadLetterTargetArn": arn, "maxReceiveCount": 1..1000}`` names the target;
the target must exist in the same account and region, be of the same kind (FIFO or standard),
and its RedriveAllowPolicy (``allowAll`` by default, ``denyAll``, or ``byQueue`` with up to 10
``sourceQueueArns``) must admit the source. An empty string removes a policy.
"""

from __future__ import annotations

import json
from typing import Any

from cloudtwin.aws.sqs.attributes import MAX_RECEIVE_COUNT, parameter_error, queue_arn
from cloudtwin.aws.sqs.env import SqsEnv, arn_ref
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.queues import DeadLetter
from cloudtwin.protocols.aws.errors import AwsError

PERMISSIONS = ("allowAll", "denyAll", "byQueue")
MAX_SOURCE_ARNS = 10


def _json_map(name: str, value: str) -> dict[str, Any]:
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise parameter_error(name, value, f"{_label(name)} is not a valid JSON map.")
    return parsed


def _label(name: str) -> str:
    return "Redrive policy" if name == "RedrivePolicy" else "Redrive allow policy"


def _receive_count(policy: str, count: Any) -> int:
    text = str(count)
    if isinstance(count, bool) or not text.isdigit() or not 1 <= int(text) <= MAX_RECEIVE_COUNT:
        raise parameter_error("RedrivePolicy", policy, f"Invalid value for maxReceiveCount: {count}, valid values "
                              f"are from 1 to {MAX_RECEIVE_COUNT} both inclusive.")
    return int(text)


def dead_letter(env: SqsEnv, ctx: RequestContext, scope: Scope, name: str,
                values: dict[str, str]) -> DeadLetter | None:
    """The engine's DeadLetter of ``values["RedrivePolicy"]`` (normalised in place), or None."""
    policy = values.get("RedrivePolicy", "")
    if policy == "":
        return None
    data = _json_map("RedrivePolicy", policy)
    for key in ("deadLetterTargetArn", "maxReceiveCount"):
        if key not in data:
            raise parameter_error("RedrivePolicy", policy, f"Redrive policy does not contain mandatory attribute: "
                                  f"{key}.")
    count = _receive_count(policy, data["maxReceiveCount"])
    target_arn = str(data["deadLetterTargetArn"])
    ref = arn_ref(ctx, target_arn)
    target = env.queues.find(scope, ref[1]) if ref is not None and ref[0] == scope else None
    if target is None:
        raise parameter_error("RedrivePolicy", policy, "Dead letter target does not exist.")
    if target.spec.ordered != (values.get("FifoQueue") == "true"):
        raise parameter_error("RedrivePolicy", policy, "Dead-letter queue must be same type of queue as the source.")
    if not admits(target.spec.extra.get("RedriveAllowPolicy", ""), queue_arn(scope, name)):
        raise parameter_error("RedrivePolicy", policy, f"Queue {target_arn} does not allow this queue as a "
                              "dead-letter queue source.")
    values["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": target_arn, "maxReceiveCount": count},
                                         separators=(",", ":"))
    return DeadLetter(target.name, count)


def checked_allow_policy(value: str) -> str:
    """A RedriveAllowPolicy, checked and normalised."""
    if value == "":
        return value
    data = _json_map("RedriveAllowPolicy", value)
    permission = data.get("redrivePermission")
    sources = data.get("sourceQueueArns")
    if permission not in PERMISSIONS:
        raise parameter_error("RedriveAllowPolicy", value, "Invalid value for redrivePermission.")
    if permission == "byQueue":
        if not isinstance(sources, list) or not 1 <= len(sources) <= MAX_SOURCE_ARNS:
            raise parameter_error("RedriveAllowPolicy", value, "Redrive allow policy must contain 1 to "
                                  f"{MAX_SOURCE_ARNS} sourceQueueArns when redrivePermission is byQueue.")
        return json.dumps({"redrivePermission": permission, "sourceQueueArns": sources}, separators=(",", ":"))
    if sources is not None:
        raise parameter_error("RedriveAllowPolicy", value, "sourceQueueArns may only be given when "
                              "redrivePermission is byQueue.")
    return json.dumps({"redrivePermission": permission}, separators=(",", ":"))


def admits(allow_policy: str, source_arn: str) -> bool:
    if allow_policy == "":
        return True
    data = json.loads(allow_policy)
    permission = data["redrivePermission"]
    return permission == "allowAll" or (permission == "byQueue" and source_arn in data["sourceQueueArns"])


def not_a_dead_letter_queue(arn: str) -> AwsError:
    return parameter_error("SourceArn", arn, "Source queue must be configured as a Dead Letter Queue.")
