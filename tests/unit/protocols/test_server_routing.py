"""The server's router picks the face and, for faces that speak several, the protocol of the request."""

from __future__ import annotations

import pytest

from cloudtwin.aws._face import Face, Operations
from cloudtwin.protocols.aws.models import service_model
from cloudtwin.protocols.http import HttpRequest
from cloudtwin.server.routing import Router
from tests.unit.protocols.botocore_wire import botocore_request
from tests.unit.protocols.faces import CONTEXT

FACES = [
    Face("sqs", Operations(), protocols=("json", "query")),
    Face("cloudwatch", Operations(), protocols=("smithy-rpc-v2-cbor", "json", "query")),
    Face("sts", Operations()), Face("sns", Operations()), Face("iam", Operations()), Face("s3", Operations()),
]
ROUTER = Router(FACES)


def _signed(request: HttpRequest, signing_name: str) -> HttpRequest:
    request.headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/{signing_name}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0123"
    )
    return request


@pytest.mark.parametrize(("service", "signing_name", "protocol", "operation"), [
    ("sqs", "sqs", "json", "SendMessage"),
    ("sqs", "sqs", "query", "SendMessage"),
    ("cloudwatch", "monitoring", "smithy-rpc-v2-cbor", "ListMetrics"),
    ("cloudwatch", "monitoring", "json", "ListMetrics"),
    ("cloudwatch", "monitoring", "query", "ListMetrics"),
    ("sns", "sns", "query", "ListTopics"),
    ("s3", "s3", "rest-xml", "ListBuckets"),
])
def test_signed_requests_reach_their_face_in_their_protocol(
    service: str, signing_name: str, protocol: str, operation: str
) -> None:
    request = botocore_request(protocol, service_model(service).operation_model(operation), {})
    route = ROUTER.route(_signed(request, signing_name))
    assert route is not None
    assert (route.face.service, route.protocol) == (service, protocol)


def test_an_unsigned_query_request_is_routed_by_an_action_only_one_face_has() -> None:
    request = botocore_request("query", service_model("sts").operation_model("AssumeRoleWithWebIdentity"),
                               {"RoleArn": "arn:aws:iam::000000000000:role/r", "RoleSessionName": "s",
                                "WebIdentityToken": "t"})
    route = ROUTER.route(request)
    assert route is not None and (route.face.service, route.protocol) == ("sts", "query")


def test_an_unsigned_action_several_faces_share_goes_to_the_path_face() -> None:
    request = HttpRequest("POST", "/", "", {"content-type": "application/x-www-form-urlencoded"},
                          b"Action=ListTagsForResource")
    route = ROUTER.route(request)
    assert route is not None and route.face.service == "s3"


def test_a_query_request_naming_no_operation_gets_the_query_error() -> None:
    request = _signed(HttpRequest("POST", "/", "", {"content-type": "application/x-www-form-urlencoded"},
                                  b"Action=NoSuchThing&Version=2012-11-05"), "sqs")
    route = ROUTER.route(request)
    assert route is not None and route.protocol == "query"
    response = route.face.handle(None, CONTEXT, request, route.protocol)
    assert response.status == 400
    assert b"<Code>InvalidAction</Code>" in response.body and b"<ErrorResponse" in response.body
