"""Legacy query names: ``queryName`` names a member on the query wire only, in both directions.

SQS's JSON-first model cannot rename ``Attributes`` to the legacy query's ``Attribute`` with
``locationName`` (JSON would be renamed too); the ``queryName``s in cloudtwin's SQS extras can.
"""

from __future__ import annotations

from cloudtwin.protocols.aws.models import service_model
from cloudtwin.protocols.aws.wire import wire_protocol
from cloudtwin.protocols.http import HttpRequest

FORM = {"content-type": "application/x-www-form-urlencoded"}
SQS = service_model("sqs")


def _parse(operation: str, body: bytes) -> dict[str, object]:
    return wire_protocol("query").parse(HttpRequest("POST", "/", "", FORM, body), SQS.operation_model(operation))


def test_the_legacy_name_and_the_model_name_are_both_read() -> None:
    for body in (b"Action=CreateQueue&QueueName=q&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5",
                 b"Action=CreateQueue&QueueName=q&Attributes.1.Name=DelaySeconds&Attributes.1.Value=5"):
        assert _parse("CreateQueue", body) == {"QueueName": "q", "Attributes": {"DelaySeconds": "5"}}
    names = _parse("GetQueueAttributes", b"Action=GetQueueAttributes&QueueUrl=u&AttributeName.1=All")
    assert names == {"QueueUrl": "u", "AttributeNames": ["All"]}


def test_an_empty_flattened_list_is_read_under_its_member_name() -> None:
    assert _parse("SendMessageBatch", b"Action=SendMessageBatch&QueueUrl=u&Entries=") == {"QueueUrl": "u", "Entries": []}


def test_results_use_the_legacy_element_names() -> None:
    response = wire_protocol("query").serialize(
        SQS.operation_model("GetQueueAttributes"), {"Attributes": {"DelaySeconds": "5"}}, "r-1"
    )
    assert b"<GetQueueAttributesResult><Attribute><Name>DelaySeconds</Name><Value>5</Value></Attribute>" in response.body


def test_json_ignores_query_names() -> None:
    create = SQS.operation_model("CreateQueue")
    request = HttpRequest("POST", "/", "", {"x-amz-target": "AmazonSQS.CreateQueue"},
                          b'{"QueueName": "q", "Attributes": {"DelaySeconds": "5"}}')
    assert wire_protocol("json").parse(request, create) == {"QueueName": "q", "Attributes": {"DelaySeconds": "5"}}
    result = wire_protocol("json").serialize(SQS.operation_model("ReceiveMessage"), {"Messages": [{"Body": "b"}]}, "r")
    assert result.body == b'{"Messages":[{"Body":"b"}]}'


def test_the_request_path_stands_for_a_missing_queue_url() -> None:
    """aws-sdk-java v1 posts to the queue URL itself (the extras' cloudtwinQueryPathMember)."""
    send = SQS.operation_model("SendMessage")
    params = wire_protocol("query").parse(
        HttpRequest("POST", "/000000000000/q", "", FORM, b"Action=SendMessage&MessageBody=b"), send)
    assert params == {"MessageBody": "b", "QueueUrl": "/000000000000/q"}
    named = HttpRequest("POST", "/000000000000/q", "", FORM, b"Action=SendMessage&MessageBody=b&QueueUrl=u")
    assert wire_protocol("query").parse(named, send)["QueueUrl"] == "u"
    listed = HttpRequest("POST", "/000000000000/q", "", FORM, b"Action=ListQueues")
    assert wire_protocol("query").parse(listed, SQS.operation_model("ListQueues")) == {}
