"""SQS DeleteMessage(Batch) and ChangeMessageVisibility(Batch): settling leases by receipt handle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.sqs.attributes import parameter_error
from cloudtwin.aws.sqs.batches import check_entries, run_batch
from cloudtwin.aws.sqs.env import SqsEnv, queue_ref
from cloudtwin.aws.sqs.errors import to_aws
from cloudtwin.aws.sqs.receive import MAX_VISIBILITY
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.scope import Scope

operations = Operations()


def _delete(env: SqsEnv, scope: Scope, name: str, entry: Params) -> dict[str, Any]:
    env.queues.settle(scope, name, entry["ReceiptHandle"])
    return {}


def _change(env: SqsEnv, scope: Scope, name: str, entry: Params) -> dict[str, Any]:
    seconds = entry["VisibilityTimeout"]
    if not 0 <= seconds <= MAX_VISIBILITY:
        raise parameter_error("VisibilityTimeout", seconds, "VisibilityTimeout must be an integer between 0 and "
                              f"{MAX_VISIBILITY}.")
    env.queues.extend(scope, name, entry["ReceiptHandle"], seconds)
    return {}


@operations.operation("DeleteMessage")
def delete_message(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    return _delete(env, *queue_ref(ctx, p["QueueUrl"]), p)


@operations.operation("ChangeMessageVisibility")
def change_message_visibility(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    return _change(env, *queue_ref(ctx, p["QueueUrl"]), p)


def _batch(env: SqsEnv, ctx: RequestContext, p: Params, entry_shape: str,
           settle: Callable[[SqsEnv, Scope, str, Params], dict[str, Any]]) -> dict[str, Any]:
    scope, name = queue_ref(ctx, p["QueueUrl"])
    env.queues.get(scope, name)
    check_entries(p["Entries"], entry_shape)
    return run_batch(p["Entries"], lambda entry: settle(env, scope, name, entry), to_aws)


@operations.operation("DeleteMessageBatch")
def delete_message_batch(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    return _batch(env, ctx, p, "DeleteMessageBatchRequestEntry", _delete)


@operations.operation("ChangeMessageVisibilityBatch")
def change_message_visibility_batch(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    return _batch(env, ctx, p, "ChangeMessageVisibilityBatchRequestEntry", _change)
