"""rest-json / rest-xml routing and the params outside the body, case by case."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cloudtwin.protocols.aws.models import service_model
from cloudtwin.protocols.aws.wire import wire_protocol
from cloudtwin.protocols.http import HttpRequest

S3 = service_model("s3")
LAMBDA = service_model("lambda")


@pytest.mark.parametrize(("method", "path", "query", "headers", "operation"), [
    ("PUT", "/b/k", "", {}, "PutObject"),
    ("PUT", "/b/k", "", {"x-amz-copy-source": "src/k"}, "CopyObject"),
    ("PUT", "/b/k", "partNumber=1&uploadId=u", {}, "UploadPart"),
    ("PUT", "/b/k", "partNumber=1&uploadId=u", {"x-amz-copy-source": "src/k"}, "UploadPartCopy"),
    ("DELETE", "/b/k", "uploadId=u", {}, "AbortMultipartUpload"),
    ("DELETE", "/b/k", "", {}, "DeleteObject"),
    ("GET", "/b/k", "uploadId=u", {}, "ListParts"),
    ("GET", "/b", "", {}, "ListObjects"),
    ("GET", "/b/", "", {}, "ListObjects"),
    ("GET", "/b", "list-type=2", {}, "ListObjectsV2"),
    ("GET", "/b", "versions", {}, "ListObjectVersions"),
    ("GET", "/b", "acl", {}, "GetBucketAcl"),
    ("GET", "/b/a/k", "acl", {}, "GetObjectAcl"),
    ("POST", "/b/k", "uploads", {}, "CreateMultipartUpload"),
    ("POST", "/b", "delete", {}, "DeleteObjects"),
    ("HEAD", "/b", "", {}, "HeadBucket"),
    ("GET", "/", "", {}, "ListBuckets"),
])
def test_s3_routes(method: str, path: str, query: str, headers: dict[str, str], operation: str) -> None:
    assert wire_protocol("rest-xml").operation_name(HttpRequest(method, path, query, headers), S3) == operation


@pytest.mark.parametrize(("method", "path", "operation"), [
    ("GET", "/2015-03-31/functions/", "ListFunctions"),
    ("GET", "/2015-03-31/functions", "ListFunctions"),
    ("GET", "/2015-03-31/functions/my-fn", "GetFunction"),
    ("GET", "/2015-03-31/functions/my-fn/configuration", "GetFunctionConfiguration"),
    ("POST", "/2015-03-31/functions/my-fn/invocations", "Invoke"),
    ("GET", "/2018-10-31/layers", "ListLayers"),
    ("PUT", "/2015-03-31/functions/my-fn", None),
])
def test_lambda_routes(method: str, path: str, operation: str | None) -> None:
    assert wire_protocol("rest-json").operation_name(HttpRequest(method, path, "", {}), LAMBDA) == operation


def test_labels_are_percent_decoded_and_greedy_labels_keep_their_slashes() -> None:
    request = HttpRequest("GET", "/my%20bucket/a%2Fb/c%20d.txt", "", {})
    params = wire_protocol("rest-xml").parse(request, S3.operation_model("GetObject"))
    assert (params["Bucket"], params["Key"]) == ("my bucket", "a/b/c d.txt")


def test_a_face_supplies_the_bucket_of_a_virtual_hosted_request_by_rewriting_the_path() -> None:
    request = HttpRequest("GET", "/photos/cat.jpg", "", {"host": "media.s3.localhost.localstack.cloud:4566"})
    rewritten = replace(request, raw_path="/media" + request.raw_path)
    assert wire_protocol("rest-xml").operation_name(rewritten, S3) == "GetObject"
    params = wire_protocol("rest-xml").parse(rewritten, S3.operation_model("GetObject"))
    assert (params["Bucket"], params["Key"]) == ("media", "photos/cat.jpg")


def test_headers_prefix_maps_lists_and_timestamps() -> None:
    request = HttpRequest("PUT", "/b/k", "", {
        "x-amz-meta-color": "blue", "x-amz-meta-size": "L", "content-length": "3",
        "expires": "Wed, 21 Oct 2015 07:28:00 GMT", "x-amz-object-lock-legal-hold": "ON",
    }, b"abc")
    params = wire_protocol("rest-xml").parse(request, S3.operation_model("PutObject"))
    assert params["Metadata"] == {"color": "blue", "size": "L"}
    assert params["ContentLength"] == 3 and params["Body"] == b"abc"
    assert params["Expires"].isoformat() == "2015-10-21T07:28:00+00:00"
    attributes = HttpRequest("GET", "/b/k", "attributes", {"x-amz-object-attributes": 'ETag, "Odd,Name", Checksum'})
    parsed = wire_protocol("rest-xml").parse(attributes, S3.operation_model("GetObjectAttributes"))
    assert parsed["ObjectAttributes"] == ["ETag", "Odd,Name", "Checksum"]


def test_querystring_lists_and_booleans() -> None:
    request = HttpRequest("DELETE", "/2017-03-31/tags/arn%3Aaws%3Alambda%3Ax", "tagKeys=a&tagKeys=b", {})
    params = wire_protocol("rest-json").parse(request, LAMBDA.operation_model("UntagResource"))
    assert params == {"Resource": "arn:aws:lambda:x", "TagKeys": ["a", "b"]}


def test_a_querystring_map_takes_the_params_no_member_claims() -> None:
    apigateway = service_model("apigateway")
    request = HttpRequest("GET", "/restapis/api1/stages/prod/exports/swagger", "extensions=postman&x=1",
                          {"accept": "application/yaml"})
    assert wire_protocol("rest-json").operation_name(request, apigateway) == "GetExport"
    params = wire_protocol("rest-json").parse(request, apigateway.operation_model("GetExport"))
    assert params == {"restApiId": "api1", "stageName": "prod", "exportType": "swagger",
                      "parameters": {"extensions": "postman", "x": "1"}, "accepts": "application/yaml"}


def test_s3_results_are_rooted_where_s3_roots_them() -> None:
    """Root element names come from cloudtwin's extras data (botocore's model lacks S3's @xmlName)."""
    response = wire_protocol("rest-xml").serialize(S3.operation_model("ListObjectsV2"), {"Name": "b", "KeyCount": 0}, "r")
    assert response.body.endswith(
        b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><KeyCount>0</KeyCount>'
        b"</ListBucketResult>"
    )
    assert response.header("x-amz-request-id") == "r"
