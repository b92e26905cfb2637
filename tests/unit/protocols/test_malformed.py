"""Hand-written bad requests, one set per protocol: the AWS error code and status each must get."""

from __future__ import annotations

import cbor2
import pytest

from cloudtwin.protocols.aws.models import service_model
from cloudtwin.protocols.http import HttpRequest
from tests.unit.protocols.botocore_wire import botocore_parse
from tests.unit.protocols.cases import oracle_operation
from tests.unit.protocols.faces import answer

FORM = {"content-type": "application/x-www-form-urlencoded"}
DYNAMODB = {"content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.DescribeTable"}
SQS = {"content-type": "application/x-amz-json-1.0"}
CBOR = {"content-type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}
CW = "/service/GraniteServiceVersion20100801/operation"
DEEP_ITEM = b'{"TableName":"t","Item":{"k":' + b'{"M":{"a":' * 500 + b'{"S":"x"}' + b"}}" * 500 + b"}}"
BOMB = b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Tagging>&b;</Tagging>'

CASES = [
    # awsJson
    ("dynamodb", "json", HttpRequest("POST", "/", "", DYNAMODB, b"{"), 400, "SerializationException"),
    ("dynamodb", "json", HttpRequest("POST", "/", "", DYNAMODB, b'{"TableName": 5}'), 400, "SerializationException"),
    ("dynamodb", "json", HttpRequest("POST", "/", "", {**DYNAMODB, "x-amz-target": "DynamoDB_20120810.Nope"}, b"{}"),
     400, "UnknownOperationException"),
    ("dynamodb", "json", HttpRequest("POST", "/", "", DYNAMODB, b"{}"), 400, "ValidationException"),
    ("dynamodb", "json", HttpRequest("POST", "/", "", {**DYNAMODB, "x-amz-target": "DynamoDB_20120810.PutItem"},
                                     DEEP_ITEM), 400, "SerializationException"),
    # query
    ("sns", "query", HttpRequest("POST", "/", "", FORM, b"Action=Nope&Version=2010-03-31"), 400, "InvalidAction"),
    ("sns", "query", HttpRequest("POST", "/", "", FORM, b"Version=2010-03-31"), 400, "MissingAction"),
    ("sns", "query", HttpRequest("GET", "/", "Action=CreateTopic&Name=t&Tags.member.x.Key=k", {}), 400,
     "InvalidParameterValue"),
    ("iam", "query", HttpRequest("POST", "/", "", FORM, b"Action=ListUsers&MaxItems=many"), 400, "InvalidParameterValue"),
    ("iam", "query", HttpRequest("POST", "/", "", FORM, b"Action=ListUsers&MaxItems.member.1=1"), 400,
     "InvalidParameterValue"),
    ("sqs", "query", HttpRequest("POST", "/", "", FORM, b"Action=SendMessage&QueueUrl=q"), 400, "MissingParameter"),
    ("sqs", "query", HttpRequest("POST", "/", "", FORM, b"Action=SendMessage&QueueUrl=q&MessageBody=b&"
                                 b"MessageSystemAttribute.1.Name=Nope&MessageSystemAttribute.1.Value.DataType=String"),
     400, "InvalidParameterValue"),
    ("sqs", "json", HttpRequest("POST", "/", "", {**SQS, "x-amz-target": "AmazonSQS.DeleteQueue"}, b"{}"), 400,
     "MissingParameter"),
    # rest-json
    ("lambda", "rest-json", HttpRequest("POST", "/2015-03-31/functions", "", {}, b"{"), 400, "SerializationException"),
    ("lambda", "rest-json", HttpRequest("GET", "/2015-03-31/functions/", "MaxItems=lots", {}), 400,
     "SerializationException"),
    ("lambda", "rest-json", HttpRequest("GET", "/nowhere", "", {}), 404, "UnknownOperationException"),
    # rest-xml
    ("s3", "rest-xml", HttpRequest("PUT", "/b", "tagging", {}, b"<Tagging><TagSet>"), 400, "MalformedXML"),
    ("s3", "rest-xml", HttpRequest("PUT", "/b", "tagging", {}, BOMB), 400, "MalformedXML"),
    ("s3", "rest-xml", HttpRequest("GET", "/b", "list-type=2&max-keys=all", {}), 400, "InvalidArgument"),
    ("s3", "rest-xml", HttpRequest("PATCH", "/b", "", {}), 405, "MethodNotAllowed"),
    ("route53", "rest-xml", HttpRequest("POST", "/2013-04-01/hostedzone", "", {}, b"<x"), 400, "MalformedXML"),
    # smithy-rpc-v2-cbor
    ("cloudwatch", "smithy-rpc-v2-cbor", HttpRequest("POST", f"{CW}/ListMetrics", "", CBOR, b"\xff\x00"), 400,
     "SerializationException"),
    ("cloudwatch", "smithy-rpc-v2-cbor", HttpRequest("POST", f"{CW}/ListMetrics", "", CBOR, cbor2.dumps({"Namespace": 5})),
     400, "SerializationException"),
    ("cloudwatch", "smithy-rpc-v2-cbor", HttpRequest("POST", f"{CW}/ListMetrics", "", CBOR, cbor2.dumps([1])), 400,
     "SerializationException"),
    ("cloudwatch", "smithy-rpc-v2-cbor", HttpRequest("POST", f"{CW}/Nope", "", CBOR, b""), 404,
     "UnknownOperationException"),
]


@pytest.mark.parametrize(("service", "protocol", "request_", "status", "code"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[4]}-{i}" for i, c in enumerate(CASES)])
def test_bad_request_gets_the_aws_error(
    service: str, protocol: str, request_: HttpRequest, status: int, code: str
) -> None:
    response = answer(service, protocol, request_)
    operation = oracle_operation(service, protocol, sorted(service_model(service).operation_names)[0])
    error = botocore_parse(protocol, operation, response, error=True)["Error"]
    assert (response.status, error["Code"]) == (status, code), response.body
    assert error["Message"]


def test_a_well_formed_request_the_face_lacks_is_named_not_implemented() -> None:
    request = HttpRequest("POST", "/", "", FORM, b"Action=ListTopics")
    response = answer("sns", "query", request)
    assert response.status == 501
    assert b"ListTopics" in response.body


def test_query_services_name_constraint_failures_as_they_do() -> None:
    """IAM and STS say ValidationError (their extras data); the wording is the model's."""
    for service, body in (("iam", b"Action=GetUser&UserName="), ("sts", b"Action=AssumeRole&RoleArn=a")):
        response = answer(service, "query", HttpRequest("POST", "/", "", FORM, body))
        operation = oracle_operation(service, "query", sorted(service_model(service).operation_names)[0])
        error = botocore_parse("query", operation, response, error=True)["Error"]
        assert (response.status, error["Code"]) == (400, "ValidationError"), response.body
        assert "validation error" in error["Message"]


def test_sqs_names_a_missing_parameter_as_it_does() -> None:
    response = answer("sqs", "query", HttpRequest("POST", "/", "", FORM, b"Action=SendMessage&QueueUrl=q"))
    error = botocore_parse("query", oracle_operation("sqs", "query", "SendMessage"), response, error=True)["Error"]
    assert error["Message"] == "The request must contain the parameter MessageBody."
