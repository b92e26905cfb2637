"""SNS topics and subscriptions through boto3: attributes, tags, paging and AWS's errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture(scope="module")
def sns(aws: Any) -> Any:
    return aws("sns")


def error_of(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:us-east-1:000000000000:{name}"


def test_create_topic_is_idempotent_and_attributes_are_reported(sns: Any, unique_name: str) -> None:
    arn = sns.create_topic(Name=unique_name, Attributes={"DisplayName": "Admissions"})["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:000000000000:{unique_name}"
    assert sns.create_topic(Name=unique_name)["TopicArn"] == arn
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "Admissions" and attributes["Owner"] == "000000000000"
    assert json.loads(attributes["Policy"])["Statement"][0]["Resource"] == arn
    assert json.loads(attributes["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Wards")
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "Wards"
    code, message = error_of(sns.create_topic, Name=unique_name, Attributes={"DisplayName": "Other"})
    assert (code, message) == ("InvalidParameter", "Invalid parameter: Attributes Reason: Topic already exists "
                                                   "with different attributes")


def test_fifo_topic_attributes_and_name_rules(sns: Any, unique_name: str) -> None:
    arn = sns.create_topic(Name=f"{unique_name}.fifo", Attributes={"FifoTopic": "true",
                                                                   "ContentBasedDeduplication": "true"})["TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["FifoTopic"] == "true" and attributes["ContentBasedDeduplication"] == "true"
    code, message = error_of(sns.create_topic, Name=unique_name, Attributes={"FifoTopic": "true"})
    assert code == "InvalidParameter" and "must end with .fifo" in message
    assert error_of(sns.create_topic, Name="bad name!") == ("InvalidParameter", "Invalid parameter: Topic Name")
    std = sns.create_topic(Name=f"{unique_name}-std")["TopicArn"]
    code, _ = error_of(sns.set_topic_attributes, TopicArn=std, AttributeName="ContentBasedDeduplication",
                       AttributeValue="true")
    assert code == "InvalidParameter"


def test_list_topics_pages_by_100(sns: Any, unique_name: str) -> None:
    for i in range(105):
        sns.create_topic(Name=f"{unique_name}-{i:03d}")
    seen, token, pages = [], None, 0
    while True:
        page = sns.list_topics(**({"NextToken": token} if token else {}))
        pages += 1
        assert len(page["Topics"]) <= 100
        seen += [t["TopicArn"] for t in page["Topics"]]
        token = page.get("NextToken")
        if not token:
            break
    mine = [a for a in seen if a.rsplit(":", 1)[1].startswith(f"{unique_name}-")]
    assert len(mine) == 105 and len(set(seen)) == len(seen) and pages >= 2


def test_tags_and_data_protection_policy(sns: Any, unique_name: str) -> None:
    arn = sns.create_topic(Name=unique_name, Tags=[{"Key": "team", "Value": "wards"}])["TopicArn"]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}])
    sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "test"}]
    code, _ = error_of(sns.list_tags_for_resource, ResourceArn=arn + "-missing")
    assert code == "ResourceNotFound"
    policy = json.dumps({"Name": "p", "Version": "2021-06-01", "Statement": []})
    sns.put_data_protection_policy(ResourceArn=arn, DataProtectionPolicy=policy)
    assert sns.get_data_protection_policy(ResourceArn=arn)["DataProtectionPolicy"] == policy


def test_subscriptions_attributes_listing_and_unsubscribe(sns: Any, unique_name: str) -> None:
    arn = sns.create_topic(Name=unique_name)["TopicArn"]
    sub = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn(unique_name),
                        Attributes={"RawMessageDelivery": "true", "FilterPolicy": '{"ward": ["A"]}'})["SubscriptionArn"]
    assert sub.startswith(arn + ":")
    assert sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn(unique_name))["SubscriptionArn"] == sub
    email = sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="nurse@example.com")
    assert email["SubscriptionArn"] == "pending confirmation"
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attributes["RawMessageDelivery"] == "true" and attributes["FilterPolicyScope"] == "MessageAttributes"
    assert attributes["Protocol"] == "sqs" and attributes["PendingConfirmation"] == "false"
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicyScope",
                                    AttributeValue="MessageBody")
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy",
                                    AttributeValue='{"patient": {"age": [{"numeric": [">", 64]}]}}')
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["FilterPolicyScope"] == "MessageBody"
    listed = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert sorted(s["SubscriptionArn"] for s in listed) == sorted([sub, "PendingConfirmation"])
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["SubscriptionsPending"] == "1"
    sns.unsubscribe(SubscriptionArn=sub)
    assert error_of(sns.get_subscription_attributes, SubscriptionArn=sub)[0] == "NotFound"
    sns.delete_topic(TopicArn=arn)
    sns.delete_topic(TopicArn=arn)
    assert error_of(sns.list_subscriptions_by_topic, TopicArn=arn) == ("NotFound", "Topic does not exist")


@pytest.mark.parametrize("attributes, message", [
    ({"FilterPolicy": '{"ward": "A"}'}, 'Invalid parameter: Attributes Reason: FilterPolicy: "ward" must be an '
                                        'object or an array'),
    ({"FilterPolicy": '{"w": [{"exists": "yes"}]}'},
     "Invalid parameter: Attributes Reason: FilterPolicy: exists match pattern must be either true or false."),
    ({"FilterPolicy": '{"w": [{"numeric": [">", 5, "<", 1]}]}'},
     "Invalid parameter: Attributes Reason: FilterPolicy: Bottom must be less than top"),
    ({"FilterPolicy": '{"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "e": ["1"], "f": ["1"]}'},
     "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys"),
    ({"FilterPolicy": json.dumps({"a": list(range(13)), "b": list(range(13))})},
     "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy is too complex"),
    ({"FilterPolicy": '{"a": {"b": ["x"]}}'},
     "Invalid parameter: Attributes Reason: Filter policy scope MessageAttributes does not support nested "
     "filter policy"),
    ({"FilterPolicyScope": "Everything"}, "Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value "
                                          "[Everything]. Please use either MessageBody or MessageAttributes"),
    ({"RawMessageDelivery": "yes"},
     "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [yes]. Must be true or false."),
    ({"RedrivePolicy": '{"deadLetterTargetArn": "nope"}'},
     "Invalid parameter: Attributes Reason: RedrivePolicy: deadLetterTargetArn is an invalid arn"),
])
def test_subscribe_rejects_bad_attributes(sns: Any, unique_name: str, attributes: dict[str, str],
                                          message: str) -> None:
    arn = sns.create_topic(Name=unique_name)["TopicArn"]
    assert error_of(sns.subscribe, TopicArn=arn, Protocol="sqs", Endpoint=queue_arn(unique_name),
                    Attributes=attributes) == ("InvalidParameter", message)
    assert sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"] == []


def test_subscribe_errors(sns: Any, unique_name: str) -> None:
    arn = sns.create_topic(Name=unique_name)["TopicArn"]
    assert error_of(sns.subscribe, TopicArn=arn, Protocol="carrier-pigeon", Endpoint="x") == (
        "InvalidParameter", "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon")
    assert error_of(sns.subscribe, TopicArn=arn, Protocol="https", Endpoint="http://x")[1] == (
        "Invalid parameter: Endpoint must match the specified protocol")
    assert error_of(sns.subscribe, TopicArn=arn, Protocol="sqs", Endpoint=queue_arn("q.fifo"))[1].endswith(
        "FIFO SQS Queues can not be subscribed to standard SNS topics")
    assert error_of(sns.subscribe, TopicArn=arn + "-gone", Protocol="sqs", Endpoint=queue_arn("q"))[0] == "NotFound"
    fifo = sns.create_topic(Name=f"{unique_name}.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    assert error_of(sns.subscribe, TopicArn=fifo, Protocol="email", Endpoint="a@example.com") == (
        "InvalidParameter", "Invalid parameter: Invalid protocol type: email")
    sub = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn(unique_name))["SubscriptionArn"]
    code, message = error_of(sns.set_subscription_attributes, SubscriptionArn=sub, AttributeName="FilterPolicy",
                             AttributeValue='{"w": [{"prefix": 5}]}')
    assert (code, message) == ("InvalidParameter", "Invalid parameter: FilterPolicy: prefix match pattern must be "
                                                   "a string")
    assert error_of(sns.confirm_subscription, TopicArn=arn, Token="forged")[0] == "InvalidParameter"


@pytest.mark.parametrize("kwargs, code, message", [
    ({"Message": ""}, "InvalidParameter", "Invalid parameter: Empty message"),
    ({"Message": "x" * (256 * 1024 + 1)}, "InvalidParameter", "Invalid parameter: Message too long"),
    ({"Message": "x", "Subject": "a\nb"}, "InvalidParameter", "Invalid parameter: Subject"),
    ({"Message": "{}", "MessageStructure": "json"}, "InvalidParameter",
     "Invalid parameter: Message Structure - No default entry in JSON message body"),
    ({"Message": "not json", "MessageStructure": "json"}, "InvalidParameter",
     "Invalid parameter: Message Structure - JSON message body failed to parse"),
    ({"Message": "x", "MessageDeduplicationId": "d"}, "InvalidParameter",
     "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter "
     "that is not valid for this topic type"),
    ({"Message": "x", "MessageGroupId": "g" * 129}, "InvalidParameter",
     "Invalid parameter: MessageGroupId Reason: MessageGroupId can only include alphanumeric and punctuation "
     "characters. 1 to 128 in length."),
    ({"Message": "x", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "abc"}}},
     "ParameterValueInvalid", "Could not cast message attribute 'n' value to number."),
    ({"Message": "x", "MessageAttributes": {"n": {"DataType": "Decimal", "StringValue": "1"}}},
     "ParameterValueInvalid", "The message attribute 'n' has an invalid message attribute type, the set of "
                              "supported type prefixes is Binary, Number, and String."),
    ({"Message": "x", "MessageAttributes": {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)}},
     "ParameterValueInvalid", "Number of message attributes [11] exceeds the allowed maximum [10]."),
])
def test_publish_rejects_bad_messages(sns: Any, unique_name: str, kwargs: dict[str, Any], code: str,
                                      message: str) -> None:
    arn = sns.create_topic(Name=unique_name)["TopicArn"]
    assert error_of(sns.publish, TopicArn=arn, **kwargs) == (code, message)


def test_publish_batch_limits(sns: Any, unique_name: str) -> None:
    arn = sns.create_topic(Name=unique_name)["TopicArn"]
    entries = [{"Id": str(i), "Message": f"m{i}"} for i in range(11)]
    assert error_of(sns.publish_batch, TopicArn=arn, PublishBatchRequestEntries=entries)[0] == (
        "TooManyEntriesInBatchRequest")
    assert error_of(sns.publish_batch, TopicArn=arn, PublishBatchRequestEntries=[
        {"Id": "a", "Message": "1"}, {"Id": "a", "Message": "2"}])[0] == "BatchEntryIdsNotDistinct"
    assert error_of(sns.publish_batch, TopicArn=arn, PublishBatchRequestEntries=[
        {"Id": "a", "Message": "x" * 200_000}, {"Id": "b", "Message": "x" * 70_000}])[0] == "BatchRequestTooLong"
    result = sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
        {"Id": "ok", "Message": "fine"}, {"Id": "bad", "Message": "x", "Subject": ""}])
    assert [s["Id"] for s in result["Successful"]] == ["ok"]
    assert result["Failed"] == [{"Id": "bad", "Code": "InvalidParameter", "Message": "Invalid parameter: Subject",
                                 "SenderFault": True}]


def test_add_and_remove_permission_edit_the_policy(sns: Any, unique_name: str) -> None:
    arn = sns.create_topic(Name=unique_name)["TopicArn"]
    sns.add_permission(TopicArn=arn, Label="wards", AWSAccountId=["111122223333"], ActionName=["Publish"])
    statements = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])["Statement"]
    added = next(s for s in statements if s["Sid"] == "wards")
    assert added["Action"] == ["SNS:Publish"] and added["Principal"] == {"AWS": ["arn:aws:iam::111122223333:root"]}
    assert error_of(sns.add_permission, TopicArn=arn, Label="wards", AWSAccountId=["1"], ActionName=["Publish"]) == (
        "InvalidParameter", "Invalid parameter: Statement already exists")
    sns.remove_permission(TopicArn=arn, Label="wards")
    statements = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["__default_statement_ID"]
