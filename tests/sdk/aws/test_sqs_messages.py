"""SQS messages through boto3, in both wire protocols: send, receive, delete, visibility, delays,
batches, digests, system attributes, long polling; and bad input that leaves the queue as it was."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import pytest

from tests.sdk.aws.test_sqs_queues import attributes, error_of


def receive(sqs: Any, url: str, **kwargs: Any) -> list[dict[str, Any]]:
    kwargs.setdefault("MaxNumberOfMessages", 10)
    return sqs.receive_message(QueueUrl=url, **kwargs).get("Messages", [])


def counts(sqs: Any, url: str) -> tuple[int, int, int]:
    got = attributes(sqs, url)
    return (int(got["ApproximateNumberOfMessages"]), int(got["ApproximateNumberOfMessagesNotVisible"]),
            int(got["ApproximateNumberOfMessagesDelayed"]))


def test_send_receive_delete_with_digests(sqs, make_queue):
    url = make_queue()
    sent = sqs.send_message(QueueUrl=url, MessageBody="Sample content.", MessageAttributes={
        "sample-attribute": {"DataType": "String", "StringValue": "sample-value"}})
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"Sample content.").hexdigest()
    assert sent["MD5OfMessageAttributes"] == "7c815262be77a62f56671125069ca888"  # as AWS computes it
    [message] = receive(sqs, url, MessageAttributeNames=["All"])
    assert (message["MessageId"], message["Body"]) == (sent["MessageId"], "Sample content.")
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert message["MessageAttributes"] == {"sample-attribute": {"DataType": "String", "StringValue": "sample-value"}}
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert counts(sqs, url) == (0, 0, 0)


def test_binary_number_and_custom_typed_attributes_round_trip(sqs, make_queue):
    url = make_queue()
    given = {"blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
             "price": {"DataType": "Number.float", "StringValue": "12.50"},
             "route.a": {"DataType": "String", "StringValue": "x"}, "route.b": {"DataType": "String", "StringValue": "y"}}
    sent = sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=given)
    [message] = receive(sqs, url, MessageAttributeNames=["All"], VisibilityTimeout=0)
    assert message["MessageAttributes"] == given and message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    [some] = receive(sqs, url, MessageAttributeNames=["route.*"])
    assert set(some["MessageAttributes"]) == {"route.a", "route.b"}


def test_system_attributes_and_receive_count(sqs, make_queue, server):
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageSystemAttributes={
        "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}})
    legacy = sqs.meta.service_model.protocol == "query"  # the legacy model knows only AttributeNames
    [first] = receive(sqs, url, **{"AttributeNames" if legacy else "MessageSystemAttributeNames": ["All"]})
    assert first["Attributes"]["ApproximateReceiveCount"] == "1"
    assert first["Attributes"]["AWSTraceHeader"].startswith("Root=1-")
    assert int(first["Attributes"]["SentTimestamp"]) <= int(first["Attributes"]["ApproximateFirstReceiveTimestamp"])
    assert "SenderId" in first["Attributes"]
    server.advance_clock(31)
    [second] = receive(sqs, url, AttributeNames=["ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"])
    assert second["Attributes"] == {"ApproximateReceiveCount": "2", "ApproximateFirstReceiveTimestamp":
                                    first["Attributes"]["ApproximateFirstReceiveTimestamp"]}
    assert second["ReceiptHandle"] != first["ReceiptHandle"]


def test_visibility_timeout_hides_then_returns(sqs, make_queue, server):
    url = make_queue(VisibilityTimeout="60")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url)
    assert receive(sqs, url) == [] and counts(sqs, url) == (0, 1, 0)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    [again] = receive(sqs, url, VisibilityTimeout=5)
    server.advance_clock(6)
    assert [m["MessageId"] for m in receive(sqs, url)] == [again["MessageId"]]


def test_delays_per_queue_and_per_message(sqs, make_queue, server):
    url = make_queue(DelaySeconds="20")
    sqs.send_message(QueueUrl=url, MessageBody="queue delay")
    sqs.send_message(QueueUrl=url, MessageBody="no delay", DelaySeconds=0)
    assert [m["Body"] for m in receive(sqs, url)] == ["no delay"]
    assert counts(sqs, url) == (0, 1, 1)
    server.advance_clock(21)
    assert [m["Body"] for m in receive(sqs, url)] == ["queue delay"]


def test_batches(sqs, make_queue):
    url = make_queue()
    sent = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": f"m{i}", "MessageBody": f"body {i}"} for i in range(10)])
    assert sorted(e["Id"] for e in sent["Successful"]) == sorted(f"m{i}" for i in range(10))
    messages = receive(sqs, url)
    assert len(messages) == 10
    changed = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "ok", "ReceiptHandle": messages[0]["ReceiptHandle"], "VisibilityTimeout": 0},
        {"Id": "forged", "ReceiptHandle": "forged", "VisibilityTimeout": 0}])
    assert [e["Id"] for e in changed["Successful"]] == ["ok"]
    assert [(e["Id"], e["Code"]) for e in changed["Failed"]] == [("forged", "ReceiptHandleIsInvalid")]
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
    assert len(deleted["Successful"]) == 10
    assert counts(sqs, url) == (0, 0, 0)


def test_batch_rules(sqs, make_queue):
    url = make_queue()
    entries = [{"Id": f"m{i}", "MessageBody": "x"} for i in range(11)]
    assert error_of(sqs.send_message_batch, QueueUrl=url, Entries=entries)["Code"] == \
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
    assert error_of(sqs.send_message_batch, QueueUrl=url, Entries=[entries[0], entries[0]])["Code"] == \
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    assert error_of(sqs.send_message_batch, QueueUrl=url, Entries=[{"Id": "a b", "MessageBody": "x"}])["Code"] == \
        "AWS.SimpleQueueService.InvalidBatchEntryId"
    assert error_of(sqs.send_message_batch, QueueUrl=url, Entries=[])["Code"] == \
        "AWS.SimpleQueueService.EmptyBatchRequest"
    big = "x" * (600 * 1024)
    assert error_of(sqs.send_message_batch, QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": big}, {"Id": "b", "MessageBody": big}])["Code"] == \
        "AWS.SimpleQueueService.BatchRequestTooLong"
    partial = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "good", "MessageBody": "x"}, {"Id": "bad", "MessageBody": "\x00"}])
    assert [e["Id"] for e in partial["Successful"]] == ["good"]
    assert [(e["Id"], e["Code"], e["SenderFault"]) for e in partial["Failed"]] == [
        ("bad", "InvalidMessageContents", True)]
    assert counts(sqs, url) == (1, 0, 0)


def test_long_polling_returns_as_soon_as_a_message_arrives(sqs, sqs_json, make_queue):
    url = make_queue()
    sender = threading.Timer(0.5, lambda: sqs_json.send_message(QueueUrl=url, MessageBody="arrived"))
    sender.start()
    try:
        messages = receive(sqs, url, WaitTimeSeconds=20)
    finally:
        sender.join()
    assert [m["Body"] for m in messages] == ["arrived"]


def test_long_polling_with_the_queue_default_wait_and_nothing_to_get(sqs, make_queue):
    url = make_queue(ReceiveMessageWaitTimeSeconds="1")
    assert receive(sqs, url) == []


def test_long_poll_wakes_when_a_visibility_timeout_ends(sqs, sqs_json, make_queue):
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="retry me")
    [held] = receive(sqs, url, VisibilityTimeout=1)
    again = receive(sqs, url, WaitTimeSeconds=20)
    assert [m["MessageId"] for m in again] == [held["MessageId"]]


# -- bad input: AWS's errors, nothing stored is touched -----------------------------------------
def test_message_size_limit(sqs, make_queue):
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x" * (1024 * 1024))
    error = error_of(sqs.send_message, QueueUrl=url, MessageBody="x" * (1024 * 1024 + 1))
    assert error["Code"] == "InvalidParameterValue" and "1048576 bytes" in error["Message"]
    small = make_queue(MaximumMessageSize="1024")
    error = error_of(sqs.send_message, QueueUrl=small, MessageBody="x" * 1000, MessageAttributes={
        "a": {"DataType": "String", "StringValue": "y" * 30}})
    assert error["Code"] == "InvalidParameterValue"
    assert counts(sqs, url) == (1, 0, 0) and counts(sqs, small) == (0, 0, 0)


@pytest.mark.parametrize("body", ["\x00", "ok\x08", "\ufffe", "\x1f"])
def test_characters_outside_the_allowed_ranges(sqs, make_queue, body):
    url = make_queue()
    error = error_of(sqs.send_message, QueueUrl=url, MessageBody=body)
    assert error["Code"] == "InvalidMessageContents" and "#x9 | #xA | #xD" in error["Message"]
    sqs.send_message(QueueUrl=url, MessageBody="tab\tnewline\nemoji \U0001f600 \ud7ff")
    assert counts(sqs, url) == (1, 0, 0)


@pytest.mark.parametrize("attributes", [
    {"a": {"DataType": "String"}},
    {"a": {"DataType": "Colour", "StringValue": "x"}},
    {"a": {"DataType": "Number", "StringValue": "ten"}},
    {"AWS.reserved": {"DataType": "String", "StringValue": "x"}},
    {"a..b": {"DataType": "String", "StringValue": "x"}},
    {f"a{i}": {"DataType": "String", "StringValue": "x"} for i in range(11)},
])
def test_bad_message_attributes(sqs, make_queue, attributes):
    url = make_queue()
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x", MessageAttributes=attributes)["Code"] == \
        "InvalidParameterValue"
    assert counts(sqs, url) == (0, 0, 0)


def test_receipt_handles_forged_foreign_or_expired(sqs, make_queue, server):
    url, other = make_queue(), make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url, VisibilityTimeout=10)
    handle = message["ReceiptHandle"]
    for bad in ("forged", handle[:-4] + "AAAA"):
        assert error_of(sqs.delete_message, QueueUrl=url, ReceiptHandle=bad)["Code"] == "ReceiptHandleIsInvalid"
    assert error_of(sqs.delete_message, QueueUrl=other, ReceiptHandle=handle)["Code"] == "ReceiptHandleIsInvalid"
    server.advance_clock(11)
    error = error_of(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=5)
    assert error["Code"] == "InvalidParameterValue" and "ReceiptHandle" in error["Message"]
    assert counts(sqs, url) == (1, 0, 0)


@pytest.mark.parametrize("kwargs", [{"MaxNumberOfMessages": 11}, {"MaxNumberOfMessages": 0},
                                    {"WaitTimeSeconds": 21}, {"VisibilityTimeout": 43201}])
def test_receive_parameter_ranges(sqs, make_queue, kwargs):
    assert error_of(sqs.receive_message, QueueUrl=make_queue(), **kwargs)["Code"] == "InvalidParameterValue"


def test_delay_and_visibility_ranges(sqs, make_queue):
    url = make_queue()
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x", DelaySeconds=901)["Code"] == \
        "InvalidParameterValue"
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url)
    assert error_of(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=43201)["Code"] == "InvalidParameterValue"
    assert counts(sqs, url) == (0, 1, 0)


def test_the_legacy_query_wire_names(server, sqs_json, unique_name):
    """What pre-2023 SDKs send (Attribute.N.Name/Value, MessageAttribute.N.*) and read (<Message>, <Attribute>)."""
    import requests

    url = sqs_json.create_queue(QueueName=unique_name)["QueueUrl"]
    auth = "AWS4-HMAC-SHA256 Credential=test/20261204/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"

    def post(action, **form):
        answer = requests.post(server.endpoint, data={"Action": action, "Version": "2012-11-05", "QueueUrl": url,
                                                      **form}, headers={"Authorization": auth}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.text

    post("SetQueueAttributes", **{"Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "7"})
    assert attributes(sqs_json, url, "VisibilityTimeout")["VisibilityTimeout"] == "7"
    post("SendMessage", MessageBody="hi", **{"MessageAttribute.1.Name": "color", "MessageAttribute.1.Value.DataType":
                                             "String", "MessageAttribute.1.Value.StringValue": "blue"})
    received = post("ReceiveMessage", **{"AttributeName.1": "SenderId", "MessageAttributeName.1": "All"})
    assert "<Message><MessageId>" in received and "<Body>hi</Body>" in received
    assert "<Attribute><Name>SenderId</Name><Value>" in received
    assert "<MessageAttribute><Name>color</Name><Value><StringValue>blue</StringValue>" in received
    missing = requests.post(server.endpoint, data={"Action": "SendMessage", "QueueUrl": url},
                            headers={"Authorization": auth}, timeout=10)
    assert missing.status_code == 400 and "<Code>MissingParameter</Code>" in missing.text
    assert "The request must contain the parameter MessageBody." in missing.text


def test_the_queue_url_may_be_the_request_path(server, sqs_json, unique_name):
    """aws-sdk-java v1 posts to the queue URL itself and leaves QueueUrl out of the form."""
    import requests

    url = sqs_json.create_queue(QueueName=unique_name)["QueueUrl"]
    auth = "AWS4-HMAC-SHA256 Credential=test/20261204/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"
    sent = requests.post(url, data={"Action": "SendMessage", "Version": "2012-11-05", "MessageBody": "hi"},
                         headers={"Authorization": auth}, timeout=10)
    assert sent.status_code == 200, sent.text
    assert [m["Body"] for m in receive(sqs_json, url)] == ["hi"]
