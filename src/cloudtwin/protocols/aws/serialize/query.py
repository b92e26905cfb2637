"""Write the query protocol's XML responses and ``ErrorResponse`` documents.

A result is ``<OpResponse xmlns=NS><OpResult>...</OpResult><ResponseMetadata>`` where the
result element is named by the output shape's ``resultWrapper`` (JSON-first models served in
query mode, like SQS, have none: ``<Op>Result`` is used, as AWS did). NS is the service's
``https://<endpointPrefix>.amazonaws.com/doc/<apiVersion>/`` unless the model names one.
Errors carry the model's legacy ``error.code`` (awsQueryCompatible) and fault.
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel

from cloudtwin.protocols.aws.error_shapes import fault, legacy_code, wire_status
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.serialize.xml import element_writer, error_fields, escape
from cloudtwin.protocols.http import HttpResponse

_PROLOG = '<?xml version="1.0" encoding="UTF-8"?>'
CONTENT_TYPE = ("content-type", "text/xml")


def namespace(service: ServiceModel) -> str:
    declared = service.metadata.get("xmlNamespace")
    if isinstance(declared, dict):
        declared = declared.get("uri")
    return declared or f"https://{service.endpoint_prefix}.amazonaws.com/doc/{service.api_version}/"


def _metadata(request_id: str) -> str:
    return f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>"


def response_body(operation: OperationModel, result: dict[str, Any], request_id: str) -> bytes:
    name = operation.name
    out = [f'{_PROLOG}<{name}Response xmlns="{namespace(operation.service_model)}">']
    shape = operation.output_shape
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper") or f"{name}Result"
        element_writer(shape)(out, wrapper, result)
    out.append(f"{_metadata(request_id)}</{name}Response>")
    return "".join(out).encode()


def error_document(service: ServiceModel, error: AwsError, request_id: str) -> bytes:
    """``<ErrorResponse><Error><Type/><Code/><Message/>...</Error><RequestId/></ErrorResponse>``."""
    return (
        f'{_PROLOG}<ErrorResponse xmlns="{namespace(service)}"><Error><Type>{fault(error)}</Type>'
        f"<Code>{escape(legacy_code(service, error))}</Code><Message>{escape(error.message)}</Message>"
        f"{error_fields(service, error)}</Error><RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    ).encode()


def error_response(service: ServiceModel, error: AwsError, request_id: str) -> HttpResponse:
    headers = [CONTENT_TYPE, ("x-amzn-requestid", request_id), *error.headers.items()]
    return HttpResponse(wire_status(service, error), headers, error_document(service, error, request_id))
