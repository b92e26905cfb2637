"""SqsEnv: the engine the SQS face calls, and the queue URLs that name its queues.

A queue URL is ``http://<host the client used>/<account>/<name>``; any URL whose path is
``/<account>/<name>`` is accepted (sqs.<region>.amazonaws.com, <region>.queue.amazonaws.com,
sqs.<region>.localhost.localstack.cloud, ...). The region is the one the request is signed for.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.queues import QueuesEngine
from cloudtwin.protocols.aws.errors import AwsError

DEFAULT_HOST = "localhost:4566"


@dataclass(frozen=True)
class SqsEnv:
    queues: QueuesEngine


def queue_missing() -> AwsError:
    return AwsError("QueueDoesNotExist", "The specified queue does not exist.")


def queue_ref(ctx: RequestContext, url: str) -> tuple[Scope, str]:
    """(scope, queue name) of a queue URL."""
    path = urlsplit(url).path if "://" in url else url
    parts = [part for part in path.split("/") if part]
    if len(parts) != 2 or not parts[0].isdigit():
        raise queue_missing()
    return Scope(parts[0], ctx.scope.location), parts[1]


def queue_url(ctx: RequestContext, scope: Scope, name: str) -> str:
    return f"http://{ctx.host or DEFAULT_HOST}/{scope.tenant}/{name}"


def arn_ref(ctx: RequestContext, value: str) -> tuple[Scope, str] | None:
    """(scope, queue name) of a queue ARN (arn:aws:sqs:<region>:<account>:<name>), or None."""
    parts = value.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs" or not parts[5]:
        return None
    return Scope(parts[4], parts[3]), parts[5]
