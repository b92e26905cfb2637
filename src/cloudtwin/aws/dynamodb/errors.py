"""Engine errors -> DynamoDB's error shapes and messages."""

from __future__ import annotations

from cloudtwin.engines._kernel.errors import (
    AlreadyExists, ConditionFailed, Conflict, EngineError, Invalid, LimitExceeded, NotFound, Throttled,
)
from cloudtwin.protocols.aws.errors import AwsError


def _cancellation(exc: ConditionFailed) -> AwsError:
    reasons = []
    for reason in exc.extra.get("reasons", []):
        if reason is None:
            reasons.append({"Code": "None"})
            continue
        code, item = reason
        entry = {"Code": code, "Message": "The conditional request failed"}
        if item is not None:
            entry["Item"] = item
        reasons.append(entry)
    codes = ", ".join(r["Code"] for r in reasons)
    return AwsError(
        "TransactionCanceledException",
        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
        fields={"CancellationReasons": reasons},
    )


def to_aws(exc: EngineError) -> AwsError:
    if isinstance(exc, NotFound):
        return AwsError("ResourceNotFoundException", exc.detail)
    if isinstance(exc, AlreadyExists):
        return AwsError("ResourceInUseException", exc.detail)
    if isinstance(exc, ConditionFailed):
        if exc.kind == "transaction":
            return _cancellation(exc)
        item = exc.extra.get("item")
        fields = {"Item": item} if item is not None else {}
        return AwsError("ConditionalCheckFailedException", exc.detail, fields=fields)
    if isinstance(exc, Conflict):
        if exc.kind == "token":
            return AwsError("IdempotentParameterMismatchException", exc.detail)
        return AwsError("ResourceInUseException", exc.detail)
    if isinstance(exc, LimitExceeded):
        return AwsError("LimitExceededException", exc.detail)
    if isinstance(exc, Throttled):
        return AwsError("ThrottlingException", exc.detail)
    if isinstance(exc, Invalid):
        return AwsError("ValidationException", exc.detail)
    return AwsError("InternalServerError", exc.detail, 500, sender_fault=False)
