"""The batch form of an SQS operation: checks on the entries as a whole (1 to 10, distinct
and well-formed ids), then each entry through the single operation, failures reported per entry."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cloudtwin.engines._kernel.errors import EngineError
from cloudtwin.protocols.aws.errors import AwsError

MAX_ENTRIES = 10
_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")

Entry = dict[str, Any]


def check_entries(entries: list[Entry], entry_shape: str) -> None:
    if not entries:
        raise AwsError("EmptyBatchRequest", f"There should be at least one {entry_shape} in the request.")
    if len(entries) > MAX_ENTRIES:
        raise AwsError("TooManyEntriesInBatchRequest", f"Maximum number of entries per request are {MAX_ENTRIES}. "
                       f"You have sent {len(entries)}.")
    seen: set[str] = set()
    for entry in entries:
        entry_id = entry["Id"]
        if not _ID.fullmatch(entry_id):
            raise AwsError("InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, "
                           "hyphens and underscores. It can be at most 80 letters long.")
        if entry_id in seen:
            raise AwsError("BatchEntryIdsNotDistinct", f"Id {entry_id} repeated.")
        seen.add(entry_id)


def run_batch(entries: list[Entry], each: Callable[[Entry], dict[str, Any]],
              errors: Callable[[EngineError], AwsError]) -> dict[str, Any]:
    """{"Successful": [...], "Failed": [...]} of running ``each`` on every entry."""
    successful, failed = [], []
    for entry in entries:
        try:
            successful.append({"Id": entry["Id"], **each(entry)})
        except EngineError as exc:
            failed.append(_failure(entry["Id"], errors(exc)))
        except AwsError as error:
            failed.append(_failure(entry["Id"], error))
    return {"Successful": successful, "Failed": failed}


def _failure(entry_id: str, error: AwsError) -> Entry:
    return {"Id": entry_id, "SenderFault": error.sender_fault, "Code": error.code, "Message": error.message}
