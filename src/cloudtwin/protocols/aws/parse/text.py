"""Read a scalar that arrives as text (query params, URI labels, headers, XML) into its shape's type.

Every text-based location shares one set of rules: integers and floats in decimal (floats
also ``NaN``/``Infinity``), booleans as ``true``/``false``, blobs in base64, timestamps in
any of AWS's three formats. A value that does not fit raises ``WireValueError``; each protocol
words that as its own error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.model import Shape

from cloudtwin.protocols.aws.shapes import WireValueError, decode_blob, parse_timestamp

TextReader = Callable[[str], Any]


def _string(text: str) -> str:
    return text


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise WireValueError(f"'{text}' is not a valid integer") from None


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise WireValueError(f"'{text}' is not a valid number") from None


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise WireValueError(f"'{text}' is not a valid boolean")


def _timestamp(text: str) -> Any:
    try:
        return parse_timestamp(text)
    except (OverflowError, OSError, ValueError) as exc:
        raise WireValueError(f"'{text}' is not a valid timestamp") from exc


_READERS: dict[str, TextReader] = {
    "string": _string, "integer": _integer, "long": _integer, "float": _float, "double": _float,
    "boolean": _boolean, "timestamp": _timestamp, "blob": decode_blob,
}


def text_reader(shape: Shape) -> TextReader:
    """How to read ``shape``'s scalar from text (strings and unknown kinds are kept as text)."""
    return _READERS.get(shape.type_name, _string)
