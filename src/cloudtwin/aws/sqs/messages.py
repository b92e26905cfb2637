"""SQS SendMessage and SendMessageBatch: body and attribute checks, FIFO rules, digests."""

from __future__ import annotations

import re
from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.sqs import message_attributes as MA
from cloudtwin.aws.sqs.attributes import MIB, parameter_error
from cloudtwin.aws.sqs.batches import check_entries, run_batch
from cloudtwin.aws.sqs.digests import md5_of_attributes, md5_of_body
from cloudtwin.aws.sqs.env import SqsEnv, queue_ref
from cloudtwin.aws.sqs.errors import to_aws
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.queues import QueueInfo
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()

MAX_DELAY = 900
_FIFO_ID = re.compile(r"[!-~]{1,128}")  # alphanumerics and punctuation
NOT_FOR_THIS_QUEUE = "The request include parameter that is not valid for this queue type."


def _check_fifo_params(info: QueueInfo, p: Params) -> None:
    if info.spec.ordered:
        if p.get("DelaySeconds") is not None:
            raise parameter_error("DelaySeconds", p["DelaySeconds"], NOT_FOR_THIS_QUEUE)
        if not p.get("MessageGroupId"):
            raise AwsError("MissingParameter", "The request must contain the parameter MessageGroupId.")
    elif p.get("MessageDeduplicationId") is not None:
        raise parameter_error("MessageDeduplicationId", p["MessageDeduplicationId"], NOT_FOR_THIS_QUEUE)
    for name in ("MessageGroupId", "MessageDeduplicationId"):
        value = p.get(name)
        if value is not None and not _FIFO_ID.fullmatch(value):
            raise parameter_error(name, value, f"{name} can only include alphanumeric and punctuation characters. "
                                  "1 to 128 in length.")


def _check_body_and_delay(p: Params) -> None:
    body = p.get("MessageBody")
    if not body:
        raise AwsError("MissingParameter", "The request must contain the parameter MessageBody.")
    MA.check_text(body)
    delay = p.get("DelaySeconds")
    if delay is not None and not 0 <= delay <= MAX_DELAY:
        raise parameter_error("DelaySeconds", delay, f"DelaySeconds must be >= 0 and <= {MAX_DELAY}.")


def stored_attributes(ctx: RequestContext, p: Params) -> tuple[dict[str, Any], int]:
    """(what the engine stores with the message, the bytes its attributes count)."""
    user, user_size = MA.checked(p.get("MessageAttributes"))
    system, system_size = MA.checked_system(p.get("MessageSystemAttributes"))
    return {"message": user, "system": system, "sender": ctx.principal or ctx.scope.tenant}, user_size + system_size


def send(env: SqsEnv, ctx: RequestContext, scope: Scope, info: QueueInfo, p: Params) -> dict[str, Any]:
    """One SendMessage (or batch entry) to the queue ``info``."""
    _check_body_and_delay(p)
    _check_fifo_params(info, p)
    attributes, size = stored_attributes(ctx, p)
    sent = env.queues.send(scope, info.name, p["MessageBody"], attributes=attributes, attributes_size=size,
                           delay=p.get("DelaySeconds"), group=p.get("MessageGroupId"),
                           dedup_id=p.get("MessageDeduplicationId"))
    out = {"MessageId": sent.message_id, "MD5OfMessageBody": md5_of_body(p["MessageBody"])}
    if attributes["message"]:
        out["MD5OfMessageAttributes"] = md5_of_attributes(attributes["message"])
    if attributes["system"]:
        out["MD5OfMessageSystemAttributes"] = md5_of_attributes(attributes["system"])
    if info.spec.ordered:
        out["SequenceNumber"] = sequence_number(sent.sequence)
    return out


def sequence_number(sequence: int) -> str:
    return f"{sequence:020d}"


@operations.operation("SendMessage")
def send_message(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = queue_ref(ctx, p["QueueUrl"])
    return send(env, ctx, scope, env.queues.get(scope, name), p)


def _batch_bytes(entries: list[dict[str, Any]]) -> int:
    total = 0
    for entry in entries:
        total += len(entry.get("MessageBody", "").encode("utf-8", "surrogatepass"))
        for name, value in (entry.get("MessageAttributes") or {}).items():
            raw = value.get("StringValue") or value.get("BinaryValue") or ""
            total += len(name) + len(value.get("DataType", "")) + len(raw)
    return total


@operations.operation("SendMessageBatch")
def send_message_batch(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = queue_ref(ctx, p["QueueUrl"])
    info = env.queues.get(scope, name)
    entries = p["Entries"]
    check_entries(entries, "SendMessageBatchRequestEntry")
    total = _batch_bytes(entries)
    if total > MIB:
        raise AwsError("BatchRequestTooLong", f"Batch requests cannot be longer than {MIB} bytes. You have sent "
                       f"{total} bytes.")
    return run_batch(entries, lambda entry: send(env, ctx, scope, info, entry), to_aws)
