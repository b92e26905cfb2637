"""What a face's renderer hands the dispatch wiring: a queue message or an HTTP request.

A face that sends through the Dispatch port (SNS notifications, S3 event notifications)
registers a renderer in server/wiring.py; for each Envelope the wiring asks it for one of
these, then sends it to the queue engine or POSTs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class QueueMessage:
    """A message for the queue engine: body, attributes in the queue face's form, and their size."""

    body: str
    attributes: dict[str, Any]
    attributes_size: int = 0
    group: str | None = None
    dedup_id: str | None = None


@dataclass(frozen=True)
class HttpMessage:
    """A POST to an endpoint: its headers and body."""

    headers: list[tuple[str, str]]
    body: bytes
