"""SNS deliveries through boto3: fan-out to SQS with filters, FIFO, raw and per-protocol messages,
HTTP endpoints with the confirmation handshake, signatures, retries and dead-letter queues."""

from __future__ import annotations

import base64
import json
import ssl
import threading
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from tests.conftest import ServerProcess, free_port


@pytest.fixture(scope="module")
def sns(aws: Any) -> Any:
    return aws("sns")


@pytest.fixture(scope="module")
def sqs(aws: Any) -> Any:
    return aws("sqs")


@pytest.fixture
def make_queue(sqs: Any, unique_name: str) -> Callable[..., tuple[str, str]]:
    """make_queue("suffix", fifo=False, **attributes) -> (queue URL, queue ARN)."""
    def make(suffix: str, fifo: bool = False, **attributes: str) -> tuple[str, str]:
        name = f"{unique_name[-50:]}-{suffix}" + (".fifo" if fifo else "")
        if fifo:
            attributes["FifoQueue"] = "true"
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn
    return make


def drain(sqs: Any, url: str, wait: int = 0, expect: int | None = None) -> list[dict[str, Any]]:
    """Every message in the queue (deleted as read); with ``expect``, long-polls (up to 20 empty
    answers) until that many have come."""
    messages: list[dict[str, Any]] = []
    empty = 0
    while empty < (20 if expect is not None else 1):
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait,
                                  MessageAttributeNames=["All"], AttributeNames=["All"]).get("Messages", [])
        for message in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        messages += got
        empty += not got
        if expect is not None and len(messages) >= expect:
            break
    return messages


def notification(message: dict[str, Any]) -> dict[str, Any]:
    return json.loads(message["Body"])


