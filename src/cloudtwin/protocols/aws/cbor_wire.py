"""Smithy RPC v2 CBOR (CloudWatch's default): ``POST /service/<Service>/operation/<Op>``.

Requests and responses carry ``smithy-protocol: rpc-v2-cbor`` and CBOR bodies; an operation
without input or output has an empty body. Errors are CBOR maps with ``__type`` and
``message``, at the error's status, with ``x-amzn-query-error`` for awsQueryCompatible
services (CloudWatch's legacy codes).
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel

from cloudtwin.protocols.aws.error_shapes import wire_status
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.parse.cbor import parse_body
from cloudtwin.protocols.aws.serialize.cbor import dumps
from cloudtwin.protocols.aws.serialize.json import error_body, query_error_header
from cloudtwin.protocols.aws.wire import WireProtocol
from cloudtwin.protocols.http import HttpRequest, HttpResponse


def _headers(request_id: str) -> list[tuple[str, str]]:
    return [("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/cbor"), ("x-amzn-requestid", request_id)]


class CborProtocol(WireProtocol):
    name = "smithy-rpc-v2-cbor"

    def operation_name(self, request: HttpRequest, service: ServiceModel) -> str | None:
        parts = request.raw_path.split("/")
        if request.method != "POST" or len(parts) != 5 or parts[1] != "service" or parts[3] != "operation":
            return None
        return parts[4] if parts[4] in service.operation_names else None

    def unknown_operation(self, request: HttpRequest) -> AwsError:
        return AwsError("UnknownOperationException", f"No operation answers {request.method} {request.path}", 404)

    def parse(self, request: HttpRequest, operation: OperationModel) -> dict[str, Any]:
        return parse_body(operation, request.body)

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> HttpResponse:
        shape = operation.output_shape
        body = dumps({k: v for k, v in result.items() if k in shape.members}) if shape is not None else b""
        return HttpResponse(200, _headers(request_id), body)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> HttpResponse:
        headers = _headers(request_id)
        legacy = query_error_header(service, error)
        if legacy:
            headers.append(("x-amzn-query-error", legacy))
        headers.extend(error.headers.items())
        return HttpResponse(wire_status(service, error), headers, dumps(error_body(service, error)))
