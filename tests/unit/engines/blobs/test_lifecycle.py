"""Lifecycle rules on the clock: transitions, restores of archived blobs, expirations."""

from __future__ import annotations

import pytest

from cloudtwin.clock import ManualClock
from cloudtwin.engines._kernel.errors import Conflict
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.blobs import BlobsEngine, Props, Rule, Transition
from cloudtwin.storage import Storage

SCOPE = Scope("000000000000", "us-east-1")
DAY = 86400


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def engine(clock: ManualClock) -> BlobsEngine:
    engine = BlobsEngine(Storage(None), clock, tier_order=("HOT", "COOL", "ARCHIVE"), archive_tiers={"ARCHIVE"})
    engine.create_container(SCOPE, "box")
    return engine


def test_transitions_then_restore(engine: BlobsEngine, clock: ManualClock) -> None:
    engine.put(SCOPE, "box", "rec/1", [b"audio"], Props(tier="HOT"))
    engine.put(SCOPE, "box", "other", [b"x"], Props(tier="HOT"))
    engine.set_rules("box", [Rule("tiers", prefix="rec/", transitions=(Transition(30, "COOL"), Transition(365, "ARCHIVE")))])
    engine.sweep(clock.now())
    assert engine.head("box", "rec/1").tier == "HOT"
    clock.advance(31 * DAY)
    engine.sweep(clock.now())
    assert engine.head("box", "rec/1").tier == "COOL" and engine.head("box", "other").tier == "HOT"
    clock.advance(365 * DAY)
    engine.sweep(clock.now())
    blob = engine.head("box", "rec/1")
    assert blob.tier == "ARCHIVE"
    with pytest.raises(Conflict):
        engine.read(SCOPE, blob)
    assert engine.restore(SCOPE, "box", "rec/1", None, days=2, delay=3600)
    with pytest.raises(Conflict):
        engine.read(SCOPE, engine.head("box", "rec/1"))
    clock.advance(3601)
    assert b"".join(engine.read(SCOPE, engine.head("box", "rec/1"))) == b"audio"
    clock.advance(3 * DAY)
    with pytest.raises(Conflict):
        engine.read(SCOPE, engine.head("box", "rec/1"))


def test_expiration_and_noncurrent_expiration(engine: BlobsEngine, clock: ManualClock) -> None:
    engine.set_versioning("box", True)
    old = engine.put(SCOPE, "box", "logs/a", [b"1"], Props())
    engine.put(SCOPE, "box", "logs/a", [b"2"], Props())
    engine.put(SCOPE, "box", "keep", [b"k"], Props(tags={"keep": "yes"}))
    engine.set_rules("box", [Rule("exp", expire_days=10, noncurrent_expire_days=5, tags={}, prefix="logs/")])
    clock.advance(6 * DAY)
    engine.sweep(clock.now())
    assert [b.version for b in engine.versions_of("box", "logs/a")] != [old.version]
    assert old.version not in [b.version for b in engine.versions_of("box", "logs/a")]
    clock.advance(5 * DAY)
    engine.sweep(clock.now())
    assert engine.list_blobs("box").blobs[0].key == "keep"
    assert engine.versions_of("box", "logs/a")[-1].marker


def test_abort_stale_uploads(engine: BlobsEngine, clock: ManualClock) -> None:
    upload = engine.start_upload(SCOPE, "box", "big", Props())
    engine.set_rules("box", [Rule("abort", abort_uploads_days=7)])
    clock.advance(8 * DAY)
    engine.sweep(clock.now())
    assert engine.uploads("box") == [] and upload.upload_id
