"""Real botocore clients, in every protocol, against faces run by the runner (no server, no sockets).

A ``before-send`` hook hands botocore's prepared request to ``Face.handle`` and its answer back,
so everything between the client's serializer and its parser is ours. SQS over query and
CloudWatch over cbor/json/query use a copy of the service's model that names that protocol, laid
in a data path the client's loader searches first (current botocore speaks only JSON to SQS,
and picks JSON for CloudWatch).
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import botocore.session
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HeadersDict
from botocore.config import Config

from cloudtwin.aws._face import Face, Operations
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.http import HttpRequest
from tests.unit.protocols.cases import model_data
from tests.unit.protocols.faces import CONTEXT


class _Raw(io.BytesIO):
    def stream(self, **_: Any) -> Any:
        yield self.getvalue()


def client(service: str, operations: Operations, tmp_path: Path, protocol: str | None = None) -> Any:
    session = botocore.session.get_session()
    if protocol is not None:
        data = model_data(service, protocol)
        folder = tmp_path / service / data["metadata"]["apiVersion"]
        folder.mkdir(parents=True)
        (folder / "service-2.json").write_text(json.dumps(data))
        session.get_component("data_loader").search_paths.insert(0, str(tmp_path))
    made = session.create_client(
        service, region_name="us-east-1", endpoint_url="http://127.0.0.1:4566", aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}, request_checksum_calculation="when_required"),
    )
    speaks = made.meta.service_model.resolved_protocol
    face = Face(service, operations, protocols=(speaks,))

    def send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        url = urlsplit(request.url)
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body if isinstance(body, bytes) else body.read()
        headers = {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        answer = face.handle(None, CONTEXT, HttpRequest(request.method, url.path, url.query, headers, body), speaks)
        return AWSResponse(request.url, answer.status, HeadersDict(answer.headers), _Raw(answer.body))

    made.meta.events.register("before-send", send)
    return made


def _sqs_operations() -> Operations:
    operations = Operations()

    @operations.operation("SendMessage")
    def send_message(env: Any, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        if params["QueueUrl"].endswith("/missing"):
            raise AwsError("QueueDoesNotExist", "The specified queue does not exist.")
        return {"MessageId": "m-1", "MD5OfMessageBody": params["MessageBody"][::-1]}

    @operations.operation("GetQueueAttributes")
    def get_queue_attributes(env: Any, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        return {"Attributes": {name: "1" for name in params["AttributeNames"]}}

    return operations


@pytest.mark.parametrize("protocol", [None, "query"])
def test_sqs_in_json_and_query(tmp_path: Path, protocol: str | None) -> None:
    sqs = client("sqs", _sqs_operations(), tmp_path, protocol)
    sent = sqs.send_message(QueueUrl="http://q/000000000000/orders", MessageBody="hello")
    assert (sent["MessageId"], sent["MD5OfMessageBody"]) == ("m-1", "olleh")
    attributes = sqs.get_queue_attributes(QueueUrl="u", AttributeNames=["DelaySeconds", "VisibilityTimeout"])
    assert attributes["Attributes"] == {"DelaySeconds": "1", "VisibilityTimeout": "1"}
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as raised:
        sqs.send_message(QueueUrl="http://q/000000000000/missing", MessageBody="x")
    assert raised.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"


@pytest.mark.parametrize("protocol", ["smithy-rpc-v2-cbor", "json", "query"])
def test_cloudwatch_in_cbor_json_and_query(tmp_path: Path, protocol: str | None) -> None:
    operations = Operations()

    @operations.operation("GetMetricStatistics")
    def get_metric_statistics(env: Any, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        if params["Namespace"] == "missing":
            raise AwsError("InvalidParameterValueException", "no such namespace")
        return {"Label": params["MetricName"],
                "Datapoints": [{"Timestamp": params["StartTime"], "Sum": 2.5, "Unit": "Count"}]}

    cloudwatch = client("cloudwatch", operations, tmp_path, protocol)
    start = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    got = cloudwatch.get_metric_statistics(Namespace="app", MetricName="orders", StartTime=start, EndTime=start,
                                           Period=60, Statistics=["Sum"])
    assert got["Label"] == "orders"
    assert got["Datapoints"][0]["Sum"] == 2.5 and got["Datapoints"][0]["Timestamp"] == start
    with pytest.raises(cloudwatch.exceptions.InvalidParameterValueException) as raised:
        cloudwatch.get_metric_statistics(Namespace="missing", MetricName="m", StartTime=start, EndTime=start,
                                         Period=60, Statistics=["Sum"])
    assert raised.value.response["Error"]["Message"] == "no such namespace"


def test_s3_objects_metadata_and_errors(tmp_path: Path) -> None:
    objects: dict[str, tuple[bytes, dict[str, str]]] = {}
    operations = Operations()

    @operations.operation("PutObject")
    def put_object(env: Any, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        objects[params["Key"]] = (params.get("Body", b""), params.get("Metadata", {}))
        return {"ETag": '"etag-1"'}

    @operations.operation("GetObject")
    def get_object(env: Any, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        if params["Key"] not in objects:
            raise AwsError("NoSuchKey", "The specified key does not exist.", 404, fields={"Key": params["Key"]})
        body, metadata = objects[params["Key"]]
        return {"Body": body, "Metadata": metadata, "ContentLength": len(body), "ETag": '"etag-1"'}

    @operations.operation("GetBucketLocation")
    def get_bucket_location(env: Any, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        return {"LocationConstraint": None if params["Bucket"] == "home" else "eu-west-1"}

    s3 = client("s3", operations, tmp_path)
    assert s3.get_bucket_location(Bucket="b")["LocationConstraint"] == "eu-west-1"
    assert s3.get_bucket_location(Bucket="home")["LocationConstraint"] is None
    assert s3.put_object(Bucket="b", Key="dir/a b.txt", Body=b"\x00\xffdata", Metadata={"owner": "ana"})["ETag"]
    got = s3.get_object(Bucket="b", Key="dir/a b.txt")
    assert got["Body"].read() == b"\x00\xffdata" and got["Metadata"] == {"owner": "ana"}
    with pytest.raises(s3.exceptions.NoSuchKey) as raised:
        s3.get_object(Bucket="b", Key="nope")
    assert raised.value.response["Error"]["Key"] == "nope"


def test_lambda_invoke_and_errors(tmp_path: Path) -> None:
    operations = Operations()

    @operations.operation("Invoke")
    def invoke(env: Any, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        if params["FunctionName"] == "missing":
            raise AwsError("ResourceNotFoundException", "Function not found: missing", 404)
        return {"StatusCode": 200, "Payload": params["Payload"][::-1], "ExecutedVersion": "$LATEST"}

    lam = client("lambda", operations, tmp_path)
    got = lam.invoke(FunctionName="fn", Payload=b'{"a": 1}')
    assert (got["StatusCode"], got["Payload"].read(), got["ExecutedVersion"]) == (200, b'}1 :"a"{', "$LATEST")
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.invoke(FunctionName="missing")


def test_sns_over_query(tmp_path: Path) -> None:
    operations = Operations()

    @operations.operation("CreateTopic")
    def create_topic(env: Any, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("Attributes", {}).get("FifoTopic") == "maybe":
            raise AwsError("InvalidParameterException", "FifoTopic must be true or false")
        return {"TopicArn": f"arn:aws:sns:us-east-1:000000000000:{params['Name']}"}

    sns = client("sns", operations, tmp_path)
    assert sns.create_topic(Name="orders", Tags=[{"Key": "k", "Value": "v"}])["TopicArn"].endswith(":orders")
    with pytest.raises(sns.exceptions.InvalidParameterException) as raised:
        sns.create_topic(Name="orders", Attributes={"FifoTopic": "maybe"})
    assert raised.value.response["Error"]["Code"] == "InvalidParameter"
