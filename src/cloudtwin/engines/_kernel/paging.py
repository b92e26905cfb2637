"""Opaque continuation tokens: a JSON value, base64url-encoded, that clients hand back unread."""

from __future__ import annotations

import base64
from typing import Any

import orjson

from cloudtwin.engines._kernel.errors import Invalid


def encode_token(value: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(value)).decode("ascii")


def decode_token(token: str, what: str = "token") -> Any:
    try:
        return orjson.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, UnicodeEncodeError) as exc:
        raise Invalid(f"Invalid {what}", kind="token") from exc
