"""The rest-json protocol (Lambda, API Gateway, ...): routes by method and URI, JSON bodies.

Errors are JSON (``__type`` and ``message``) named by the ``X-Amzn-Errortype`` header; a body
of the wrong shape answers ``SerializationException``, an unmatched route
``UnknownOperationException`` (404).
"""

from __future__ import annotations

from typing import Any

from botocore.model import ServiceModel, Shape

from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.parse.json import read_document, serialization_error
from cloudtwin.protocols.aws.rest_wire import RestProtocol
from cloudtwin.protocols.aws.serialize.json import dumps, error_body, query_error_header, to_wire
from cloudtwin.protocols.aws.serialize.rest import Headers
from cloudtwin.protocols.http import HttpRequest


class RestJsonProtocol(RestProtocol):
    name = "rest-json"
    content_type = "application/json"

    def unknown_operation(self, request: HttpRequest) -> AwsError:
        return AwsError("UnknownOperationException", f"No operation answers {request.method} {request.path}", 404)

    def read_document(self, shape: Shape, body: bytes) -> dict[str, Any]:
        return read_document(shape, body)

    def write_document(self, service: ServiceModel, shape: Shape, value: dict[str, Any]) -> bytes:
        return dumps(to_wire(shape, value))

    def malformed(self, message: str, in_body: bool) -> AwsError:
        return serialization_error(message)

    def error_body(self, service: ServiceModel, error: AwsError, request_id: str) -> tuple[Headers, bytes]:
        headers = [("x-amzn-errortype", error.code)]
        legacy = query_error_header(service, error)
        if legacy:
            headers.append(("x-amzn-query-error", legacy))
        return headers, dumps(error_body(service, error))
