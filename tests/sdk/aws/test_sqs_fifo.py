"""SQS FIFO queues and dead-letter queues through boto3, in both wire protocols: order per
group, one group in flight, dedup within 5 minutes on the clock, FIFO rules both ways, receive
attempt ids; dead-lettering after maxReceiveCount and redrive back with move tasks."""

from __future__ import annotations

import json
from typing import Any

from tests.sdk.aws.test_sqs_messages import counts, receive
from tests.sdk.aws.test_sqs_queues import attributes, error_of


def send(sqs: Any, url: str, body: str, group: str = "g", dedup: str | None = None, **kwargs: Any) -> dict[str, Any]:
    if dedup is not None:
        kwargs["MessageDeduplicationId"] = dedup
    return sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group, **kwargs)


def test_order_within_a_group_and_one_group_in_flight(sqs, make_queue, server):
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    numbers = [int(send(sqs, url, f"a{i}", "a")["SequenceNumber"]) for i in range(4)]
    assert numbers == sorted(numbers)
    send(sqs, url, "b0", "b")
    first = receive(sqs, url, MaxNumberOfMessages=2, AttributeNames=["All"])
    assert [m["Body"] for m in first] == ["a0", "a1"]
    assert first[0]["Attributes"]["MessageGroupId"] == "a" and "SequenceNumber" in first[0]["Attributes"]
    assert [m["Body"] for m in receive(sqs, url)] == ["b0"]
    assert receive(sqs, url) == []  # group a is in flight
    for message in first:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert [m["Body"] for m in receive(sqs, url)] == ["a2", "a3"]


def test_a_failed_step_comes_back_first_in_its_group(sqs, make_queue, server):
    url = make_queue(fifo=True, VisibilityTimeout="10")
    for i in range(3):
        send(sqs, url, f"step{i}", "order-1", dedup=f"step{i}")
    [step0] = receive(sqs, url, MaxNumberOfMessages=1)
    assert step0["Body"] == "step0"
    server.advance_clock(11)
    assert [m["Body"] for m in receive(sqs, url)] == ["step0", "step1", "step2"]


def test_dedup_within_five_minutes_on_the_clock(sqs, make_queue, server):
    url = make_queue(fifo=True)
    one = send(sqs, url, "charge card", dedup="order-7")
    two = send(sqs, url, "charge card again", dedup="order-7")
    assert two["MessageId"] == one["MessageId"] and two["SequenceNumber"] == one["SequenceNumber"]
    assert counts(sqs, url) == (1, 0, 0)
    server.advance_clock(301)
    assert send(sqs, url, "charge card", dedup="order-7")["MessageId"] != one["MessageId"]
    assert counts(sqs, url) == (2, 0, 0)


def test_content_based_dedup(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    assert send(sqs, url, "same")["MessageId"] == send(sqs, url, "same")["MessageId"]
    [message] = receive(sqs, url, AttributeNames=["MessageDeduplicationId"])
    assert len(message["Attributes"]["MessageDeduplicationId"]) == 64  # SHA-256 of the body


def test_fifo_rules_both_ways(sqs, make_queue):
    fifo, standard = make_queue(fifo=True), make_queue()
    assert error_of(sqs.send_message, QueueUrl=fifo, MessageBody="x")["Code"] == "MissingParameter"
    assert error_of(send, sqs, fifo, "x")["Code"] == "InvalidParameterValue"  # no dedup id, no content dedup
    assert error_of(send, sqs, fifo, "x", dedup="d", DelaySeconds=5)["Code"] == "InvalidParameterValue"
    assert error_of(sqs.send_message, QueueUrl=standard, MessageBody="x",
                    MessageDeduplicationId="d")["Code"] == "InvalidParameterValue"
    assert error_of(send, sqs, fifo, "x", group="bad group \u00e9", dedup="d")["Code"] == "InvalidParameterValue"
    assert counts(sqs, fifo) == (0, 0, 0) and counts(sqs, standard) == (0, 0, 0)


def test_receive_request_attempt_id_returns_the_same_messages(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    send(sqs, url, "x")
    first = receive(sqs, url, ReceiveRequestAttemptId="attempt-1")
    again = receive(sqs, url, ReceiveRequestAttemptId="attempt-1")
    assert [m["ReceiptHandle"] for m in again] == [m["ReceiptHandle"] for m in first] and first


def _dead_letter_pair(sqs: Any, make_queue: Any, fifo: bool = False, max_receives: int = 2) -> tuple[str, str, str]:
    dlq = make_queue(fifo=fifo) if fifo else make_queue()
    dlq_arn = attributes(sqs, dlq, "QueueArn")["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receives})
    extra = {"ContentBasedDeduplication": "true"} if fifo else {}
    source = make_queue(fifo=fifo, VisibilityTimeout="5", RedrivePolicy=policy, **extra)
    return source, dlq, dlq_arn


def test_poison_message_goes_to_the_dead_letter_queue_and_back(sqs, make_queue, server):
    source, dlq, dlq_arn = _dead_letter_pair(sqs, make_queue)
    sent = sqs.send_message(QueueUrl=source, MessageBody="poison")
    for _ in range(2):
        assert [m["Body"] for m in receive(sqs, source)] == ["poison"]
        server.advance_clock(6)
    assert receive(sqs, source) == []
    [dead] = receive(sqs, dlq, AttributeNames=["All"], VisibilityTimeout=0)
    assert dead["MessageId"] == sent["MessageId"]
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == attributes(sqs, source, "QueueArn")["QueueArn"]
    handle = sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    server.advance_clock(1)
    [task] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert (task["TaskHandle"], task["Status"], task["ApproximateNumberOfMessagesMoved"]) == (handle, "COMPLETED", 1)
    [back] = receive(sqs, source, AttributeNames=["ApproximateReceiveCount"])
    assert back["Body"] == "poison" and back["Attributes"]["ApproximateReceiveCount"] == "1"
    assert counts(sqs, dlq) == (0, 0, 0)


def test_fifo_dead_letter_queue(sqs, make_queue, server):
    source, dlq, _ = _dead_letter_pair(sqs, make_queue, fifo=True, max_receives=1)
    send(sqs, source, "poison")
    assert [m["Body"] for m in receive(sqs, source)] == ["poison"]
    server.advance_clock(6)
    assert receive(sqs, source) == []
    assert [m["Body"] for m in receive(sqs, dlq)] == ["poison"]


def test_move_task_to_a_named_queue_and_cancel(sqs, make_queue, server):
    source, dlq, dlq_arn = _dead_letter_pair(sqs, make_queue)
    target = make_queue()
    target_arn = attributes(sqs, target, "QueueArn")["QueueArn"]
    for i in range(3):
        sqs.send_message(QueueUrl=dlq, MessageBody=f"m{i}")
    handle = sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=target_arn,
                                         MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    assert error_of(sqs.start_message_move_task, SourceArn=dlq_arn)["Code"] == \
        "AWS.SimpleQueueService.UnsupportedOperation"
    sqs.cancel_message_move_task(TaskHandle=handle)
    [task] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert task["Status"] == "CANCELLED" and task["DestinationArn"] == target_arn
    assert error_of(sqs.cancel_message_move_task, TaskHandle="no-such-task")["Code"] == "ResourceNotFoundException"
    not_a_dlq = attributes(sqs, target, "QueueArn")["QueueArn"]
    assert error_of(sqs.start_message_move_task, SourceArn=not_a_dlq)["Code"] == "InvalidParameterValue"
