"""The blob engine on ephemeral storage and a manual clock: versions, locks, uploads, listing."""

from __future__ import annotations

import hashlib
import zlib

import pytest

from cloudtwin.clock import ManualClock
from cloudtwin.engines._kernel.errors import Conflict, Invalid, LimitExceeded, NotFound, PreconditionFailed
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.blobs import GOVERNANCE, COMPLIANCE, BlobsEngine, Digest, Props, Retention, Sealing
from cloudtwin.storage import Storage

SCOPE = Scope("000000000000", "us-east-1")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def engine(clock: ManualClock) -> BlobsEngine:
    return BlobsEngine(Storage(None), clock, tier_order=("HOT", "COOL", "ARCHIVE"), archive_tiers={"ARCHIVE"})


def body(engine: BlobsEngine, container: str, key: str, version: str | None = None, **kw: object) -> bytes:
    blob = engine.head(container, key, version)
    return b"".join(engine.read(SCOPE, blob, **kw))  # type: ignore[arg-type]


def put(engine: BlobsEngine, key: str, data: bytes, container: str = "box", **kw: object) -> object:
    return engine.put(SCOPE, container, key, [data], Props(), **kw)  # type: ignore[arg-type]


def test_put_get_overwrite_and_range(engine: BlobsEngine) -> None:
    engine.create_container(SCOPE, "box")
    first = put(engine, "a.txt", b"hello world")
    assert first.etag == hashlib.md5(b"hello world").hexdigest() and first.version == "null"
    put(engine, "a.txt", b"0123456789" * 10)
    assert body(engine, "box", "a.txt") == b"0123456789" * 10
    assert body(engine, "box", "a.txt", start=15, end=33) == (b"0123456789" * 10)[15:34]
    assert len(engine.versions_of("box", "a.txt")) == 1


def test_bodies_on_disk_are_ciphertext(tmp_path: object, clock: ManualClock) -> None:
    storage = Storage(tmp_path)  # type: ignore[arg-type]
    engine = BlobsEngine(storage, clock)
    engine.create_container(SCOPE, "box")
    put(engine, "secret", b"PLAINTEXT-MARKER" * 100)
    storage.commit()
    for path in tmp_path.rglob("*"):  # type: ignore[attr-defined]
        if path.is_file():
            assert b"PLAINTEXT-MARKER" not in path.read_bytes()
    assert body(engine, "box", "secret") == b"PLAINTEXT-MARKER" * 100


def test_bad_digest_leaves_previous_version(engine: BlobsEngine) -> None:
    engine.create_container(SCOPE, "box")
    put(engine, "k", b"old")
    wrong = Digest("crc32", lambda: _Crc(), expected=b"\0\0\0\0")
    with pytest.raises(Invalid):
        put(engine, "k", b"new", digests=[wrong])
    assert body(engine, "box", "k") == b"old"
    ok = put(engine, "k", b"new", digests=[Digest("crc32", _Crc, zlib.crc32(b"new").to_bytes(4, "big"))])
    assert ok.digests["crc32"] == zlib.crc32(b"new").to_bytes(4, "big")


def test_interrupted_write_leaves_previous_version(engine: BlobsEngine) -> None:
    engine.create_container(SCOPE, "box")
    put(engine, "k", b"old")

    def broken() -> object:
        yield b"partial"
        raise ConnectionError("client went away")

    with pytest.raises(ConnectionError):
        engine.put(SCOPE, "box", "k", broken(), Props())
    assert body(engine, "box", "k") == b"old"
    assert not list(engine.bodies.tmp.iterdir())


def test_conditional_writes(engine: BlobsEngine) -> None:
    engine.create_container(SCOPE, "box")
    put(engine, "k", b"v1", if_absent=True)
    with pytest.raises(PreconditionFailed):
        put(engine, "k", b"v2", if_absent=True)
    with pytest.raises(PreconditionFailed):
        put(engine, "k", b"v2", if_match="nope")
    current = engine.head("box", "k")
    assert put(engine, "k", b"v2", if_match=current.etag).etag == hashlib.md5(b"v2").hexdigest()


def test_versions_markers_and_delete_by_version(engine: BlobsEngine) -> None:
    engine.create_container(SCOPE, "box")
    engine.set_versioning("box", True)
    v1 = put(engine, "k", b"one")
    v2 = put(engine, "k", b"two")
    marker = engine.delete(SCOPE, "box", "k")
    assert marker is not None and marker.marker
    with pytest.raises(NotFound) as missing:
        engine.head("box", "k")
    assert missing.value.extra["marker"].version == marker.version
    assert body(engine, "box", "k", v1.version) == b"one"
    engine.delete(SCOPE, "box", "k", marker.version)
    assert body(engine, "box", "k") == b"two"
    engine.delete(SCOPE, "box", "k", v2.version)
    assert body(engine, "box", "k") == b"one"
    page = engine.list_versions("box")
    assert [b.version for b in page.blobs] == [v1.version]


