"""SQS message move tasks: redrive a dead-letter queue back to its sources or to a queue."""

from __future__ import annotations

from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.sqs.attributes import millis, parameter_error, queue_arn
from cloudtwin.aws.sqs.env import SqsEnv, arn_ref
from cloudtwin.aws.sqs.redrive import not_a_dead_letter_queue
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.queues import MoveTask
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()

MAX_RATE = 500
MAX_LISTED = 10


def _queue_of_arn(env: SqsEnv, ctx: RequestContext, value: str, parameter: str) -> tuple[Scope, str]:
    ref = arn_ref(ctx, value)
    if ref is None or env.queues.find(*ref) is None:
        raise AwsError("ResourceNotFoundException", f"The resource that you specified for the {parameter} "
                       "parameter doesn't exist.")
    return ref


def _task(scope: Scope, task: MoveTask) -> dict[str, Any]:
    out: dict[str, Any] = {
        "TaskHandle": task.handle, "Status": task.status, "SourceArn": queue_arn(scope, task.source),
        "ApproximateNumberOfMessagesMoved": task.moved, "ApproximateNumberOfMessagesToMove": task.total,
        "StartedTimestamp": int(millis(task.started)),
    }
    if task.destination is not None:
        out["DestinationArn"] = queue_arn(scope, task.destination)
    if task.rate is not None:
        out["MaxNumberOfMessagesPerSecond"] = task.rate
    if task.failure:
        out["FailureReason"] = task.failure
    return out


@operations.operation("StartMessageMoveTask")
def start_message_move_task(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, source = _queue_of_arn(env, ctx, p["SourceArn"], "SourceArn")
    destination = None
    if p.get("DestinationArn"):
        destination = _queue_of_arn(env, ctx, p["DestinationArn"], "DestinationArn")[1]
    rate = p.get("MaxNumberOfMessagesPerSecond")
    if rate is not None and not 1 <= rate <= MAX_RATE:
        raise parameter_error("MaxNumberOfMessagesPerSecond", rate, f"Must be between 1 and {MAX_RATE}.")
    if not env.queues.dead_letter_sources(scope, source)[0]:
        raise not_a_dead_letter_queue(p["SourceArn"])
    return {"TaskHandle": env.queues.start_move(scope, source, destination, rate).handle}


@operations.operation("ListMessageMoveTasks")
def list_message_move_tasks(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, source = _queue_of_arn(env, ctx, p["SourceArn"], "SourceArn")
    limit = p.get("MaxResults", 1)
    if not 1 <= limit <= MAX_LISTED:
        raise parameter_error("MaxResults", limit, f"Must be between 1 and {MAX_LISTED}.")
    return {"Results": [_task(scope, task) for task in env.queues.moves(scope, source, limit)]}


@operations.operation("CancelMessageMoveTask")
def cancel_message_move_task(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    return {"ApproximateNumberOfMessagesMoved": env.queues.cancel_move(p["TaskHandle"]).moved}