class Endpoint:
    """A subscriber's HTTP(S) server in the test process: records every POST, answers ``status``."""

    def __init__(self, tls_dir: Path | None = None) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        #: When set to an Event, each POST waits for it before answering (a hung endpoint).
        self.hold: threading.Event | None = None
        self.arrived = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with outer.arrived:
                    outer.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    outer.arrived.notify_all()
                if outer.hold is not None:
                    outer.hold.wait(30)
                self.send_response(outer.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls_dir is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self_signed(tls_dir))
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int) -> list[tuple[dict[str, str], bytes]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.requests) >= count, timeout=20), self.requests
            return list(self.requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def self_signed(folder: Path) -> tuple[str, str]:
    """(certificate file, key file) of a fresh self-signed certificate for 127.0.0.1."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    server = Endpoint()
    yield server
    server.close()


def confirmed_http_subscription(sns: Any, topic: str, endpoint: Endpoint, **attributes: str) -> str:
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url, Attributes=attributes)
    headers, body = endpoint.wait_for(1)[0]
    confirmation = json.loads(body)
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    with urllib.request.urlopen(confirmation["SubscribeURL"], timeout=10) as response:
        assert response.status == 200
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    return next(s["SubscriptionArn"] for s in subs if s["Endpoint"] == endpoint.url)


WARD_SYSTEMS = {
    "pharmacy": {"allergies": [{"exists": True}]},
    "beds": {"ward": [{"anything-but": ["discharge-lounge"]}]},
    "cardiology": {"ward": [{"prefix": "cardio"}]},
    "geriatrics": {"age": [{"numeric": [">=", 65]}]},
    "labs": {"tests": ["blood", "urine"]},
    "billing": {"$or": [{"insurer": [{"equals-ignore-case": "nhs"}]}, {"private": ["yes"]}]},
    "network": {"source_ip": [{"cidr": "10.1.0.0/16"}]},
}


def admission(ward: str, age: int, **extra: Any) -> dict[str, Any]:
    attributes = {"ward": {"DataType": "String", "StringValue": ward},
                  "age": {"DataType": "Number", "StringValue": str(age)}}
    for name, value in extra.items():
        data_type = "String.Array" if isinstance(value, list) else "String"
        attributes[name] = {"DataType": data_type, "StringValue": json.dumps(value) if isinstance(value, list)
                            else value}
    return attributes


def test_admission_fans_out_to_seven_systems_and_a_down_one_only_backs_up_its_own_dlq(
        sns: Any, sqs: Any, make_queue: Callable[..., tuple[str, str]], endpoint: Endpoint,
        server: ServerProcess, unique_name: str) -> None:
    topic = sns.create_topic(Name=unique_name)["TopicArn"]
    queues = {name: make_queue(name) for name in WARD_SYSTEMS}
    for name, policy in WARD_SYSTEMS.items():
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queues[name][1],
                      Attributes={"FilterPolicy": json.dumps(policy)})
    dlq_url, dlq_arn = make_queue("records-dlq")
    confirmed_http_subscription(sns, topic, endpoint, RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn}))
    endpoint.status = 503  # the records system goes down

    events = [
        ("A1", admission("cardio-2", 70, allergies="penicillin", tests=["blood"], insurer="NHS")),
        ("A2", admission("discharge-lounge", 30, private="yes", source_ip="10.1.4.2")),
        ("A3", admission("ortho", 50, tests=["xray"], source_ip="192.168.0.1")),
    ]
    for key, attributes in events:
        sns.publish(TopicArn=topic, Message=json.dumps({"admission": key}), MessageAttributes=attributes)

    expected = {"pharmacy": ["A1"], "beds": ["A1", "A3"], "cardiology": ["A1"], "geriatrics": ["A1"],
                "labs": ["A1"], "billing": ["A1", "A2"], "network": ["A2"]}
    for name, keys in expected.items():
        got = [json.loads(notification(m)["Message"])["admission"] for m in drain(sqs, queues[name][0])]
        assert sorted(got) == keys, name
    endpoint.wait_for(4)  # the confirmation and one failed attempt per admission
    assert drain(sqs, dlq_url) == []
    for _ in range(6):  # AWS's HTTP policy: 3 retries, 20 s apart, then the dead-letter queue
        server.advance_clock("21s")
    backed_up = drain(sqs, dlq_url, wait=2, expect=3)
    assert sorted(json.loads(notification(m)["Message"])["admission"] for m in backed_up) == ["A1", "A2", "A3"]
    for name in WARD_SYSTEMS:
        assert drain(sqs, queues[name][0]) == [], name


def verify_signature(document: dict[str, str]) -> None:
    """Check a message's signature as AWS documents it, with the certificate at SigningCertURL."""
    keys = (("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type") if document["Type"] == "Notification"
            else ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"))
    signed = "".join(f"{key}\n{document[key]}\n" for key in keys if key in document).encode()
    with urllib.request.urlopen(document["SigningCertURL"], timeout=10) as response:
        certificate = x509.load_pem_x509_certificate(response.read())
    digest = hashes.SHA256() if document["SignatureVersion"] == "2" else hashes.SHA1()
    certificate.public_key().verify(base64.b64decode(document["Signature"]), signed,  # type: ignore[union-attr]
                                    padding.PKCS1v15(), digest)


@pytest.mark.parametrize("version", ["1", "2"])
def test_http_notifications_are_signed_with_the_served_certificate(
        sns: Any, endpoint: Endpoint, unique_name: str, version: str) -> None:
    topic = sns.create_topic(Name=unique_name, Attributes={"SignatureVersion": version})["TopicArn"]
    sub = confirmed_http_subscription(sns, topic, endpoint)
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["PendingConfirmation"] == "false"
    sns.publish(TopicArn=topic, Message="bed 12 ready", Subject="Beds",
                MessageAttributes={"ward": {"DataType": "String", "StringValue": "A"}})
    (_, confirmation), (headers, body) = endpoint.wait_for(2)
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-subscription-arn"] == sub
    document = json.loads(body)
    assert document["Message"] == "bed 12 ready" and document["Subject"] == "Beds"
    assert document["MessageAttributes"] == {"ward": {"Type": "String", "Value": "A"}}
    assert document["SignatureVersion"] == version
    verify_signature(json.loads(confirmation))
    verify_signature(document)
    with urllib.request.urlopen(document["UnsubscribeURL"], timeout=10) as response:
        assert response.status == 200
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def test_unconfirmed_http_subscription_gets_nothing(sns: Any, endpoint: Endpoint, unique_name: str) -> None:
    topic = sns.create_topic(Name=unique_name)["TopicArn"]
    answer = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)
    assert answer["SubscriptionArn"] == "pending confirmation"
    token = json.loads(endpoint.wait_for(1)[0][1])["Token"]
    sns.publish(TopicArn=topic, Message="too early")
    confirmed = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
    sns.publish(TopicArn=topic, Message="on time")
    requests = endpoint.wait_for(2)
    assert [json.loads(b)["Message"] for _, b in requests[1:]] == ["on time"]
    assert requests[1][0]["x-amz-sns-subscription-arn"] == confirmed


def test_raw_delivery_and_per_protocol_messages(sns: Any, sqs: Any, make_queue: Callable[..., tuple[str, str]],
                                                endpoint: Endpoint, unique_name: str) -> None:
    topic = sns.create_topic(Name=unique_name)["TopicArn"]
    raw_url, raw_arn = make_queue("raw")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=raw_arn, Attributes={"RawMessageDelivery": "true"})
    confirmed_http_subscription(sns, topic, endpoint, RawMessageDelivery="true")
    sns.publish(TopicArn=topic, MessageStructure="json",
                Message=json.dumps({"default": "plain", "sqs": "for queues", "http": "for hooks"}),
                MessageAttributes={"kind": {"DataType": "String", "StringValue": "bed"},
                                   "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
    [message] = drain(sqs, raw_url, wait=2, expect=1)
    assert message["Body"] == "for queues"
    assert message["MessageAttributes"]["kind"] == {"DataType": "String", "StringValue": "bed"}
    assert message["MessageAttributes"]["blob"]["BinaryValue"] == b"\x00\x01"
    headers, body = endpoint.wait_for(2)[1]
    assert body == b"for hooks" and headers["x-amz-sns-rawdelivery"] == "true"


def test_body_filters(sns: Any, sqs: Any, make_queue: Callable[..., tuple[str, str]], unique_name: str) -> None:
    topic = sns.create_topic(Name=unique_name)["TopicArn"]
    url, arn = make_queue("elderly")
    policy = {"patient": {"age": [{"numeric": [">=", 65]}], "ward": [{"suffix": "-east"}]}}
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"FilterPolicy": json.dumps(policy), "FilterPolicyScope": "MessageBody"})
    for age, ward in ((70, "b-east"), (30, "b-east"), (80, "b-west")):
        sns.publish(TopicArn=topic, Message=json.dumps({"patient": {"age": age, "ward": ward}}))
    sns.publish(TopicArn=topic, Message="not json at all")
    got = [json.loads(notification(m)["Message"])["patient"]["age"] for m in drain(sqs, url)]
    assert got == [70]


