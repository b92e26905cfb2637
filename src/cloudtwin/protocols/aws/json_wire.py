"""The awsJson 1.0/1.1 protocol: POST /, X-Amz-Target names the operation, JSON both ways."""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel

from cloudtwin.protocols.aws.error_shapes import wire_status
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.parse.json import parse_body
from cloudtwin.protocols.aws.serialize.json import dumps, error_body, query_error_header, to_wire
from cloudtwin.protocols.aws.wire import WireProtocol
from cloudtwin.protocols.http import HttpRequest, HttpResponse


def _content_type(service: ServiceModel) -> str:
    return f"application/x-amz-json-{service.metadata.get('jsonVersion', '1.0')}"


class JsonProtocol(WireProtocol):
    name = "json"

    def operation_name(self, request: HttpRequest, service: ServiceModel) -> str | None:
        target = request.headers.get("x-amz-target", "")
        prefix, _, operation = target.rpartition(".")
        if prefix != service.metadata.get("targetPrefix") or operation not in service.operation_names:
            return None
        return operation

    def parse(self, request: HttpRequest, operation: OperationModel) -> dict[str, Any]:
        return parse_body(operation, request.body)

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> HttpResponse:
        body = dumps(to_wire(operation.output_shape, result))
        headers = [
            ("content-type", _content_type(operation.service_model)),
            ("x-amzn-requestid", request_id),
        ]
        return HttpResponse(200, headers, body)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> HttpResponse:
        headers = [("content-type", _content_type(service)), ("x-amzn-requestid", request_id)]
        legacy = query_error_header(service, error)
        if legacy:
            headers.append(("x-amzn-query-error", legacy))
        headers.extend(error.headers.items())
        return HttpResponse(wire_status(service, error), headers, dumps(error_body(service, error)))
