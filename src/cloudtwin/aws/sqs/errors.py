"""Engine errors -> SQS's error shapes, codes and messages."""

from __future__ import annotations

from cloudtwin.engines._kernel.errors import (
    AlreadyExists, Conflict, EngineError, Invalid, LimitExceeded, NotFound,
)
from cloudtwin.protocols.aws.errors import AwsError

_CONFLICTS = {
    "recently_deleted": lambda e: AwsError(
        "QueueDeletedRecently",
        "You must wait 60 seconds after deleting a queue before you can create another with the same name."),
    "purge": lambda e: AwsError(
        "PurgeQueueInProgress", f"Only one PurgeQueue operation on {e.name} is allowed every 60 seconds.", 403),
    "lease": lambda e: AwsError(
        "InvalidParameterValue", f"Value {e.name} for parameter ReceiptHandle is invalid. Reason: Message does "
        "not exist or is not available for visibility timeout change."),
    "move": lambda e: AwsError("UnsupportedOperation", e.detail),
}
_INVALID = {
    "token": lambda e: AwsError("ReceiptHandleIsInvalid", f'The input receipt handle "{e.name}" is not a valid '
                                "receipt handle."),
    "page": lambda e: AwsError("InvalidParameterValue", "Invalid NextToken value."),
    "group_required": lambda e: AwsError("MissingParameter", "The request must contain the parameter MessageGroupId."),
    "dedup_required": lambda e: AwsError(
        "InvalidParameterValue", "The queue should either have ContentBasedDeduplication enabled or "
        "MessageDeduplicationId provided explicitly"),
}


def to_aws(exc: EngineError) -> AwsError:
    if isinstance(exc, NotFound):
        if exc.kind == "move":
            return AwsError("ResourceNotFoundException", "Task does not exist.")
        return AwsError("QueueDoesNotExist", "The specified queue does not exist.")
    if isinstance(exc, AlreadyExists):
        return AwsError("QueueNameExists", "A queue already exists with the same name and a different value for "
                                           "attribute(s)")
    if isinstance(exc, LimitExceeded):
        return AwsError("InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be "
                                                 f"shorter than {exc.extra.get('limit')} bytes.")
    if isinstance(exc, Conflict) and exc.kind in _CONFLICTS:
        return _CONFLICTS[exc.kind](exc)
    if isinstance(exc, Invalid):
        if exc.kind in _INVALID:
            return _INVALID[exc.kind](exc)
        return AwsError("InvalidParameterValue", exc.detail)
    return AwsError("InternalError", exc.detail, 500, sender_fault=False)
