"""The AWS CLI against cloudtwin: the guide's order-dispatch scenario (Deliveroo) on SQS.

A Friday-night burst of orders lands in a queue; a dispatcher drains it in batches; a step that
fails is retried after the visibility timeout without doing any order twice; a poison order
lands in the dead-letter queue after maxReceiveCount receives and is redriven back once fixed.
"""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from tests.conftest import ServerProcess
from tests.sdk.aws.test_dynamodb_cli import aws_cli

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is a test dependency (awscli)")

ORDERS = 19  # with the poison order: two batches of 10
MAX_RECEIVES = 2


def sqs(server: ServerProcess, *args: str) -> Any:
    return aws_cli(server, "sqs", *args)


def queue_arn(server: ServerProcess, url: str) -> str:
    return sqs(server, "get-queue-attributes", "--queue-url", url, "--attribute-names", "QueueArn")[
        "Attributes"]["QueueArn"]


def dispatch_round(server: ServerProcess, url: str, done: list[str], failed_once: set[str]) -> int:
    """Receive a batch; deliver every order but the poison one and, the first time, order-7."""
    got = sqs(server, "receive-message", "--queue-url", url, "--max-number-of-messages", "10") or {}
    messages = got.get("Messages", [])
    finished = []
    for message in messages:
        order = json.loads(message["Body"])["order"]
        if order == "poison" or (order == "order-7" and order not in failed_once):
            failed_once.add(order)
            continue
        done.append(order)
        finished.append({"Id": f"e{len(finished)}", "ReceiptHandle": message["ReceiptHandle"]})
    if finished:
        sqs(server, "delete-message-batch", "--queue-url", url, "--entries", json.dumps(finished))
    return len(messages)


def test_order_dispatch_absorbs_a_burst_retries_and_dead_letters(server: ServerProcess, unique_name: str) -> None:
    dlq = sqs(server, "create-queue", "--queue-name", f"{unique_name}-dlq")["QueueUrl"]
    dlq_arn = queue_arn(server, dlq)
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVES})
    orders = sqs(server, "create-queue", "--queue-name", unique_name, "--attributes",
                 json.dumps({"VisibilityTimeout": "30", "RedrivePolicy": policy}))["QueueUrl"]
    bodies = [json.dumps({"order": "poison"})] + [json.dumps({"order": f"order-{i}"}) for i in range(ORDERS)]
    for start in range(0, len(bodies), 10):
        entries = [{"Id": f"o{i}", "MessageBody": body} for i, body in enumerate(bodies[start:start + 10])]
        assert len(sqs(server, "send-message-batch", "--queue-url", orders, "--entries", json.dumps(entries))[
            "Successful"]) == len(entries)

    done: list[str] = []
    failed_once: set[str] = set()
    for _ in range(MAX_RECEIVES):
        while dispatch_round(server, orders, done, failed_once) == 10:
            pass
        server.advance_clock(31)  # visibility timeouts end: failed steps come back
    assert dispatch_round(server, orders, done, failed_once) == 0  # the poison order has moved out

    assert sorted(done) == sorted(f"order-{i}" for i in range(ORDERS))  # each order exactly once
    dead = sqs(server, "receive-message", "--queue-url", dlq, "--visibility-timeout", "0",
               "--attribute-names", "ApproximateReceiveCount")["Messages"]
    assert [json.loads(m["Body"])["order"] for m in dead] == ["poison"]
    assert dead[0]["Attributes"]["ApproximateReceiveCount"] == str(MAX_RECEIVES + 1)

    task = sqs(server, "start-message-move-task", "--source-arn", dlq_arn)["TaskHandle"]
    server.advance_clock(1)
    [status] = sqs(server, "list-message-move-tasks", "--source-arn", dlq_arn)["Results"]
    assert (status["TaskHandle"], status["Status"]) == (task, "COMPLETED")
    back = sqs(server, "receive-message", "--queue-url", orders)["Messages"]
    assert [json.loads(m["Body"])["order"] for m in back] == ["poison"]


def test_fifo_order_and_dedup_with_the_cli(server: ServerProcess, unique_name: str) -> None:
    url = sqs(server, "create-queue", "--queue-name", f"{unique_name}.fifo", "--attributes",
              json.dumps({"FifoQueue": "true"}))["QueueUrl"]
    for step, dedup in (("pay", "o1-pay"), ("cook", "o1-cook"), ("pay", "o1-pay")):
        sqs(server, "send-message", "--queue-url", url, "--message-body", step, "--message-group-id", "order-1",
            "--message-deduplication-id", dedup)
    got = sqs(server, "receive-message", "--queue-url", url, "--max-number-of-messages", "10")["Messages"]
    assert [m["Body"] for m in got] == ["pay", "cook"]
