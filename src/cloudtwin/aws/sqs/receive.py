"""SQS ReceiveMessage: leases, the attributes asked for, and long polling without a loop.

With WaitTimeSeconds (or the queue's ReceiveMessageWaitTimeSeconds) and nothing to deliver,
the operation returns a coroutine: it parks a callback with the engine (``watch``) and sleeps
until a message may be there or the wait is over; the server awaits it. Nothing polls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.sqs.attributes import millis, parameter_error, queue_arn
from cloudtwin.aws.sqs.digests import md5_of_attributes, md5_of_body
from cloudtwin.aws.sqs.env import SqsEnv, queue_ref
from cloudtwin.aws.sqs.message_attributes import selected
from cloudtwin.aws.sqs.messages import sequence_number
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.queues import Message

operations = Operations()

MAX_MESSAGES = 10
MAX_WAIT = 20
MAX_VISIBILITY = 43_200
SYSTEM_ATTRIBUTES = (
    "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SequenceNumber",
    "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn",
)
Result = dict[str, Any]


def _system_attributes(scope: Scope, message: Message, fifo: bool) -> dict[str, str]:
    stored = message.attributes or {}
    values = {
        "SenderId": stored.get("sender", scope.tenant),
        "SentTimestamp": millis(message.sent),
        "ApproximateReceiveCount": str(message.deliveries),
        "ApproximateFirstReceiveTimestamp": millis(message.first_delivered),
    }
    if fifo:
        values["SequenceNumber"] = sequence_number(message.sequence)
        values["MessageDeduplicationId"] = message.dedup_id or ""
    if message.group is not None:
        values["MessageGroupId"] = message.group
    trace = stored.get("system", {}).get("AWSTraceHeader")
    if trace:
        values["AWSTraceHeader"] = trace["StringValue"]
    if message.origin:
        values["DeadLetterQueueSourceArn"] = queue_arn(scope, message.origin)
    return values


def renderer(scope: Scope, fifo: bool, p: Params) -> Callable[[list[Message]], Result]:
    """The function that turns delivered messages into ReceiveMessage's answer for request ``p``."""
    names = set(p.get("AttributeNames") or []) | set(p.get("MessageSystemAttributeNames") or [])
    wanted = None if "All" in names else names
    attribute_names = p.get("MessageAttributeNames")

    def render_one(message: Message) -> Result:
        body = message.body if isinstance(message.body, str) else message.body.decode("utf-8", "replace")
        out: Result = {"MessageId": message.message_id, "ReceiptHandle": message.token,
                       "MD5OfBody": md5_of_body(body), "Body": body}
        if names:
            system = _system_attributes(scope, message, fifo)
            out["Attributes"] = {k: v for k, v in system.items() if wanted is None or k in wanted}
        user = selected((message.attributes or {}).get("message", {}), attribute_names)
        if user:
            out["MessageAttributes"] = user
            out["MD5OfMessageAttributes"] = md5_of_attributes(user)
        return out

    def render(messages: list[Message]) -> Result:
        return {"Messages": [render_one(m) for m in messages]} if messages else {}

    return render


def _checked(p: Params, default_wait: int) -> tuple[int, int | None, int]:
    limit = p.get("MaxNumberOfMessages", 1)
    if not 1 <= limit <= MAX_MESSAGES:
        raise parameter_error("MaxNumberOfMessages", limit, f"Must be between 1 and {MAX_MESSAGES}, if provided.")
    visibility = p.get("VisibilityTimeout")
    if visibility is not None and not 0 <= visibility <= MAX_VISIBILITY:
        raise parameter_error("VisibilityTimeout", visibility, f"Must be >= 0 and <= {MAX_VISIBILITY}, if provided.")
    wait = p.get("WaitTimeSeconds", default_wait)
    if not 0 <= wait <= MAX_WAIT:
        raise parameter_error("WaitTimeSeconds", wait, f"Must be >= 0 and <= {MAX_WAIT}, if provided.")
    return limit, visibility, wait


@operations.operation("ReceiveMessage")
def receive_message(env: SqsEnv, ctx: RequestContext, p: Params) -> Any:
    scope, name = queue_ref(ctx, p["QueueUrl"])
    info = env.queues.get(scope, name)
    limit, visibility, wait = _checked(p, int(info.spec.extra.get("ReceiveMessageWaitTimeSeconds", "0")))
    render = renderer(scope, info.spec.ordered, p)

    def receive() -> list[Message]:
        return env.queues.receive(scope, name, limit, visibility, p.get("ReceiveRequestAttemptId"))

    messages = receive()
    if messages or wait == 0:
        return render(messages)
    return _long_poll(env, scope, name, wait, receive, render)


async def _long_poll(env: SqsEnv, scope: Scope, name: str, wait: float, receive: Callable[[], list[Message]],
                     render: Callable[[list[Message]], Result]) -> Result:
    """Park on the queue until a message may be there, receive; repeat until the wait is over."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while (left := deadline - loop.time()) > 0:
        woken: asyncio.Future[None] = loop.create_future()

        def wake(woken: asyncio.Future[None] = woken) -> None:
            if not woken.done():
                woken.set_result(None)

        cancel = env.queues.watch(scope, name, wake)
        try:
            await asyncio.wait_for(woken, left)
        except asyncio.TimeoutError:
            break
        finally:
            cancel()
        messages = receive()
        if messages:
            return render(messages)
    return render([])
