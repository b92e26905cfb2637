"""The AWS CLI against cloudtwin: an admission published with `aws sns publish` reaches its queue."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import ServerProcess
from tests.sdk.aws.test_dynamodb_cli import aws_cli

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is a test dependency (awscli)")


def test_admission_published_with_the_cli(server: ServerProcess, unique_name: str) -> None:
    topic = aws_cli(server, "sns", "create-topic", "--name", unique_name)["TopicArn"]
    url = aws_cli(server, "sqs", "create-queue", "--queue-name", unique_name)["QueueUrl"]
    arn = aws_cli(server, "sqs", "get-queue-attributes", "--queue-url", url,
                  "--attribute-names", "QueueArn")["Attributes"]["QueueArn"]
    aws_cli(server, "sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs", "--notification-endpoint", arn,
            "--attributes", json.dumps({"FilterPolicy": json.dumps({"ward": [{"prefix": "cardio"}]})}))
    sent = aws_cli(server, "sns", "publish", "--topic-arn", topic, "--message", '{"patient": "p-17"}',
                   "--message-attributes", '{"ward": {"DataType": "String", "StringValue": "cardio-2"}}')
    aws_cli(server, "sns", "publish", "--topic-arn", topic, "--message", '{"patient": "p-18"}',
            "--message-attributes", '{"ward": {"DataType": "String", "StringValue": "ortho"}}')
    got = aws_cli(server, "sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10")
    [message] = got["Messages"]
    notification = json.loads(message["Body"])
    assert notification["MessageId"] == sent["MessageId"]
    assert json.loads(notification["Message"]) == {"patient": "p-17"}
    subscriptions = aws_cli(server, "sns", "list-subscriptions-by-topic", "--topic-arn", topic)["Subscriptions"]
    assert [s["Endpoint"] for s in subscriptions] == [arn]
