"""SNS under kill -9: an acknowledged publish reaches every subscribed queue after a restart, and
a delivery waiting for a retry is neither lost nor forgotten across the restart."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any


from tests.conftest import ServerProcess, kill_under_load, raw_client
from tests.sdk.aws.test_sns_delivery import Endpoint, confirmed_http_subscription, drain


def client(server: ServerProcess, service: str) -> Any:
    return raw_client(server, service)


def queue(server: ServerProcess, name: str) -> tuple[str, str]:
    sqs = client(server, "sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def test_acknowledged_publishes_survive_kill_9(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data").start()
    try:
        sns = client(server, "sns")
        topic = sns.create_topic(Name="admissions")["TopicArn"]
        queues = [queue(server, f"system-{n}") for n in range(2)]
        for _, arn in queues:
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        acknowledged = kill_under_load(
            server, "sns", lambda sns, tag: sns.publish(TopicArn=topic, Message=f"admission {tag}")["MessageId"],
            workers=3, at_least=200)
        server.start()
        sqs = client(server, "sqs")
        for url, _ in queues:
            ids = [json.loads(m["Body"])["MessageId"] for m in drain(sqs, url)]
            assert set(acknowledged) <= set(ids)
            assert len(ids) == len(set(ids))
    finally:
        server.stop()


def test_a_pending_retry_survives_kill_9(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data").start()
    endpoint = Endpoint()
    try:
        sns = client(server, "sns")
        topic = sns.create_topic(Name="records")["TopicArn"]
        dlq_url, dlq_arn = queue(server, "records-dlq")
        confirmed_http_subscription(sns, topic, endpoint,
                                    RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn}))
        endpoint.status = 500
        sns.publish(TopicArn=topic, Message="admission 1")
        endpoint.wait_for(2)
        server.kill()
        server.start()
        for _ in range(6):
            server.advance_clock("21s")
        [message] = drain(client(server, "sqs"), dlq_url, wait=2, expect=1)
        assert json.loads(message["Body"])["Message"] == "admission 1"
        assert len(endpoint.requests) >= 3
    finally:
        endpoint.close()
        server.stop()


def test_http_delivery_never_blocks_other_clients(aws: Any, unique_name: str) -> None:
    """An endpoint that does not answer holds its own delivery only: the server keeps serving."""
    sns = aws("sns")
    release = threading.Event()
    endpoint = Endpoint()
    try:
        topic = sns.create_topic(Name=unique_name)["TopicArn"]
        confirmed_http_subscription(sns, topic, endpoint)
        endpoint.hold = release
        for i in range(3):
            sns.publish(TopicArn=topic, Message=f"m{i}")
        endpoint.wait_for(4)  # three POSTs are now parked in the endpoint, unanswered
        assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsConfirmed"] == "1"
        assert len(sns.list_topics()["Topics"]) >= 1
    finally:
        release.set()
        endpoint.close()