def test_fifo_topic_to_fifo_queue_keeps_order_and_drops_duplicates(
        sns: Any, sqs: Any, make_queue: Callable[..., tuple[str, str]], unique_name: str) -> None:
    topic = sns.create_topic(Name=f"{unique_name}.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    url, arn = make_queue("orders", fifo=True)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    sequence = []
    for i in range(5):
        sequence.append(sns.publish(TopicArn=topic, Message=f"step-{i}", MessageGroupId="ward-A",
                                    MessageDeduplicationId=f"d{i}")["SequenceNumber"])
    duplicate = sns.publish(TopicArn=topic, Message="step-0 again", MessageGroupId="ward-A",
                            MessageDeduplicationId="d0")
    batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "b1", "Message": "step-5", "MessageGroupId": "ward-A", "MessageDeduplicationId": "d5"}])
    assert duplicate["SequenceNumber"] == sequence[0] and sequence == sorted(sequence)
    assert batch["Successful"][0]["SequenceNumber"] > sequence[-1]
    bodies = [m["Body"] for m in drain(sqs, url)]
    assert bodies == [f"step-{i}" for i in range(6)]
    code = pytest.raises(Exception, sns.publish, TopicArn=topic, Message="x").value.response["Error"]["Message"]
    assert code == "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"


def test_publish_batch_fans_out_each_entry(sns: Any, sqs: Any, make_queue: Callable[..., tuple[str, str]],
                                           unique_name: str) -> None:
    topic = sns.create_topic(Name=unique_name)["TopicArn"]
    url, arn = make_queue("batch")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    result = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": f"e{i}", "Message": f"m{i}"} for i in range(10)])
    assert len(result["Successful"]) == 10 and result["Failed"] == []
    messages = drain(sqs, url)
    assert sorted(notification(m)["Message"] for m in messages) == sorted(f"m{i}" for i in range(10))
    verify_signature(notification(messages[0]))


def test_queue_that_does_not_exist_dead_letters_at_once(sns: Any, sqs: Any,
                                                        make_queue: Callable[..., tuple[str, str]],
                                                        unique_name: str) -> None:
    topic = sns.create_topic(Name=unique_name)["TopicArn"]
    dlq_url, dlq_arn = make_queue("dlq")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:000000000000:{unique_name}-gone",
                  Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
    sns.publish(TopicArn=topic, Message="lost?")
    assert [notification(m)["Message"] for m in drain(sqs, dlq_url)] == ["lost?"]


def test_unreachable_endpoint_is_retried(sns: Any, server: ServerProcess, unique_name: str) -> None:
    """Confirmation to a closed port fails; nothing breaks and the subscription stays pending."""
    topic = sns.create_topic(Name=unique_name)["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=f"http://127.0.0.1:{free_port()}/")
    server.advance_clock("1m")
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [s["SubscriptionArn"] for s in subs] == ["PendingConfirmation"]


def test_topic_delivery_policy_sets_http_retries(sns: Any, sqs: Any, make_queue: Callable[..., tuple[str, str]],
                                                 endpoint: Endpoint, server: ServerProcess,
                                                 unique_name: str) -> None:
    policy = {"http": {"defaultHealthyRetryPolicy": {"numRetries": 1, "minDelayTarget": 5, "maxDelayTarget": 5}}}
    topic = sns.create_topic(Name=unique_name, Attributes={"DeliveryPolicy": json.dumps(policy)})["TopicArn"]
    dlq_url, dlq_arn = make_queue("dlq")
    confirmed_http_subscription(sns, topic, endpoint, RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn}))
    endpoint.status = 500
    sns.publish(TopicArn=topic, Message="once more only")
    endpoint.wait_for(2)
    server.advance_clock("6s")
    [message] = drain(sqs, dlq_url, wait=2, expect=1)
    assert notification(message)["Message"] == "once more only"  # after 6 s, not AWS's default 60 s


