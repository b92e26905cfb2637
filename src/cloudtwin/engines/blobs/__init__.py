"""The blob engine: containers of versioned, encrypted blobs (S3 buckets, Azure Blob containers).

Public API: BlobsEngine, KeyProvider and the value objects of ``model``.
"""

from cloudtwin.engines.blobs.bodies import Written
from cloudtwin.engines.blobs.engine import BlobsEngine
from cloudtwin.engines.blobs.model import (
    COMPLIANCE, ENABLED, GOVERNANCE, NULL_VERSION, SUSPENDED, UNVERSIONED, Blob, Container, Digest, Event, Listed,
    Page, Part, Props, Restore, Retention, Rule, Sealing, Staging, Transition, Upload,
)
from cloudtwin.engines.blobs.sealing import KeyProvider

__all__ = [
    "COMPLIANCE", "ENABLED", "GOVERNANCE", "NULL_VERSION", "SUSPENDED", "UNVERSIONED", "Blob", "BlobsEngine",
    "Container", "Digest", "Event", "KeyProvider", "Listed", "Page", "Part", "Props", "Restore", "Retention", "Rule",
    "Sealing", "Staging", "Transition", "Upload", "Written",
]
