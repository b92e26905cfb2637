"""The rest-xml protocol (S3, Route 53, CloudFront): routes by method and URI, XML bodies.

Errors: ``<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>``
as Route 53 and CloudFront send them, or S3's bare ``<Error><Code/><Message/>...fields
<RequestId/><HostId/></Error>`` when the model's metadata (from cloudtwin's extras data)
sets ``"cloudtwinErrorRoot": "Error"``. A body that is not well-formed XML of the input shape
answers ``MalformedXML``, a bad label, query param or header ``InvalidArgument``, and an
unmatched route ``MethodNotAllowed`` (405).
"""

from __future__ import annotations

from typing import Any

from botocore.model import ServiceModel, Shape

from cloudtwin.protocols.aws.error_shapes import legacy_code
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.parse.xml import element_reader, parse_document
from cloudtwin.protocols.aws.rest_wire import RestProtocol
from cloudtwin.protocols.aws.serialize.query import error_document
from cloudtwin.protocols.aws.serialize.rest import Headers
from cloudtwin.protocols.aws.serialize.xml import error_fields, escape, to_xml
from cloudtwin.protocols.http import HttpRequest

_PROLOG = '<?xml version="1.0" encoding="UTF-8"?>'


def _namespace(shape: Shape, service: ServiceModel) -> str:
    """The default namespace of a response document, unless its shape declares one."""
    if shape.serialization.get("xmlNamespace"):
        return ""
    return f' xmlns="http://{service.endpoint_prefix}.amazonaws.com/doc/{service.api_version}/"'


def _unwrapped_member(shape: Shape, tag: str) -> tuple[str, Shape] | None:
    """The scalar member a document is made of alone, when the data names the root after it.

    S3's GetBucketLocation answers ``<LocationConstraint>eu-west-1</LocationConstraint>``
    (Smithy's ``@s3UnwrappedXmlOutput``, which botocore's model drops): cloudtwin's extras give
    the output shape that member's name, and a document so named is the member's value itself.
    """
    body = [(name, m) for name, m in shape.members.items() if "location" not in m.serialization]
    if len(body) == 1 and body[0][1].type_name not in ("structure", "list", "map"):
        name, member = body[0]
        if member.serialization.get("name", name) == tag:
            return name, member
    return None


class RestXmlProtocol(RestProtocol):
    name = "rest-xml"
    content_type = "application/xml"

    def unknown_operation(self, request: HttpRequest) -> AwsError:
        return AwsError(
            "MethodNotAllowed", "The specified method is not allowed against this resource.", 405,
            fields={"Method": request.method, "ResourceType": request.path},
        )

    def read_document(self, shape: Shape, body: bytes) -> dict[str, Any]:
        value = element_reader(shape)(parse_document(body))
        return value if isinstance(value, dict) else {}

    def write_document(self, service: ServiceModel, shape: Shape, value: dict[str, Any]) -> bytes:
        tag = shape.serialization.get("name") or shape.name
        unwrapped = _unwrapped_member(shape, tag)
        if unwrapped is not None:
            name, member = unwrapped
            return to_xml(member, tag, value.get(name) or "", _namespace(shape, service))
        return to_xml(shape, tag, value, _namespace(shape, service))

    def malformed(self, message: str, in_body: bool) -> AwsError:
        if in_body:
            return AwsError(
                "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema",
            )
        return AwsError("InvalidArgument", message)

    def base_headers(self, request_id: str) -> Headers:
        """S3 names its request ids ``x-amz-request-id`` and ``x-amz-id-2``; the others ``x-amzn-requestid``."""
        return [("x-amzn-requestid", request_id), ("x-amz-request-id", request_id), ("x-amz-id-2", request_id)]

    def error_body(self, service: ServiceModel, error: AwsError, request_id: str) -> tuple[Headers, bytes]:
        headers: Headers = []
        if service.metadata.get("cloudtwinErrorRoot") != "Error":
            return headers, error_document(service, error, request_id)
        body = (
            f"{_PROLOG}<Error><Code>{escape(legacy_code(service, error))}</Code>"
            f"<Message>{escape(error.message)}</Message>{error_fields(service, error)}"
            f"<RequestId>{escape(request_id)}</RequestId><HostId>{escape(request_id)}</HostId></Error>"
        )
        return headers, body.encode()
