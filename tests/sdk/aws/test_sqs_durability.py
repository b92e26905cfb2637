"""SQS under kill -9: acknowledged sends survive; a received, undeleted message comes back after
its visibility timeout across a restart, with its receive count intact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import ServerProcess, kill_under_load, raw_client


def client(server: ServerProcess) -> Any:
    return raw_client(server, "sqs")


def drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every visible message, each received once (long visibility timeout)."""
    seen: list[dict[str, Any]] = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600,
                                  AttributeNames=["ApproximateReceiveCount"]).get("Messages", [])
        if not got:
            return seen
        seen += got


def test_acknowledged_sends_survive_kill_9(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data").start()
    try:
        url = client(server).create_queue(QueueName="orders")["QueueUrl"]
        acknowledged = kill_under_load(
            server, "sqs", lambda sqs, tag: sqs.send_message(QueueUrl=url, MessageBody=f"order {tag}")["MessageId"])
        server.start()
        received = {m["MessageId"] for m in drain(client(server), url)}
        assert set(acknowledged) <= received
    finally:
        server.stop()


def test_received_message_comes_back_after_restart_and_visibility_timeout(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data").start()
    try:
        sqs = client(server)
        url = sqs.create_queue(QueueName="dispatch")["QueueUrl"]
        sent = sqs.send_message(QueueUrl=url, MessageBody="charge card")["MessageId"]
        [held] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=120)["Messages"]
        assert held["MessageId"] == sent
        server.kill()
        server.start()
        sqs = client(server)
        assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
        server.advance_clock(121)
        [again] = drain(sqs, url)
        assert again["MessageId"] == sent and again["Attributes"]["ApproximateReceiveCount"] == "2"
        sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
        server.kill()
        server.start()
        server.advance_clock(601)
        assert drain(client(server), url) == []
    finally:
        server.stop()
