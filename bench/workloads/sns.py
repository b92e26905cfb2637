"""SNS: Publish to a topic with 1 SQS subscription, and to a topic with 7 (the NHS fan-out).

Messages are a small admission event (about 200 bytes of JSON) with two message attributes;
the 7 subscriptions carry no filter, so every publish is 7 queue deliveries. The queues are
never drained: a peer that slows down as queues grow shows it here.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

import boto3

from harness import Request
from workloads import Op

SERVICE = "sns"
NONCE = os.urandom(4).hex()
#: Topic ARNs by subscriber count, filled by setup() with each target's own account id.
TOPICS: dict[int, str] = {}


def _call(action: str, params: dict[str, str]) -> Request:
    body = urlencode({"Action": action, "Version": "2010-03-31", **params}).encode()
    return Request("POST", "/", {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, body)


def probe() -> Request:
    return _call("ListTopics", {})


def setup(client) -> None:
    """Create the two topics and their queues, and subscribe the queues."""
    sqs = boto3.client("sqs", endpoint_url=client.meta.endpoint_url, region_name=client.meta.region_name,
                       aws_access_key_id="test", aws_secret_access_key="test")
    for subscribers in (1, 7):
        topic = client.create_topic(Name=f"bench-{subscribers}")["TopicArn"]
        TOPICS[subscribers] = topic
        for n in range(subscribers):
            url = sqs.create_queue(QueueName=f"bench-{subscribers}-{n}")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            client.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)


def _publish_to(subscribers: int):
    def make(i: int) -> Request:
        event = {"admission": f"{NONCE}-{i:07d}", "patient": f"p-{i % 5000:05d}", "ward": f"ward-{i % 12}",
                 "triage": i % 5, "notes": "arrived by ambulance, observations stable"}
        topic = TOPICS.get(subscribers, f"arn:aws:sns:us-east-1:000000000000:bench-{subscribers}")
        return _call("Publish", {
            "TopicArn": topic, "Message": json.dumps(event),
            "MessageAttributes.entry.1.Name": "ward", "MessageAttributes.entry.1.Value.DataType": "String",
            "MessageAttributes.entry.1.Value.StringValue": event["ward"],
            "MessageAttributes.entry.2.Name": "triage", "MessageAttributes.entry.2.Value.DataType": "Number",
            "MessageAttributes.entry.2.Value.StringValue": str(event["triage"]),
        })
    return make


def _check_publish(body: bytes) -> str | None:
    return None if b"<MessageId>" in body else f"Publish answered without a MessageId: {body[:200]!r}"


OPS = [
    Op("Publish1", _publish_to(1), check=_check_publish),
    Op("Publish7", _publish_to(7), check=_check_publish),
]
