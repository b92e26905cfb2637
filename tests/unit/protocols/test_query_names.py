"""Legacy query names: ``queryName`` names a member on the query wire only, in both directions.

SQS's JSON-first model cannot rename ``Attributes`` to the legacy query's ``Attribute`` with
``locationName`` (JSON would be renamed too); a ``queryName`` in cloudtwin's extras data can.
"""

from __future__ import annotations

from botocore.model import ServiceModel

from cloudtwin.protocols.aws.wire import wire_protocol
from cloudtwin.protocols.http import HttpRequest
from tests.unit.protocols.cases import model_data

FORM = {"content-type": "application/x-www-form-urlencoded"}


def _legacy_sqs() -> ServiceModel:
    data = model_data("sqs", "json")
    shapes = data["shapes"]
    shapes["QueueAttributeMap"]["key"]["locationName"] = "Name"
    shapes["QueueAttributeMap"]["value"]["locationName"] = "Value"
    shapes["AttributeNameList"]["member"]["locationName"] = "AttributeName"
    shapes["CreateQueueRequest"]["members"]["Attributes"]["queryName"] = "Attribute"
    shapes["GetQueueAttributesResult"]["members"]["Attributes"]["queryName"] = "Attribute"
    return ServiceModel(data, service_name="sqs")


SQS = _legacy_sqs()


def test_the_legacy_name_and_the_model_name_are_both_read() -> None:
    create = SQS.operation_model("CreateQueue")
    for body in (b"Action=CreateQueue&QueueName=q&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5",
                 b"Action=CreateQueue&QueueName=q&Attributes.1.Name=DelaySeconds&Attributes.1.Value=5"):
        params = wire_protocol("query").parse(HttpRequest("POST", "/", "", FORM, body), create)
        assert params == {"QueueName": "q", "Attributes": {"DelaySeconds": "5"}}
    names = wire_protocol("query").parse(
        HttpRequest("POST", "/", "", FORM, b"Action=GetQueueAttributes&QueueUrl=u&AttributeName.1=All"),
        SQS.operation_model("GetQueueAttributes"),
    )
    assert names == {"QueueUrl": "u", "AttributeNames": ["All"]}


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
