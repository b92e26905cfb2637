"""What an SNS subscriber receives: the notification JSON document, or the raw message.

The topic engine hands the wiring an Envelope; the wiring asks this renderer for the
queue message (body, SQS message attributes, group, dedup id) or the HTTP request (headers,
body) that AWS would deliver ("Amazon SNS message and JSON formats", "Amazon SNS raw message
delivery"). A message published with MessageStructure=json carries one text per protocol
in ``context["structure"]``; each subscriber gets its protocol's text or the default one.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import orjson

from cloudtwin.aws._delivery import HttpMessage, QueueMessage
from cloudtwin.aws.sns.signing import Signer
from cloudtwin.engines._kernel.dispatch import Envelope

CONFIRMATION_TEXT = ("You have chosen to subscribe to the topic {arn}.\n"
                     "To confirm the subscription, visit the SubscribeURL included in this message.")
USER_AGENT = "Amazon Simple Notification Service Agent"


@lru_cache(maxsize=256)
def iso_timestamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def confirm_url(endpoint: str, topic_arn: str, token: str) -> str:
    return f"{endpoint}/_cloudtwin/sns/confirm?TopicArn={quote(topic_arn)}&Token={token}"


@lru_cache(maxsize=4096)
def unsubscribe_url(endpoint: str, subscription_arn: str) -> str:
    return f"{endpoint}/_cloudtwin/sns/unsubscribe?SubscriptionArn={quote(subscription_arn)}"


class Renderer:
    """Envelopes -> deliveries. Signs each message once, however many subscribers get it."""

    def __init__(self, signer: Signer) -> None:
        self.signer = signer
        #: The last notification rendered, signed, without its per-subscriber fields.
        self._last_document: tuple[tuple[str, str], dict[str, Any]] = (("", ""), {})

    def for_queue(self, envelope: Envelope) -> QueueMessage:
        sub = envelope.context.get("subscription_attributes", {})
        if _is_raw(sub):
            attributes = {name: _sqs_attribute(value) for name, value in envelope.attributes.items()}
            size = sum(len(n) + len(v["DataType"]) + len(v.get("StringValue", "")) + len(v.get("BinaryValue", b""))
                       for n, v in attributes.items())
            body = _text_for(envelope, "sqs")
            return QueueMessage(body, {"message": attributes} if attributes else {}, size,
                                envelope.group, envelope.dedup_id)
        document = self.document(envelope, "sqs")
        return QueueMessage(orjson.dumps(document).decode(), {}, 0, envelope.group, envelope.dedup_id)

    def for_http(self, envelope: Envelope) -> HttpMessage:
        context = envelope.context
        sub = context.get("subscription_attributes", {})
        protocol = sub.get("Protocol", "http")
        kind = "SubscriptionConfirmation" if envelope.purpose == "confirmation" else "Notification"
        headers = [("x-amz-sns-message-type", kind), ("x-amz-sns-message-id", envelope.message_id),
                   ("x-amz-sns-topic-arn", context["topic_arn"]), ("user-agent", USER_AGENT),
                   ("content-type", _content_type(sub))]
        if kind == "Notification":
            headers.append(("x-amz-sns-subscription-arn", f"{context['topic_arn']}:{context['subscription']}"))
            if _is_raw(sub):
                headers.append(("x-amz-sns-rawdelivery", "true"))
                return HttpMessage(headers, _text_for(envelope, protocol).encode())
        return HttpMessage(headers, orjson.dumps(self.document(envelope, protocol)))

    def document(self, envelope: Envelope, protocol: str) -> dict[str, Any]:
        """The signed JSON document of a notification or a subscription confirmation."""
        context = envelope.context
        if envelope.purpose == "confirmation":
            return self._signed(envelope, self._confirmation(envelope))
        text = _text_for(envelope, protocol)
        key = (envelope.message_id, text)
        if self._last_document[0] != key:
            self._last_document = (key, self._signed(envelope, self._notification(envelope, text)))
        doc = dict(self._last_document[1])
        subscription = f"{context['topic_arn']}:{context['subscription']}"
        doc["UnsubscribeURL"] = unsubscribe_url(context["endpoint"], subscription)
        if envelope.attributes:
            doc["MessageAttributes"] = {n: _json_attribute(v) for n, v in envelope.attributes.items()}
        return doc

    @staticmethod
    def _confirmation(envelope: Envelope) -> dict[str, Any]:
        context = envelope.context
        topic, token = context["topic_arn"], context["token"]
        return {"Type": "SubscriptionConfirmation", "MessageId": envelope.message_id, "Token": token,
                "TopicArn": topic, "Message": CONFIRMATION_TEXT.format(arn=topic),
                "SubscribeURL": confirm_url(context["endpoint"], topic, token),
                "Timestamp": iso_timestamp(envelope.timestamp)}

    @staticmethod
    def _notification(envelope: Envelope, text: str) -> dict[str, Any]:
        doc = {"Type": "Notification", "MessageId": envelope.message_id}
        if envelope.sequence is not None:
            doc["SequenceNumber"] = f"{envelope.sequence:020d}"
        doc["TopicArn"] = envelope.context["topic_arn"]
        if envelope.context.get("subject") is not None:
            doc["Subject"] = envelope.context["subject"]
        doc["Message"] = text
        doc["Timestamp"] = iso_timestamp(envelope.timestamp)
        return doc

    def _signed(self, envelope: Envelope, doc: dict[str, Any]) -> dict[str, Any]:
        version = envelope.context.get("signature_version", "1")
        doc.update(SignatureVersion=version, Signature=self.signer.sign(doc, version),
                   SigningCertURL=envelope.context["endpoint"] + self.signer.cert_path)
        return doc


def _is_raw(sub: Mapping[str, str]) -> bool:
    return sub.get("RawMessageDelivery", "false").lower() == "true"


def _content_type(sub: Mapping[str, str]) -> str:
    policy = sub.get("DeliveryPolicy")
    if policy:
        try:
            value = orjson.loads(policy).get("requestPolicy", {}).get("headerContentType")
            if isinstance(value, str):
                return value
        except (orjson.JSONDecodeError, AttributeError):
            pass
    return "text/plain; charset=UTF-8"


def _text_for(envelope: Envelope, protocol: str) -> str:
    structure = envelope.context.get("structure")
    if not structure:
        return envelope.body
    return str(structure.get(protocol, structure["default"]))


def _sqs_attribute(value: Mapping[str, str]) -> dict[str, Any]:
    if "BinaryValue" in value:
        return {"DataType": value["DataType"], "BinaryValue": base64.b64decode(value["BinaryValue"])}
    return {"DataType": value["DataType"], "StringValue": value["StringValue"]}


def _json_attribute(value: Mapping[str, str]) -> dict[str, str]:
    return {"Type": value["DataType"], "Value": value.get("StringValue", value.get("BinaryValue", ""))}
