"""S3 event notifications to SQS and SNS, with AWS's event JSON and prefix/suffix filters."""

from __future__ import annotations

import json
from typing import Any

from tests.sdk.aws.test_s3 import bucket, s3  # noqa: F401  (fixtures)


def _messages(sqs: Any, url: str) -> list[dict[str, Any]]:
    return [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])]


def _records(sqs: Any, url: str) -> list[dict[str, Any]]:
    """The event records that arrived, after S3's test event, which comes first."""
    messages = _messages(sqs, url)
    assert messages[0]["Event"] == "s3:TestEvent"
    return [r for m in messages[1:] for r in m["Records"]]


def test_events_to_a_queue_with_filters(aws: Any, s3: Any, bucket: str) -> None:  # noqa: F811
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName=f"{bucket}-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [{
        "Id": "uploads", "QueueArn": arn, "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}, {"Name": "suffix", "Value": ".jpg"}]}}}]})
    config = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert config["QueueConfigurations"][0]["QueueArn"] == arn
    s3.put_object(Bucket=bucket, Key="in/cat.jpg", Body=b"meow")
    s3.put_object(Bucket=bucket, Key="in/notes.txt", Body=b"skip")
    s3.put_object(Bucket=bucket, Key="out/dog.jpg", Body=b"skip")
    s3.copy_object(Bucket=bucket, Key="in/copy.jpg", CopySource=f"{bucket}/in/cat.jpg")
    s3.delete_object(Bucket=bucket, Key="in/cat.jpg")
    records = _records(sqs, url)
    assert [(r["eventName"], r["s3"]["object"]["key"]) for r in records] == [
        ("ObjectCreated:Put", "in/cat.jpg"), ("ObjectCreated:Copy", "in/copy.jpg"),
        ("ObjectRemoved:Delete", "in/cat.jpg")]
    first = records[0]
    assert first["eventSource"] == "aws:s3" and first["eventVersion"] == "2.1" and first["awsRegion"] == "us-east-1"
    assert first["s3"]["bucket"] == {"name": bucket, "ownerIdentity": {"principalId": "000000000000"},
                                     "arn": f"arn:aws:s3:::{bucket}"}
    assert first["s3"]["object"]["size"] == 4 and first["s3"]["configurationId"] == "uploads"


def test_events_to_a_topic(aws: Any, s3: Any, bucket: str) -> None:  # noqa: F811
    sns, sqs = aws("sns"), aws("sqs")
    topic = sns.create_topic(Name=f"{bucket}-topic")["TopicArn"]
    url = sqs.create_queue(QueueName=f"{bucket}-fanout")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"TopicConfigurations": [{
        "TopicArn": topic, "Events": ["s3:ObjectCreated:Put"]}]})
    s3.put_object(Bucket=bucket, Key="report.csv", Body=b"a,b")
    records = _records(sqs, url)
    assert [(r["eventName"], r["s3"]["object"]["key"]) for r in records] == [("ObjectCreated:Put", "report.csv")]
