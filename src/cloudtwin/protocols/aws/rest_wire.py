"""What rest-json and rest-xml share: routing by method and URI, params and results outside the body.

``RestProtocol`` finds the operation through the service's route index (``parse/rest.py``),
reads URI labels, query string and headers, and leaves the body to its subclass
(``read_document``/``write_document``): JSON for rest-json, XML for rest-xml. A payload
member (``"payload": "Body"``) is the whole body: raw bytes for a blob, text for a string,
a document for a structure. Results: status from the ``statusCode`` member or the model's
``http.responseCode``, header members, then the body.
"""

from __future__ import annotations

from abc import abstractmethod
from functools import cache
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from cloudtwin.protocols.aws.error_shapes import error_shape, wire_status
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.parse.rest import read_locations, route_index, route_of
from cloudtwin.protocols.aws.serialize.rest import Headers, response_plan
from cloudtwin.protocols.aws.shapes import WireValueError
from cloudtwin.protocols.aws.wire import WireProtocol
from cloudtwin.protocols.http import HttpRequest, HttpResponse


@cache
def _has_body_members(shape: Shape) -> bool:
    return any("location" not in m.serialization for m in shape.members.values())


class RestProtocol(WireProtocol):
    content_type: str

    @abstractmethod
    def read_document(self, shape: Shape, body: bytes) -> dict[str, Any]:
        """Model values of ``shape`` from a body document; raises WireValueError or AwsError."""

    @abstractmethod
    def write_document(self, service: ServiceModel, shape: Shape, value: dict[str, Any]) -> bytes:
        """``value`` (members of ``shape``) as a body document."""

    @abstractmethod
    def malformed(self, message: str, in_body: bool) -> AwsError:
        """The error for a request whose body, labels, query or headers do not fit the model."""

    @abstractmethod
    def error_body(self, service: ServiceModel, error: AwsError, request_id: str) -> tuple[Headers, bytes]:
        """The error document, and the headers that name the error."""

    def operation_name(self, request: HttpRequest, service: ServiceModel) -> str | None:
        found = route_index(service).find(request)
        return found[0] if found else None

    def parse(self, request: HttpRequest, operation: OperationModel) -> dict[str, Any]:
        labels = route_of(operation).match(request, strict=False) or {}
        try:
            params = self._read_body(request, operation.input_shape)
        except WireValueError as exc:
            raise self.malformed(str(exc), True) from None
        except RecursionError:
            raise self.malformed("The document nests too deeply.", True) from None
        try:
            params.update(read_locations(operation, request, labels))
        except WireValueError as exc:
            raise self.malformed(str(exc), False) from None
        return params

    def _read_body(self, request: HttpRequest, shape: Shape | None) -> dict[str, Any]:
        if shape is None:
            return {}
        body = request.body
        payload = shape.serialization.get("payload")
        if payload is None:
            return self.read_document(shape, body) if body.strip() and _has_body_members(shape) else {}
        member = shape.members[payload]
        if not body or (member.type_name == "structure" and not body.strip()):
            return {}
        if member.type_name == "blob":
            return {payload: body}
        if member.type_name == "string":
            try:
                return {payload: body.decode()}
            except UnicodeDecodeError:
                raise WireValueError("the body is not valid UTF-8") from None
        return {payload: self.read_document(member, body)}

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> HttpResponse:
        shape = operation.output_shape
        plan = response_plan(shape)
        headers = self.base_headers(request_id) + plan.write_headers(result)
        status = plan.status(result, int(operation.http.get("responseCode", 200)))
        body, content_type = self._body(operation.service_model, shape, result)
        if body and not any(name.lower() == "content-type" for name, _ in headers):
            headers.append(("content-type", content_type))
        return HttpResponse(status, headers, body)

    def _body(self, service: ServiceModel, shape: Shape | None, result: dict[str, Any]) -> tuple[bytes, str]:
        """The response body and its content type: raw payload, payload document, or body members."""
        plan = response_plan(shape)
        raw = plan.raw_payload(result)
        if raw is not None:
            return raw, "application/octet-stream"
        if plan.payload_shape is not None:
            value = result.get(plan.payload or "")
            document = self.write_document(service, plan.payload_shape, value) if value is not None else b""
            return document, self.content_type
        if shape is not None and plan.body_members:
            return self.write_document(service, shape, plan.body_values(result)), self.content_type
        return b"", self.content_type

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> HttpResponse:
        named, body = self.error_body(service, error, request_id)
        modeled = response_plan(error_shape(service, error.code)).write_headers(error.fields)
        headers = [*self.base_headers(request_id), *named, *modeled, ("content-type", self.content_type)]
        headers.extend(error.headers.items())
        return HttpResponse(wire_status(service, error), headers, body)

    def base_headers(self, request_id: str) -> Headers:
        return [("x-amzn-requestid", request_id)]
