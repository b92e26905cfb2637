"""AwsError: an error reply named by its model shape, rendered by each protocol's serializer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class AwsError(Exception):
    """A reply of error shape ``code`` (the model's shape name, or a common code).

    ``fields`` are extra members of the error shape (e.g. DynamoDB's CancellationReasons);
    ``headers`` are extra response headers.
    """

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        *,
        sender_fault: bool = True,
        fields: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = sender_fault
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})

    def __repr__(self) -> str:
        return f"AwsError({self.code!r}, {self.message!r}, {self.status})"


def validation_error(message: str) -> AwsError:
    return AwsError("ValidationException", message)


def not_implemented(service: str, operation: str) -> AwsError:
    return AwsError(
        "NotImplementedException" if service != "s3" else "NotImplemented",
        f"The operation {operation} of {service} is not implemented by cloudtwin yet "
        f"(see `cloudtwin coverage {service}`)",
        501,
        sender_fault=False,
    )