def test_subscriptions_page_by_100(sns: Any, unique_name: str) -> None:
    topic = sns.create_topic(Name=unique_name)["TopicArn"]
    for i in range(103):
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:000000000000:{unique_name}-{i}")
    first = sns.list_subscriptions_by_topic(TopicArn=topic)
    second = sns.list_subscriptions_by_topic(TopicArn=topic, NextToken=first["NextToken"])
    assert len(first["Subscriptions"]) == 100 and len(second["Subscriptions"]) == 3 and "NextToken" not in second
    endpoints = {s["Endpoint"] for s in first["Subscriptions"] + second["Subscriptions"]}
    assert len(endpoints) == 103


def test_standard_topic_takes_a_message_group(sns: Any, sqs: Any, make_queue: Callable[..., tuple[str, str]],
                                              unique_name: str) -> None:
    topic = sns.create_topic(Name=unique_name)["TopicArn"]
    url, arn = make_queue("fair")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.publish(TopicArn=topic, Message="tenant message", MessageGroupId="tenant-1")
    assert [notification(m)["Message"] for m in drain(sqs, url)] == ["tenant message"]


def test_fifo_dedup_scope_per_message_group(sns: Any, sqs: Any, make_queue: Callable[..., tuple[str, str]],
                                            unique_name: str) -> None:
    topic = sns.create_topic(Name=f"{unique_name}.fifo", Attributes={
        "FifoTopic": "true", "FifoThroughputScope": "MessageGroup"})["TopicArn"]
    url, arn = make_queue("per-group", fifo=True, DeduplicationScope="messageGroup")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    for group in ("g1", "g2", "g1"):
        sns.publish(TopicArn=topic, Message=f"to {group}", MessageGroupId=group, MessageDeduplicationId="same")
    assert sorted(m["Body"] for m in drain(sqs, url)) == ["to g1", "to g2"]


def test_https_endpoint_with_a_self_signed_certificate(sns: Any, tmp_path: Path, unique_name: str) -> None:
    endpoint = Endpoint(tls_dir=tmp_path)
    try:
        topic = sns.create_topic(Name=unique_name)["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=endpoint.url)
        token = json.loads(endpoint.wait_for(1)[0][1])["Token"]
        sns.confirm_subscription(TopicArn=topic, Token=token)
        sns.publish(TopicArn=topic, Message="over tls")
        assert json.loads(endpoint.wait_for(2)[1][1])["Message"] == "over tls"
    finally:
        endpoint.close()


def test_lambda_and_email_subscriptions_are_recorded(sns: Any, sqs: Any, make_queue: Callable[..., tuple[str, str]],
                                                     unique_name: str) -> None:
    topic = sns.create_topic(Name=unique_name)["TopicArn"]
    dlq_url, dlq_arn = make_queue("dlq")
    function = f"arn:aws:lambda:us-east-1:000000000000:function:{unique_name}"
    sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function,
                        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ward@example.com")
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    listed = {s["Protocol"]: s["SubscriptionArn"] for s in subs}
    assert listed == {"lambda": sub["SubscriptionArn"], "email": "PendingConfirmation"}
    sns.publish(TopicArn=topic, Message="no functions yet")
    assert [notification(m)["Message"] for m in drain(sqs, dlq_url)] == ["no functions yet"]


def test_attribute_filters_on_arrays_numbers_and_absence(sns: Any, sqs: Any,
                                                         make_queue: Callable[..., tuple[str, str]],
                                                         unique_name: str) -> None:
    topic = sns.create_topic(Name=unique_name)["TopicArn"]
    url, arn = make_queue("beds")
    policy = {"beds": [{"anything-but": [100, 500]}], "vip": [{"exists": False}]}
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"FilterPolicy": json.dumps(policy)})
    sends = {"mixed": {"beds": {"DataType": "Number.Array", "StringValue": "[100, 50]"}},
             "taken": {"beds": {"DataType": "Number", "StringValue": "100"}},
             "vip": {"beds": {"DataType": "Number", "StringValue": "7"},
                     "vip": {"DataType": "String", "StringValue": "y"}},
             "huge": {"beds": {"DataType": "Number", "StringValue": "1e12"}}}
    for message, attributes in sends.items():
        sns.publish(TopicArn=topic, Message=message, MessageAttributes=attributes)
    sns.publish(TopicArn=topic, Message="no attributes")
    assert sorted(notification(m)["Message"] for m in drain(sqs, url)) == ["huge", "mixed"]
