"""SQS queue operations: create, find, list, attributes, purge, delete, tags, dead-letter sources."""

from __future__ import annotations

import json
import re
from typing import Any

from cloudtwin.aws._face import Operations, Params
from cloudtwin.aws.sqs import attributes as A
from cloudtwin.aws.sqs.env import SqsEnv, queue_ref, queue_url
from cloudtwin.aws.sqs.redrive import checked_allow_policy, dead_letter
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.queues import QueueInfo
from cloudtwin.protocols.aws.errors import AwsError

operations = Operations()

_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_FIFO_NAME = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")
MAX_TAGS = 50


def _fifo_wanted(name: str, given: dict[str, str]) -> bool:
    """Whether CreateQueue asks for a FIFO queue; errors for a name that does not fit the kind."""
    fifo = given.get("FifoQueue", "false").lower() == "true"
    if fifo and not _FIFO_NAME.fullmatch(name):
        raise AwsError("InvalidParameterValue", "The name of a FIFO queue can only include alphanumeric "
                       "characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
    if not fifo and not _NAME.fullmatch(name):
        raise AwsError("InvalidParameterValue", "Can only include alphanumeric characters, hyphens, or "
                       "underscores. 1 to 80 in length")
    return fifo


def _settable(given: dict[str, str], fifo: bool) -> dict[str, str]:
    values = A.checked(given, fifo)
    if "RedriveAllowPolicy" in values:
        values["RedriveAllowPolicy"] = checked_allow_policy(values["RedriveAllowPolicy"])
    return values


def _check_tags(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise AwsError("InvalidParameterValue", f"Too many tags added for queue. Maximum is {MAX_TAGS}.")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or len(value) > 256:
            raise AwsError("InvalidParameterValue", "Tag keys must be 1 to 128 and values 0 to 256 characters long.")
    return tags


def _comparable(value: str) -> Any:
    """A JSON-valued attribute as data (maxReceiveCount 3 and "3" alike), other values as they are."""
    try:
        data = json.loads(value)
    except ValueError:
        return value
    if isinstance(data, dict) and "maxReceiveCount" in data:
        data["maxReceiveCount"] = str(data["maxReceiveCount"])
    return data


def _same_as_existing(existing: QueueInfo, values: dict[str, str]) -> None:
    current = A.with_defaults(existing.spec.extra, existing.spec.ordered)
    for name, value in values.items():
        if _comparable(current.get(name, "")) != _comparable(value):
            raise AwsError("QueueNameExists", "A queue already exists with the same name and a different value "
                           f"for attribute {name}")


@operations.operation("CreateQueue")
def create_queue(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    name, given = p["QueueName"], dict(p.get("Attributes") or {})
    fifo = _fifo_wanted(name, given)
    if not fifo:
        given.pop("FifoQueue", None)
    values = _settable(given, fifo)
    existing = env.queues.find(ctx.scope, name)
    if existing is not None:
        _same_as_existing(existing, values)
        return {"QueueUrl": queue_url(ctx, ctx.scope, name)}
    full = A.with_defaults(values, fifo)
    spec = A.spec_of(full, dead_letter(env, ctx, ctx.scope, name, full))
    env.queues.create(ctx.scope, name, spec, _check_tags(p.get("tags") or {}))
    return {"QueueUrl": queue_url(ctx, ctx.scope, name)}


@operations.operation("GetQueueUrl")
def get_queue_url(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope = Scope(p.get("QueueOwnerAWSAccountId") or ctx.scope.tenant, ctx.scope.location)
    env.queues.get(scope, p["QueueName"])
    return {"QueueUrl": queue_url(ctx, scope, p["QueueName"])}


@operations.operation("ListQueues")
def list_queues(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    limit = p.get("MaxResults")
    _check_max_results(limit)
    names, token = env.queues.names(ctx.scope, p.get("QueueNamePrefix") or "", limit or 1000, p.get("NextToken"))
    out: dict[str, Any] = {}
    if names:
        out["QueueUrls"] = [queue_url(ctx, ctx.scope, name) for name in names]
    if token and limit:
        out["NextToken"] = token
    return out


def _check_max_results(limit: int | None) -> None:
    if limit is not None and not 1 <= limit <= 1000:
        raise A.parameter_error("MaxResults", limit, "MaxResults must be an integer between 1 and 1000.")


@operations.operation("DeleteQueue")
def delete_queue(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    env.queues.delete(*queue_ref(ctx, p["QueueUrl"]))
    return {}


@operations.operation("PurgeQueue")
def purge_queue(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = queue_ref(ctx, p["QueueUrl"])
    env.queues.purge(scope, name)
    return {}


@operations.operation("GetQueueAttributes")
def get_queue_attributes(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = queue_ref(ctx, p["QueueUrl"])
    info = env.queues.get(scope, name)
    wanted = A.wanted(p.get("AttributeNames"), info.spec.ordered)
    if wanted == set():
        return {}
    counting = wanted is None or any(n.startswith("ApproximateNumber") for n in wanted)
    values = A.rendered(scope, info, env.queues.counts(scope, name) if counting else None)
    if wanted is not None:
        values = {k: v for k, v in values.items() if k in wanted}
    return {"Attributes": values} if values else {}


@operations.operation("SetQueueAttributes")
def set_queue_attributes(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = queue_ref(ctx, p["QueueUrl"])
    info = env.queues.get(scope, name)
    fifo = info.spec.ordered
    given = dict(p["Attributes"])
    if "FifoQueue" in given and given["FifoQueue"].lower() != str(fifo).lower():
        raise A.invalid_value("FifoQueue")
    if not fifo:
        given.pop("FifoQueue", None)
    values = {k: v for k, v in {**info.spec.extra, **_settable(given, fifo)}.items() if v != ""}
    full = A.with_defaults(values, fifo)
    env.queues.update(scope, name, A.spec_of(full, dead_letter(env, ctx, scope, name, full)))
    return {}


@operations.operation("TagQueue")
def tag_queue(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = queue_ref(ctx, p["QueueUrl"])
    current = env.queues.get(scope, name).tags
    env.queues.tag(scope, name, _check_tags({**current, **p["Tags"]}))
    return {}


@operations.operation("UntagQueue")
def untag_queue(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = queue_ref(ctx, p["QueueUrl"])
    env.queues.untag(scope, name, p["TagKeys"])
    return {}


@operations.operation("ListQueueTags")
def list_queue_tags(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    tags = env.queues.get(*queue_ref(ctx, p["QueueUrl"])).tags
    return {"Tags": tags} if tags else {}


@operations.operation("ListDeadLetterSourceQueues")
def list_dead_letter_source_queues(env: SqsEnv, ctx: RequestContext, p: Params) -> dict[str, Any]:
    scope, name = queue_ref(ctx, p["QueueUrl"])
    limit = p.get("MaxResults")
    _check_max_results(limit)
    names, token = env.queues.dead_letter_sources(scope, name, limit or 1000, p.get("NextToken"))
    out: dict[str, Any] = {"queueUrls": [queue_url(ctx, scope, n) for n in names]}
    if token and limit:
        out["NextToken"] = token
    return out
