"""Listings read what they show from columns; rows written before those columns existed still list right."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cloudtwin.clock import ManualClock
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.blobs import BlobsEngine, Digest, Props
from cloudtwin.storage import Storage

SCOPE = Scope("000000000000", "us-east-1")


def _put(engine: BlobsEngine, key: str, data: bytes) -> None:
    engine.put(SCOPE, "box", key, [data], Props(), digests=[Digest("sha256", hashlib.sha256)])


def test_listing_shows_etag_size_tier_and_digest_names(tmp_path: Path) -> None:
    engine = BlobsEngine(Storage(tmp_path), ManualClock())
    engine.create_container(SCOPE, "box")
    _put(engine, "a", b"hello")
    engine.put(SCOPE, "box", "b", [b"plain"], Props())
    listed = engine.list_blobs("box").blobs
    assert [(b.key, b.size, b.etag, b.tier, b.digests) for b in listed] == [
        ("a", 5, hashlib.md5(b"hello").hexdigest(), "", ("sha256",)),
        ("b", 5, hashlib.md5(b"plain").hexdigest(), "", ()),
    ]


def test_a_database_from_before_the_listing_columns_gets_them_and_lists_its_old_rows(tmp_path: Path) -> None:
    clock = ManualClock()
    storage = Storage(tmp_path)
    old = BlobsEngine(storage, clock)
    old.create_container(SCOPE, "box")
    _put(old, "old", b"from before")
    with old.db.atomic():  # the table as it was: no listing columns
        old.db.execute("ALTER TABLE blobs DROP COLUMN etag")
        old.db.execute("ALTER TABLE blobs DROP COLUMN digest_names")
    storage.close()

    engine = BlobsEngine(Storage(tmp_path), clock)
    _put(engine, "new", b"from after")
    listed = {b.key: (b.etag, b.digests) for b in engine.list_blobs("box").blobs}
    assert listed == {"old": (hashlib.md5(b"from before").hexdigest(), ("sha256",)),
                      "new": (hashlib.md5(b"from after").hexdigest(), ("sha256",))}
