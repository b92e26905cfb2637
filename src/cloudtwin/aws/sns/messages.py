"""What a publisher sends: message attributes, MessageStructure=json, subjects, FIFO fields.

Validates them with AWS's errors ("Amazon SNS message attributes", "Publish") and turns them
into the topic engine's Message: attributes in the face's own form (binary as base64 text,
so the outbox can store them), and the filter document (String/String.Array/Number values;
Binary attributes are not filterable).
"""

from __future__ import annotations

import base64
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from cloudtwin.aws.sns.errors import invalid_parameter, invalid_value
from cloudtwin.engines.topics import Message, Topic

MAX_MESSAGE_BYTES = 256 * 1024
MAX_ATTRIBUTES = 10
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_\-.]{1,256}$")


def attribute_values(raw: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, str]], dict[str, Any], int]:
    """(attributes as stored, filter document, their size in bytes) of a publish's attributes."""
    if len(raw) > MAX_ATTRIBUTES:
        raise invalid_value(f"Number of message attributes [{len(raw)}] exceeds the allowed maximum "
                            f"[{MAX_ATTRIBUTES}].")
    stored: dict[str, dict[str, str]] = {}
    document: dict[str, Any] = {}
    size = 0
    for name, value in raw.items():
        if not _ATTRIBUTE_NAME.match(name) or name.startswith(("AWS.", "Amazon.")) or ".." in name:
            raise invalid_value(f"Invalid attribute name: {name}")
        data_type = value.get("DataType", "")
        base = data_type.split(".", 1)[0]
        if base not in ("String", "Number", "Binary"):
            raise invalid_value(f"The message attribute '{name}' has an invalid message attribute type, the set "
                                f"of supported type prefixes is Binary, Number, and String.")
        if base == "Binary":
            blob = value.get("BinaryValue")
            if not blob:
                raise invalid_value(f"The message attribute '{name}' must contain non-empty message attribute "
                                    f"value for message attribute type '{data_type}'.")
            stored[name] = {"DataType": data_type, "BinaryValue": base64.b64encode(blob).decode()}
            size += len(name) + len(data_type) + len(blob)
            continue
        text = value.get("StringValue")
        if text is None or text == "":
            raise invalid_value(f"The message attribute '{name}' must contain non-empty message attribute "
                                f"value for message attribute type '{data_type}'.")
        document[name] = _filter_value(name, data_type, text)
        stored[name] = {"DataType": data_type, "StringValue": text}
        size += len(name) + len(data_type) + len(text.encode())
    return stored, document, size


def _filter_value(name: str, data_type: str, text: str) -> Any:
    """The value filters see: a number, a list (the .Array types), or the text itself."""
    if data_type in ("String.Array", "Number.Array"):
        return _array_value(name, data_type, text)
    if data_type.startswith("Number"):
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise invalid_value(f"Could not cast message attribute '{name}' value to number.")
        return float(number)
    return text


def _array_value(name: str, data_type: str, text: str) -> list[Any]:
    try:
        values = orjson.loads(text)
    except orjson.JSONDecodeError:
        values = None
    numbers_only = data_type == "Number.Array"
    if not isinstance(values, list) or any(
            isinstance(v, (list, dict)) or numbers_only and (isinstance(v, bool) or not isinstance(v, (int, float)))
            for v in values):
        raise invalid_parameter(f"Message attribute '{name}' has an invalid value for data type {data_type}")
    return [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in values]


def structure(message: str, kind: str | None) -> dict[str, Any] | None:
    """The per-protocol texts of a MessageStructure=json message (None for plain messages)."""
    if kind is None:
        return None
    if kind != "json":
        raise invalid_parameter("MessageStructure")
    try:
        texts = orjson.loads(message)
    except orjson.JSONDecodeError as exc:
        raise invalid_parameter("Message Structure - JSON message body failed to parse") from exc
    if not isinstance(texts, dict) or "default" not in texts:
        raise invalid_parameter("Message Structure - No default entry in JSON message body")
    if not all(isinstance(v, str) for v in texts.values()):
        raise invalid_parameter("Message Structure - JSON message body failed to parse")
    return texts


def build_message(topic: Topic, p: dict[str, Any], context: dict[str, Any]) -> Message:
    """The engine Message for one Publish (or one PublishBatch entry) to ``topic``."""
    body = p.get("Message")
    if not body:
        raise invalid_parameter("Empty message")
    subject = p.get("Subject")
    if subject is not None and (not subject or len(subject) > 100 or not subject.isprintable()):
        raise invalid_parameter("Subject")
    stored, document, size = attribute_values(p.get("MessageAttributes") or {})
    if len(body.encode()) + size > MAX_MESSAGE_BYTES:
        raise invalid_parameter("Message too long")
    group, dedup_id = _fifo_fields(topic, p)
    texts = structure(body, p.get("MessageStructure"))
    context = {**context, "subject": subject}
    if texts is not None:
        context["structure"] = texts
    return Message(body, stored, document, group, dedup_id, context)


_ID = re.compile(r"^[A-Za-z0-9!-/:-@\[-`{-~]{1,128}$")


def _fifo_fields(topic: Topic, p: dict[str, Any]) -> tuple[str | None, str | None]:
    """(group, dedup id). Standard topics take a group too (forwarded for SQS fair queues)."""
    group, dedup_id = p.get("MessageGroupId"), p.get("MessageDeduplicationId")
    for name, value in (("MessageGroupId", group), ("MessageDeduplicationId", dedup_id)):
        if value is not None and not _ID.match(value):
            raise invalid_parameter(f"{name} Reason: {name} can only include alphanumeric and punctuation "
                                    f"characters. 1 to 128 in length.")
    if not topic.spec.ordered:
        if dedup_id is not None:
            raise invalid_parameter("MessageDeduplicationId Reason: The request includes MessageDeduplicationId "
                                    "parameter that is not valid for this topic type")
        return group, None
    if not group:
        raise invalid_parameter("The MessageGroupId parameter is required for FIFO topics")
    if not dedup_id and not topic.spec.content_dedup:
        raise invalid_parameter("The topic should either have ContentBasedDeduplication enabled or "
                                "MessageDeduplicationId provided explicitly")
    return group, dedup_id
