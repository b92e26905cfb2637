"""SNS's error shapes: engine errors mapped to them, and the face's own ``InvalidParameter``s.

Codes are the model's shape names; the protocol renders each shape's wire code
("InvalidParameterException" -> "InvalidParameter") and status.
"""

from __future__ import annotations

from cloudtwin.engines._kernel.errors import AlreadyExists, EngineError, Invalid, LimitExceeded, NotFound
from cloudtwin.protocols.aws.errors import AwsError


def invalid_parameter(message: str) -> AwsError:
    """``InvalidParameter``, with ``message`` after AWS's "Invalid parameter: " prefix."""
    return AwsError("InvalidParameterException", f"Invalid parameter: {message}")


def invalid_value(message: str) -> AwsError:
    return AwsError("InvalidParameterValueException", message)


def not_found(message: str) -> AwsError:
    return AwsError("NotFoundException", message, 404)


def filter_policy_error(exc: Invalid, *, subscribing: bool) -> AwsError:
    """A pattern error in SNS's words; Subscribe words attribute errors with "Attributes Reason"."""
    prefix = "Attributes Reason: " if subscribing else ""
    if exc.kind == "nesting":
        return invalid_parameter(f"{prefix}Filter policy scope MessageAttributes does not support nested filter policy")
    return invalid_parameter(f"{prefix}FilterPolicy: {exc.detail}")


def to_aws(exc: EngineError) -> AwsError:
    if isinstance(exc, NotFound):
        return not_found(exc.detail)
    if isinstance(exc, AlreadyExists):
        return invalid_parameter(exc.detail)
    if isinstance(exc, LimitExceeded):
        return invalid_parameter(exc.detail)
    if isinstance(exc, Invalid):
        return invalid_parameter(exc.detail)
    return AwsError("InternalErrorException", exc.detail, 500, sender_fault=False)
