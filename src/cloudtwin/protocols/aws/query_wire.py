"""The query protocol: form params (POST body or GET query string), ``Action`` names the operation.

Serves the query services (SNS, IAM, STS) and the legacy query mode of JSON-first ones
(SQS, CloudWatch: ``awsQueryCompatible``), whose error codes become the model's legacy
``error.code``. A param of the wrong kind answers ``InvalidParameterValue``, an unknown
``Action`` ``InvalidAction`` and a missing one ``MissingAction``: AWS's common query errors.

Legacy names. A JSON-first model served in query mode still has to speak the names its old
query model used, because clients built from that model (SQS SDKs before 2023) send and read
them. They are data in the service's extras, in two kinds of trait that JSON never reads:
``queryName`` on a structure member (read first, the model name still read; results use it),
and ``locationName`` on a list's item or a map's key and value (``AttributeName.N``,
``Attribute.N.Name``, ``<Message>``), with ``flattened`` where the old model had it. A member's
own ``locationName`` would rename it in JSON too, so it is never used for a legacy name.

A model's ``metadata.cloudtwinQueryPathMember`` names a member that a request may give as its
URL path instead of a param: aws-sdk-java v1 posts SQS calls to the queue URL itself
(``POST /123456789012/orders``) and drop ``QueueUrl`` from the form.
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel

from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.parse.query import read_params
from cloudtwin.protocols.aws.serialize.query import CONTENT_TYPE, error_response, response_body
from cloudtwin.protocols.aws.shapes import WireValueError
from cloudtwin.protocols.aws.wire import WireProtocol
from cloudtwin.protocols.http import HttpRequest, HttpResponse


def _pairs(request: HttpRequest) -> list[tuple[str, str]]:
    return request.query_list + request.form_list


def _action(request: HttpRequest) -> str | None:
    for key, value in reversed(_pairs(request)):
        if key == "Action":
            return value
    return None


def _with_path_member(operation: OperationModel, params: dict[str, Any], path: str) -> dict[str, Any]:
    """The request path as the member the model's ``cloudtwinQueryPathMember`` names, when the
    form lacks it and the path is more than ``/``."""
    member = operation.service_model.metadata.get("cloudtwinQueryPathMember")
    shape = operation.input_shape
    if member and member not in params and path.strip("/") and shape is not None and member in shape.members:
        params[member] = path
    return params


class QueryProtocol(WireProtocol):
    name = "query"

    def operation_name(self, request: HttpRequest, service: ServiceModel) -> str | None:
        action = _action(request)
        return action if action in service.operation_names else None

    def unknown_operation(self, request: HttpRequest) -> AwsError:
        action = _action(request)
        if not action:
            return AwsError("MissingAction", "Missing Action")
        return AwsError("InvalidAction", f"The action {action} is not valid for this web service.")

    def parse(self, request: HttpRequest, operation: OperationModel) -> dict[str, Any]:
        try:
            params = read_params(operation.input_shape, _pairs(request))
        except WireValueError as exc:
            raise AwsError("InvalidParameterValue", str(exc)) from None
        except RecursionError:
            raise AwsError("MalformedQueryString", "The query string nests too deeply.") from None
        return _with_path_member(operation, params, request.path)

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> HttpResponse:
        body = response_body(operation, result, request_id)
        return HttpResponse(200, [CONTENT_TYPE, ("x-amzn-requestid", request_id)], body)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> HttpResponse:
        return error_response(service, error, request_id)