def test_retention_governance_and_compliance(engine: BlobsEngine, clock: ManualClock) -> None:
    engine.create_container(SCOPE, "box", lock_enabled=True)
    gov = engine.put(SCOPE, "box", "g", [b"x"], Props(retention=Retention(GOVERNANCE, clock.now() + 100)))
    comp = engine.put(SCOPE, "box", "c", [b"x"], Props(retention=Retention(COMPLIANCE, clock.now() + 100)))
    with pytest.raises(Conflict):
        engine.delete(SCOPE, "box", "g", gov.version)
    engine.delete(SCOPE, "box", "g", gov.version, bypass=True)
    with pytest.raises(Conflict):
        engine.delete(SCOPE, "box", "c", comp.version, bypass=True)
    with pytest.raises(Conflict):
        engine.set_retention("box", "c", comp.version, Retention(COMPLIANCE, clock.now() + 10))
    clock.advance(101)
    engine.delete(SCOPE, "box", "c", comp.version)
    with pytest.raises(Conflict):
        engine.set_versioning("box", False)


def test_listing_with_delimiter_and_pages(engine: BlobsEngine) -> None:
    engine.create_container(SCOPE, "box")
    for key in ["a/1", "a/2", "b", "c/x/1", "c/y", "d"]:
        put(engine, key, b".")
    page = engine.list_blobs("box", delimiter="/")
    assert page.prefixes == ["a/", "c/"] and [b.key for b in page.blobs] == ["b", "d"]
    first = engine.list_blobs("box", limit=2)
    assert first.truncated and [b.key for b in first.blobs] == ["a/1", "a/2"]
    rest = engine.list_blobs("box", after=first.next_key, limit=10)
    assert [b.key for b in rest.blobs] == ["b", "c/x/1", "c/y", "d"] and not rest.truncated
    nested = engine.list_blobs("box", prefix="c/", delimiter="/")
    assert nested.prefixes == ["c/x/"] and [b.key for b in nested.blobs] == ["c/y"]


def test_multipart_rules_and_composite_etag(engine: BlobsEngine) -> None:
    engine.create_container(SCOPE, "box")
    upload = engine.start_upload(SCOPE, "box", "big", Props())
    p1 = engine.put_part(SCOPE, "box", "big", upload.upload_id, 1, [b"a" * 10])
    p2 = engine.put_part(SCOPE, "box", "big", upload.upload_id, 2, [b"b" * 3])
    with pytest.raises(Invalid):
        engine.complete_upload(SCOPE, "box", "big", upload.upload_id, [(2, p2.etag), (1, p1.etag)], 5)
    with pytest.raises(LimitExceeded):
        engine.complete_upload(SCOPE, "box", "big", upload.upload_id, [(1, p1.etag), (2, p2.etag)], 20)
    blob = engine.complete_upload(SCOPE, "box", "big", upload.upload_id, [(1, p1.etag), (2, p2.etag)], 5)
    expected = hashlib.md5(bytes.fromhex(p1.etag) + bytes.fromhex(p2.etag)).hexdigest() + "-2"
    assert blob.etag == expected and blob.size == 13
    assert body(engine, "box", "big") == b"a" * 10 + b"b" * 3
    assert body(engine, "box", "big", start=8, end=11) == b"aabb"
    with pytest.raises(NotFound):
        engine.parts("box", "big", upload.upload_id)


def test_customer_keys(engine: BlobsEngine) -> None:
    engine.create_container(SCOPE, "box")
    key = b"k" * 32
    engine.put(SCOPE, "box", "c", [b"data"], Props(), sealing=Sealing("customer", customer_key=key))
    blob = engine.head("box", "c")
    assert b"".join(engine.read(SCOPE, blob, sealing=Sealing("customer", customer_key=key))) == b"data"
    with pytest.raises(Invalid):
        engine.read(SCOPE, blob, sealing=Sealing("customer", customer_key=b"z" * 32))
    with pytest.raises(Invalid):
        engine.read(SCOPE, blob)


def _crc() -> object:
    return _Crc()


class _Crc:
    def __init__(self) -> None:
        self.value = 0

    def update(self, data: bytes) -> None:
        self.value = zlib.crc32(data, self.value)

    def digest(self) -> bytes:
        return self.value.to_bytes(4, "big")
