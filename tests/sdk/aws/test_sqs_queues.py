"""SQS queues through boto3, in both wire protocols: create (idempotent), URLs, listing with
paging, attributes with AWS's defaults, ranges and errors, tags, purge, delete, redrive policies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"]


def attributes(sqs: Any, url: str, *names: str) -> dict[str, str]:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names) or ["All"]).get("Attributes", {})


def test_a_new_queue_has_aws_defaults(sqs, make_queue, server):
    url = make_queue()
    assert url.startswith(f"{server.endpoint}/000000000000/")
    got = attributes(sqs, url)
    assert {k: got[k] for k in ("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod",
                                "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout", "SqsManagedSseEnabled")} == {
        "DelaySeconds": "0", "MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600",
        "ReceiveMessageWaitTimeSeconds": "0", "VisibilityTimeout": "30", "SqsManagedSseEnabled": "true"}
    assert got["QueueArn"] == f"arn:aws:sqs:us-east-1:000000000000:{url.rsplit('/', 1)[1]}"
    assert got["ApproximateNumberOfMessages"] == "0" and "FifoQueue" not in got
    assert attributes(sqs, url, "VisibilityTimeout") == {"VisibilityTimeout": "30"}


def test_create_is_idempotent_with_the_same_attributes_only(sqs, unique_name):
    url = sqs.create_queue(QueueName=unique_name, Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    assert sqs.create_queue(QueueName=unique_name, Attributes={"VisibilityTimeout": "60"})["QueueUrl"] == url
    assert sqs.create_queue(QueueName=unique_name)["QueueUrl"] == url
    error = error_of(sqs.create_queue, QueueName=unique_name, Attributes={"VisibilityTimeout": "61"})
    assert error["Code"] == "QueueAlreadyExists"
    assert attributes(sqs, url, "VisibilityTimeout")["VisibilityTimeout"] == "60"


@pytest.mark.parametrize("name, value", [
    ("VisibilityTimeout", "43201"), ("VisibilityTimeout", "-1"), ("DelaySeconds", "901"),
    ("MaximumMessageSize", "1023"), ("MaximumMessageSize", "1048577"), ("MessageRetentionPeriod", "59"),
    ("MessageRetentionPeriod", "1209601"), ("ReceiveMessageWaitTimeSeconds", "21"),
    ("KmsDataKeyReusePeriodSeconds", "59"), ("SqsManagedSseEnabled", "yes"), ("VisibilityTimeout", "ten"),
])
def test_out_of_range_attributes_are_refused(sqs, make_queue, name, value):
    url = make_queue()
    error = error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={name: value})
    assert error["Code"] == "InvalidAttributeValue"
    assert error["Message"] == f"Invalid value for the parameter {name}."
    assert attributes(sqs, url, name).get(name) != value


def test_unknown_and_fifo_only_attributes_on_a_standard_queue(sqs, make_queue, unique_name):
    url = make_queue()
    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"Colour": "blue"})["Code"] == \
        "InvalidAttributeName"
    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"ContentBasedDeduplication": "true"}
                    )["Code"] == "InvalidAttributeName"
    assert error_of(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["Nope"])["Code"] == \
        "InvalidAttributeName"
    error = error_of(sqs.create_queue, QueueName=unique_name, Attributes={"FifoQueue": "true"})
    assert error["Code"] == "InvalidParameterValue" and ".fifo" in error["Message"]
    assert error_of(sqs.create_queue, QueueName="bad name!")["Code"] == "InvalidParameterValue"


def test_set_attributes_changes_what_get_shows(sqs, make_queue):
    url = make_queue()
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "5", "DelaySeconds": "3",
                                                       "Policy": json.dumps({"Version": "2012-10-17"})})
    got = attributes(sqs, url)
    assert (got["VisibilityTimeout"], got["DelaySeconds"]) == ("5", "3")
    assert json.loads(got["Policy"]) == {"Version": "2012-10-17"}


def test_fifo_queue_attributes(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true", DeduplicationScope="messageGroup",
                     FifoThroughputLimit="perMessageGroupId")
    got = attributes(sqs, url)
    assert (got["FifoQueue"], got["ContentBasedDeduplication"]) == ("true", "true")
    assert (got["DeduplicationScope"], got["FifoThroughputLimit"]) == ("messageGroup", "perMessageGroupId")
    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"FifoQueue": "false"})["Code"] == \
        "InvalidAttributeValue"


def test_get_queue_url_and_wrong_urls(sqs, make_queue, server):
    url = make_queue()
    name = url.rsplit("/", 1)[1]
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert error_of(sqs.get_queue_url, QueueName=name + "-nope")["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    for other in (f"https://sqs.us-east-1.amazonaws.com/000000000000/{name}",
                  f"http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/{name}",
                  f"https://queue.amazonaws.com/000000000000/{name}"):
        assert attributes(sqs, other, "QueueArn")["QueueArn"].endswith(f":{name}")
    for bad in (f"{server.endpoint}/000000000000/{name}-nope", f"{server.endpoint}/{name}", "nonsense"):
        assert error_of(sqs.get_queue_attributes, QueueUrl=bad)["Code"] == "AWS.SimpleQueueService.NonExistentQueue"


def test_list_queues_by_prefix_with_paging(sqs, unique_name):
    urls = [sqs.create_queue(QueueName=f"{unique_name}-{i}")["QueueUrl"] for i in range(5)]
    assert sqs.list_queues(QueueNamePrefix=unique_name)["QueueUrls"] == urls
    seen, token = [], None
    while True:
        page = sqs.list_queues(QueueNamePrefix=unique_name, MaxResults=2, **({"NextToken": token} if token else {}))
        seen += page["QueueUrls"]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == urls
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix=unique_name + "-none")


def test_tags(sqs, unique_name):
    url = sqs.create_queue(QueueName=unique_name, tags={"team": "dispatch"})["QueueUrl"]
    sqs.tag_queue(QueueUrl=url, Tags={"env": "test"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "dispatch", "env": "test"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "test"}


def test_purge_empties_the_queue_once_a_minute(sqs, make_queue, server):
    url = make_queue()
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    sqs.purge_queue(QueueUrl=url)
    assert attributes(sqs, url, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"] == "0"
    error = error_of(sqs.purge_queue, QueueUrl=url)
    assert error["Code"] == "AWS.SimpleQueueService.PurgeQueueInProgress"
    assert "60 seconds" in error["Message"]
    server.advance_clock(60)
    sqs.purge_queue(QueueUrl=url)


def test_delete_then_recreate_waits_a_minute(sqs, unique_name, server):
    url = sqs.create_queue(QueueName=unique_name)["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x")["Code"] == \
        "AWS.SimpleQueueService.NonExistentQueue"
    assert error_of(sqs.create_queue, QueueName=unique_name)["Code"] == "AWS.SimpleQueueService.QueueDeletedRecently"
    server.advance_clock(61)
    assert sqs.create_queue(QueueName=unique_name)["QueueUrl"] == url


def test_redrive_policy_and_dead_letter_sources(sqs, make_queue):
    dlq = make_queue()
    dlq_arn = attributes(sqs, dlq, "QueueArn")["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})
    sources = [make_queue(RedrivePolicy=policy) for _ in range(3)]
    same = sqs.create_queue(QueueName=sources[0].rsplit("/", 1)[1], Attributes={"RedrivePolicy": json.dumps(
        {"maxReceiveCount": 3, "deadLetterTargetArn": dlq_arn})})
    assert same["QueueUrl"] == sources[0]
    assert json.loads(attributes(sqs, sources[0], "RedrivePolicy")["RedrivePolicy"]) == {
        "deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}
    assert sorted(sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]) == sorted(sources)
    first = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2)
    rest = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2, NextToken=first["NextToken"])
    assert sorted(first["queueUrls"] + rest["queueUrls"]) == sorted(sources)
    sqs.set_queue_attributes(QueueUrl=sources[0], Attributes={"RedrivePolicy": ""})
    assert "RedrivePolicy" not in attributes(sqs, sources[0])


@pytest.mark.parametrize("policy, reason", [
    ("not json", "not a valid JSON map"),
    ('{"maxReceiveCount": 3}', "deadLetterTargetArn"),
    ('{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:missing", "maxReceiveCount": 3}', "does not exist"),
    ('{"deadLetterTargetArn": "DLQ", "maxReceiveCount": 0}', "maxReceiveCount"),
])
def test_bad_redrive_policies(sqs, make_queue, policy, reason):
    dlq_arn = attributes(sqs, make_queue(), "QueueArn")["QueueArn"]
    url = make_queue()
    error = error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"RedrivePolicy": policy.replace("DLQ", dlq_arn)})
    assert error["Code"] == "InvalidParameterValue" and reason in error["Message"]
    assert "RedrivePolicy" not in attributes(sqs, url)


def test_redrive_allow_policy_and_queue_kinds(sqs, make_queue):
    fifo_dlq = attributes(sqs, make_queue(fifo=True), "QueueArn")["QueueArn"]
    error = error_of(make_queue, RedrivePolicy=json.dumps({"deadLetterTargetArn": fifo_dlq, "maxReceiveCount": 1}))
    assert error["Code"] == "InvalidParameterValue"
    closed = make_queue(RedriveAllowPolicy=json.dumps({"redrivePermission": "denyAll"}))
    closed_arn = attributes(sqs, closed, "QueueArn")["QueueArn"]
    error = error_of(make_queue, RedrivePolicy=json.dumps({"deadLetterTargetArn": closed_arn, "maxReceiveCount": 1}))
    assert error["Code"] == "InvalidParameterValue"
    bad = json.dumps({"redrivePermission": "byQueue"})
    assert error_of(make_queue, RedriveAllowPolicy=bad)["Code"] == "InvalidParameterValue"


def test_add_and_remove_permission_edit_the_policy(sqs, make_queue):
    url = make_queue()
    sqs.add_permission(QueueUrl=url, Label="kitchen", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    [statement] = json.loads(attributes(sqs, url, "Policy")["Policy"])["Statement"]
    assert statement["Sid"] == "kitchen" and statement["Action"] == ["SQS:SendMessage"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::111122223333:root"]}
    assert error_of(sqs.add_permission, QueueUrl=url, Label="kitchen", AWSAccountIds=["111122223333"],
                    Actions=["SendMessage"])["Code"] == "InvalidParameterValue"
    sqs.remove_permission(QueueUrl=url, Label="kitchen")
    assert "Policy" not in attributes(sqs, url)
    assert error_of(sqs.remove_permission, QueueUrl=url, Label="kitchen")["Code"] == "InvalidParameterValue"
