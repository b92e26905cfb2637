"""What the model says of an error on the wire: its legacy code and its HTTP status.

An error shape may carry ``error: {code, httpStatusCode, senderFault}``. The code is what
query and rest-xml clients see (``AWS.SimpleQueueService.NonExistentQueue`` for SQS's
``QueueDoesNotExist``, ``NoSuchEntity`` for IAM's ``NoSuchEntityException``) and what
awsQueryCompatible JSON services put in ``x-amzn-query-error``. A common error (not one of
the model's shapes) keeps its own code and the status it was raised with.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from botocore.model import NoShapeFoundError, ServiceModel, Shape

from cloudtwin.protocols.aws.errors import AwsError


@cache
def error_shape(service: ServiceModel, code: str) -> Shape | None:
    """The model's shape of error ``code``, or None for a common error."""
    try:
        return service.shape_for(code)
    except NoShapeFoundError:
        return None


def _error_trait(service: ServiceModel, code: str) -> dict[str, Any]:
    shape = error_shape(service, code)
    return dict(shape.metadata.get("error") or {}) if shape is not None else {}


def legacy_code(service: ServiceModel, error: AwsError) -> str:
    return str(_error_trait(service, error.code).get("code") or error.code)


def wire_status(service: ServiceModel, error: AwsError) -> int:
    return int(_error_trait(service, error.code).get("httpStatusCode") or error.status)


def fault(error: AwsError) -> str:
    return "Sender" if error.sender_fault else "Receiver"
