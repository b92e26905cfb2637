"""SNS Publish and PublishBatch: validate, hand the message to the topic engine, report ids."""

from __future__ import annotations

import re
from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.sns.env import SnsEnv, parse_topic_arn, topic_arn
from cloudtwin.aws.sns.errors import invalid_parameter
from cloudtwin.aws.sns.messages import MAX_MESSAGE_BYTES, build_message
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.errors import EngineError
from cloudtwin.engines.topics import Published, Topic
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()
MAX_BATCH = 10
_ENTRY_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def _topic(env: SnsEnv, p: Params) -> Topic:
    arn = p.get("TopicArn") or p.get("TargetArn")
    if not arn:
        if p.get("PhoneNumber"):
            raise invalid_parameter("PhoneNumber Reason: SMS delivery is not supported by cloudtwin")
        raise invalid_parameter("TopicArn or TargetArn Reason: no value for required parameter")
    return env.topics.topic(*parse_topic_arn(arn, "TopicArn" if p.get("TopicArn") else "TargetArn"))


def _context(ctx: RequestContext, topic: Topic) -> dict[str, Any]:
    return {"endpoint": f"http://{ctx.host}", "topic_arn": topic_arn(topic.scope, topic.spec.name),
            "signature_version": topic.spec.attributes.get("SignatureVersion", "1")}


def _ids(published: Published) -> dict[str, str]:
    result = {"MessageId": published.message_id}
    if published.sequence is not None:
        result["SequenceNumber"] = f"{published.sequence:020d}"
    return result


@operations.operation("Publish")
def publish(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    topic = _topic(env, p)
    message = build_message(topic, p, _context(ctx, topic))
    return _ids(env.topics.publish(topic.scope, topic.spec.name, message))


@operations.operation("PublishBatch")
def publish_batch(env: SnsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    topic = _topic(env, p)
    entries = p["PublishBatchRequestEntries"]
    _check_batch(entries)
    context = _context(ctx, topic)
    successful, failed = [], []
    for entry in entries:
        try:
            message = build_message(topic, entry, context)
            successful.append({"Id": entry["Id"], **_ids(env.topics.publish(topic.scope, topic.spec.name, message))})
        except AwsError as error:
            failed.append({"Id": entry["Id"], "Code": error.code.removesuffix("Exception"),
                           "Message": error.message, "SenderFault": error.sender_fault})
        except EngineError as exc:
            failed.append({"Id": entry["Id"], "Code": "InvalidParameter", "Message": exc.detail, "SenderFault": True})
    return {"Successful": successful, "Failed": failed}


def _check_batch(entries: list[dict[str, Any]]) -> None:
    if not entries:
        raise AwsError("EmptyBatchRequestException", "The batch request doesn't contain any entries.")
    if len(entries) > MAX_BATCH:
        raise AwsError("TooManyEntriesInBatchRequestException",
                       "The batch request contains more entries than permissible.")
    ids = [e["Id"] for e in entries]
    if len(set(ids)) != len(ids):
        raise AwsError("BatchEntryIdsNotDistinctException", "Two or more batch entries in the request have the "
                       "same Id.")
    if not all(_ENTRY_ID.match(i) for i in ids):
        raise AwsError("InvalidBatchEntryIdException", "A batch entry id can only contain alphanumeric characters, "
                       "hyphens and underscores. It can be at most 80 letters long.")
    total = sum(len((e.get("Message") or "").encode()) for e in entries)
    if total > MAX_MESSAGE_BYTES:
        raise AwsError("BatchRequestTooLongException", "The length of all the messages put together is more "
                       "than the limit.")
