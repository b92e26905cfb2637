"""Message attributes and message system attributes of SendMessage: checked as SQS checks
them (names, data types, values, at most 10), and sized as SQS counts them toward the
message size limit (name + data type + value bytes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from cloudtwin.protocols.aws.errors import AwsError

MAX_ATTRIBUTES = 10
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,256}")
_RESERVED = ("aws.", "amazon.")
_INVALID_TEXT = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SYSTEM_NAMES = ("AWSTraceHeader",)


def invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterValue", message)


def check_text(text: str) -> None:
    """SQS's allowed characters: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF."""
    if _INVALID_TEXT.search(text):
        raise AwsError("InvalidMessageContents", "Invalid characters found. Valid unicode characters are #x9 | "
                       "#xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")


def _check_name(name: str, kind: str) -> None:
    lowered = name.lower()
    if (not _NAME.fullmatch(name) or ".." in name or name.startswith(".") or name.endswith(".")
            or lowered.startswith(_RESERVED)):
        raise invalid(f"Message ({kind}) attribute name '{name}' is invalid. Names can only include alphanumeric "
                      "characters, hyphens, underscores, or periods, cannot start with AWS. or Amazon., cannot "
                      "start or end with a period or have two periods in a row, and are 1 to 256 in length.")


def _checked_value(name: str, value: Mapping[str, Any], kind: str) -> tuple[dict[str, Any], int]:
    data_type = value.get("DataType") or ""
    base = data_type.split(".", 1)[0]
    if not data_type:
        raise invalid(f"The message attribute '{name}' must contain non-empty message attribute type.")
    if base not in ("String", "Number", "Binary"):
        raise invalid(f"The type of message ({kind}) attribute '{name}' is invalid. You must use only the "
                      "following supported type prefixes: Binary, Number, String.")
    if value.get("StringListValues") or value.get("BinaryListValues"):
        raise invalid("Message attribute list values in SendMessage operation are not supported.")
    field = "BinaryValue" if base == "Binary" else "StringValue"
    raw = value.get(field)
    if raw is None or len(raw) == 0:
        raise invalid(f"The message attribute '{name}' with type '{base}' must use field "
                      f"'{field.removesuffix('Value')}'.")
    if base == "Binary":
        return {"DataType": data_type, "BinaryValue": bytes(raw)}, len(raw)
    check_text(raw)
    if base == "Number":
        _check_number(name, raw, kind)
    return {"DataType": data_type, "StringValue": raw}, len(raw.encode("utf-8"))


def _check_number(name: str, raw: str, kind: str) -> None:
    try:
        number = Decimal(raw.strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise invalid(f"Can't cast the value of message ({kind}) attribute '{name}' to a number.")


def checked(given: Mapping[str, Mapping[str, Any]] | None, kind: str = "user") -> tuple[dict[str, Any], int]:
    """(attributes as stored, bytes they count) of SendMessage's MessageAttributes."""
    if not given:
        return {}, 0
    if len(given) > MAX_ATTRIBUTES:
        raise invalid(f"Number of message attributes [{len(given)}] exceeds the allowed maximum "
                      f"[{MAX_ATTRIBUTES}].")
    out, size = {}, 0
    for name, value in given.items():
        _check_name(name, kind)
        out[name], value_size = _checked_value(name, value, kind)
        size += len(name.encode("utf-8")) + len(out[name]["DataType"].encode("utf-8")) + value_size
    return out, size


def checked_system(given: Mapping[str, Mapping[str, Any]] | None) -> tuple[dict[str, Any], int]:
    """Message system attributes: only AWSTraceHeader, a String."""
    if not given:
        return {}, 0
    for name, value in given.items():
        if name not in SYSTEM_NAMES:
            raise invalid(f"Message system attribute name '{name}' is invalid.")
        if value.get("DataType") != "String":
            raise invalid(f"The message system attribute '{name}' must be of type 'String'.")
    return checked(given, "system")


def selected(attributes: Mapping[str, Any], names: list[str] | None) -> dict[str, Any]:
    """The attributes a ReceiveMessage's MessageAttributeNames asks for ("All", ".*", "prefix.*")."""
    if not names or not attributes:
        return {}
    if "All" in names or ".*" in names:
        return dict(attributes)
    prefixes = tuple(n[:-1] for n in names if n.endswith(".*"))
    return {k: v for k, v in attributes.items() if k in names or (prefixes and k.startswith(prefixes))}
