"""The blob engine: containers of blobs with versions, delete markers, retention, encryption.

Models Amazon S3 (User Guide: "Working with objects", "Using versioning in S3 buckets",
"Locking objects with Object Lock", "Protecting data with server-side encryption") and Azure
Blob Storage (containers, blob versions, immutability policies) where they agree.
Invariants:
1. A body is on disk before the metadata naming it is written; a failed or refused write
   (a digest mismatch, a condition) leaves the previous version untouched.
2. Exactly one version of a key is ``latest``; without versioning that version is "null", and
   a write replaces it.
3. A version under retention or legal hold is never removed: not by a delete, not by
   lifecycle; governance retention yields only to a caller who asks to bypass it.
4. Body files are removed from disk only by the sweep, after the commit that forgot them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from cloudtwin.clock import Clock
from cloudtwin.engines._kernel.errors import Conflict, NotFound, PreconditionFailed
from cloudtwin.engines._kernel.ids import new_hex
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.blobs.bodies import BodyStore, Segment, Written
from cloudtwin.engines.blobs.lifecycle import apply_rules
from cloudtwin.engines.blobs.listing import walk
from cloudtwin.engines.blobs.model import (
    COMPLIANCE, ENABLED, GOVERNANCE, NULL_VERSION, UNVERSIONED, Blob, Container, Digest, Event, Item, Listed, Page,
    Props, Restore, Retention, Sealing, Staging,
)
from cloudtwin.engines.blobs.sealing import KeyProvider, Sealer, key_md5, load_master_key
from cloudtwin.engines.blobs.store import SCHEMA, BlobStore, Row, blob_doc, listed
from cloudtwin.engines.blobs.uploads import Uploads
from cloudtwin.storage import Storage

EventSink = Callable[[Event], None]


def new_version_id() -> str:
    return new_hex(16)


class BlobsEngine(Uploads):
    def __init__(self, storage: Storage, clock: Clock, keys: KeyProvider | None = None,
                 on_event: EventSink | None = None, tier_order: Sequence[str] = (),
                 archive_tiers: Iterable[str] = ()) -> None:
        self.db = storage.open("blobs", SCHEMA)
        self.store = BlobStore(self.db)
        self.known = {}
        self.clock = clock
        folder: Path | None = storage.body_dir("blobs")
        self.bodies = BodyStore(folder, durable=storage.durability == "power")
        self.sealer = Sealer(load_master_key(folder), keys)
        self.on_event = on_event
        #: Storage tiers from warmest to coldest: lifecycle only ever moves a blob colder.
        self.tier_order = tuple(tier_order)
        #: Tiers whose blobs must be restored before they can be read.
        self.archive_tiers: frozenset[str] = frozenset(archive_tiers)
        #: The day (of the clock) lifecycle rules last ran; None: run at the next sweep.
        self.rules_ran_on: int | None = None

    # -- lifecycle of the engine ------------------------------------------------------------------
    def reset(self) -> None:
        with self.db.atomic():
            self.store.discard(self.store.clear())
        self.known.clear()

    def sweep(self, now: float) -> None:
        if self.rules_ran_on != int(now // 86400):
            apply_rules(self, now)
            self.rules_ran_on = int(now // 86400)
        if not self.db.in_transaction:  # only what a commit has already forgotten may go
            garbage = self.store.garbage(1000)
            if garbage:
                self.bodies.remove(garbage)
                with self.db.atomic():
                    self.store.forget_garbage(garbage)

    def emit(self, scope: Scope, kind: str, how: str, blob: Blob) -> None:
        if self.on_event is not None:
            self.on_event(Event(scope.tenant, scope.location, blob.container, kind, how, blob, self.clock.now()))

    # -- writing ----------------------------------------------------------------------------------
    def put(self, scope: Scope, container: str, key: str, chunks: Iterable[bytes], props: Props, *,
            sealing: Sealing = Sealing(), digests: Sequence[Digest] = (), if_absent: bool = False,
            if_match: str | None = None, how: str = "put") -> Blob:
        """Store a new version of ``key`` from ``chunks``; refuse (PreconditionFailed) when
        ``if_absent`` and the key exists, or when ``if_match`` is not the current etag."""
        staging = self.stage(scope, container, key, sealing, if_absent, if_match)
        written = self.write(staging, chunks, digests)
        return self.commit(scope, staging, written, props, how)

    def stage(self, scope: Scope, container: str, key: str, sealing: Sealing = Sealing(), if_absent: bool = False,
              if_match: str | None = None) -> Staging:
        """Check a write may happen and make its data key: the first of put's three steps."""
        cid, _ = self.container_row(container)
        self._check_write_conditions(cid, key, if_absent, if_match)
        data_key, wrapped, key_ref = self.sealer.new_key(scope, sealing, (container, key))
        return Staging(container, key, sealing, data_key, wrapped, key_ref, if_absent, if_match)

    def write(self, staging: Staging, chunks: Iterable[bytes], digests: Sequence[Digest] = ()) -> Written:
        """Write a staged body to disk, unnamed yet. Touches no database and no shared state, so
        a caller may run it in a worker thread while the engine serves others."""
        return self.bodies.write(chunks, staging.data_key, digests)

    def commit(self, scope: Scope, staging: Staging, written: Written, props: Props, how: str = "put") -> Blob:
        """Make a written body the key's latest version (its conditions checked again: others
        may have written meanwhile); a refused body is removed."""
        segment = written.segment
        try:
            cid, box = self.container_row(staging.container)
            self._check_write_conditions(cid, staging.key, staging.if_absent, staging.if_match)
            now, sealing = self.clock.now(), staging.sealing
            blob = Blob(staging.container, staging.key, self.version_for(box), True, False, segment.size, written.md5,
                        now, self.with_default_retention(box, props, now), written.digests, 0, sealing.mode,
                        staging.key_ref, key_md5(sealing.customer_key) if sealing.mode == "customer" else b"",
                        None, now, None)
            return self.install(scope, cid, box, blob, [segment], staging.wrapped, how)
        except BaseException:
            self.bodies.remove([segment.file_id])
            raise

    @staticmethod
    def version_for(box: Container) -> str:
        """The version id of a new blob of ``box``: a fresh one when versioning is on, else "null"."""
        return new_version_id() if box.versioning == ENABLED else NULL_VERSION

    def install(self, scope: Scope, cid: int, box: Container, blob: Blob, segments: list[Segment],
                wrapped: bytes, how: str) -> Blob:
        """Make ``blob`` (whose body is on disk, its version from ``version_for``) the latest
        version of its key."""
        with self.db.atomic():
            if blob.version == NULL_VERSION:
                self._drop_null_version(cid, blob.key)
            self.store.demote(cid, blob.key, blob.modified)
            self.store.insert_blob(cid, blob, blob_doc(blob, segments, wrapped))
        self.emit(scope, "removed" if blob.marker else "created", how, blob)
        return blob

    def _drop_null_version(self, cid: int, key: str) -> None:
        row = self.store.version(cid, key, NULL_VERSION)
        if row is not None:
            old = Row("", row)
            self._check_removable(old.blob, bypass=False)
            self.store.delete_blob(old.seq)
            self.store.discard(s.file_id for s in old.segments)

    def _check_write_conditions(self, cid: int, key: str, if_absent: bool, if_match: str | None) -> None:
        if not if_absent and if_match is None:
            return
        row = self.store.latest(cid, key)
        current = None if row is None or row[4] else Row("", row).blob
        if if_absent and current is not None:
            raise PreconditionFailed("At least one of the pre-conditions you specified did not hold",
                                     kind="blob", name=key)
        if if_match is not None:
            if current is None:
                raise NotFound("The specified key does not exist.", kind="blob", name=key)
            if if_match not in ("*", current.etag):
                raise PreconditionFailed("At least one of the pre-conditions you specified did not hold",
                                         kind="blob", name=key)

    @staticmethod
    def with_default_retention(box: Container, props: Props, now: float) -> Props:
        if props.retention is not None or box.default_retention is None:
            return props
        mode, seconds = box.default_retention
        return replace(props, retention=Retention(mode, now + seconds))

    # -- reading ----------------------------------------------------------------------------------
    def head(self, container: str, key: str, version: str | None = None) -> Blob:
        """The latest version of ``key`` (NotFound when it is a delete marker), or ``version``."""
        return self._row(self.container_row(container)[0], container, key, version).blob

    def read(self, scope: Scope, blob: Blob, start: int = 0, end: int | None = None,
             sealing: Sealing | None = None) -> Iterator[bytes]:
        """The plaintext of ``blob``, bytes ``start``..``end`` inclusive; checks keys and tiers first,
        so a refusal is raised here, before the first chunk."""
        if blob.marker:
            raise Conflict("The specified method is not allowed against this resource.", kind="marker",
                           name=blob.key)
        now = self.clock.now()
        if blob.tier in self.archive_tiers and not (blob.restore and blob.restore.ready_at <= now
                                                    < blob.restore.expires_at):
            raise Conflict("The operation is not valid for the object's storage class", kind="archived",
                           name=blob.key)
        row = blob.body or self._row(self.container_row(blob.container)[0], blob.container, blob.key, blob.version)
        data_key = self.sealer.open_key(scope, blob.sealing_mode, blob.key_ref, row.wrapped, sealing,
                                        (blob.container, blob.key))
        last = blob.size - 1 if end is None else min(end, blob.size - 1)
        return self.bodies.read(row.segments, data_key, start, last)

    def part_sizes(self, blob: Blob) -> list[int]:
        """The sizes of a blob's parts, in order (a blob written whole is one part)."""
        if not blob.parts:
            return [blob.size]
        row = blob.body or self._row(self.container_row(blob.container)[0], blob.container, blob.key, blob.version)
        return [segment.size for segment in row.segments]

    def part_span(self, blob: Blob, number: int) -> tuple[int, int] | None:
        """(first, last) byte of part ``number``; None when the blob has no such part."""
        sizes = self.part_sizes(blob)
        if not 1 <= number <= len(sizes):
            return None
        first = sum(sizes[:number - 1])
        return first, first + sizes[number - 1] - 1

    def _row(self, cid: int, container: str, key: str, version: str | None) -> Row:
        if version is None:
            raw = self.store.latest(cid, key)
            if raw is None:
                raise NotFound("The specified key does not exist.", kind="blob", name=key)
            row = Row(container, raw)
            if row.blob.marker:
                raise NotFound("The specified key does not exist.", kind="blob", name=key, marker=row.blob)
            return row
        raw = self.store.version(cid, key, version)
        if raw is None:
            raise NotFound("The specified version does not exist.", kind="version", name=version)
        return Row(container, raw)

    # -- deleting ---------------------------------------------------------------------------------
    def delete(self, scope: Scope, container: str, key: str, version: str | None = None,
               bypass: bool = False) -> Blob | None:
        """Delete ``key`` (a delete marker when versioned) or remove one version for good.

        Returns the marker made or the version removed; None when there was nothing."""
        cid, box = self.container_row(container)
        if version is not None:
            return self._remove_version(scope, cid, container, key, version, bypass)
        if box.versioning == UNVERSIONED:
            return self._remove_version(scope, cid, container, key, NULL_VERSION, bypass)
        now = self.clock.now()
        marker = Blob(container, key, self.version_for(box), True, True, 0, "", now, Props(), {}, 0, "", "", b"", None, now, None)
        return self.install(scope, cid, box, marker, [], b"", "marker")

    def _remove_version(self, scope: Scope, cid: int, container: str, key: str, version: str,
                        bypass: bool) -> Blob | None:
        raw = self.store.version(cid, key, version)
        if raw is None:
            return None
        row = Row(container, raw)
        self._check_removable(row.blob, bypass)
        with self.db.atomic():
            self.store.delete_blob(row.seq)
            self.store.discard(s.file_id for s in row.segments)
            if row.blob.latest:
                newest = self.store.newest_other(cid, key)
                if newest is not None:
                    self.store.promote(newest)
        self.emit(scope, "removed", "version", row.blob)
        return row.blob

    def _check_removable(self, blob: Blob, bypass: bool) -> None:
        props = blob.props
        if props.legal_hold:
            raise Conflict("Access Denied because object protected by object lock.", kind="locked", name=blob.key)
        retention = props.retention
        if retention and retention.until > self.clock.now():
            if retention.mode == COMPLIANCE or not bypass:
                raise Conflict("Access Denied because object protected by object lock.", kind="locked",
                               name=blob.key)

    # -- listing ----------------------------------------------------------------------------------
    def list_blobs(self, container: str, prefix: str = "", delimiter: str = "", after: str = "",
                   limit: int = 1000) -> Page[Listed]:
        """Current blobs (no delete markers) in key order, after ``after``, as listing summaries."""
        cid = self.container_row(container)[0]
        fetch = lambda low, inclusive, n: self.store.current_after(cid, low, inclusive, n)  # noqa: E731
        entries, truncated = walk(fetch, prefix, delimiter, after, False, limit)
        return _page(entries, truncated, listed)

    def list_versions(self, container: str, prefix: str = "", delimiter: str = "", after_key: str = "",
                      after_version: str = "", limit: int = 1000) -> Page[Blob]:
        """Every version and marker, by key then newest first, after (``after_key``, ``after_version``)."""
        cid = self.container_row(container)[0]
        head: list[tuple[object, ...]] = []
        if after_key and after_version:
            rows = list(reversed(self.store.key_versions(cid, after_key)))
            seqs = [r[2] for r in rows]
            if after_version in seqs:
                head = rows[seqs.index(after_version) + 1:]
        fetch = lambda low, inclusive, n: self.store.versions_after(cid, low, inclusive, n)  # noqa: E731
        if head and after_key.startswith(prefix) and not (delimiter and delimiter in after_key[len(prefix):]):
            more, truncated = walk(fetch, prefix, delimiter, after_key, False, max(limit - len(head), 0))
            entries = [*head[:limit], *more]
            truncated = truncated or len(head) > limit
        else:
            entries, truncated = walk(fetch, prefix, delimiter, after_key, False, limit)
        return _page(entries, truncated, lambda row: Row(container, row).blob)

    def versions_of(self, container: str, key: str) -> list[Blob]:
        return [Row(container, r).blob for r in self.store.key_versions(self.container_row(container)[0], key)]

    # -- changing a version in place ----------------------------------------------------------------
    def update(self, container: str, key: str, version: str | None, change: Callable[[Blob], Blob]) -> Blob:
        """Apply ``change`` to a stored version's properties (tags, retention, hold, tier, restore)."""
        cid = self.container_row(container)[0]
        row = self._row(cid, container, key, version)
        if row.blob.marker:
            raise Conflict("The specified method is not allowed against this resource.", kind="marker", name=key)
        blob = change(row.blob)
        with self.db.atomic():
            self.store.replace_doc(row.seq, blob.tier, blob_doc(blob, row.segments, row.wrapped))
        return blob

    def set_retention(self, container: str, key: str, version: str | None, retention: Retention | None,
                      bypass: bool = False) -> Blob:
        def change(blob: Blob) -> Blob:
            current = blob.props.retention
            if current and current.until > self.clock.now():
                shorter = retention is None or retention.until < current.until or retention.mode != current.mode
                if shorter and (current.mode == COMPLIANCE or not bypass):
                    raise Conflict("Access Denied because object protected by object lock.", kind="locked",
                                   name=key)
            return replace(blob, props=replace(blob.props, retention=retention))

        return self.update(container, key, version, change)

    def restore(self, scope: Scope, container: str, key: str, version: str | None, days: int,
                delay: float) -> bool:
        """Start a temporary readable copy of an archived blob, ready after ``delay`` seconds and
        kept ``days`` days; returns False when a copy already exists (its expiry is extended)."""
        now = self.clock.now()
        blob = self.head(container, key, version)
        if blob.tier not in self.archive_tiers:
            raise Conflict("Restore is not allowed for the object's current storage class", kind="not-archived",
                           name=key)
        fresh = blob.restore is None
        ready = now + delay if fresh else blob.restore.ready_at  # type: ignore[union-attr]
        self.update(container, key, version, lambda b: replace(b, restore=Restore(ready, ready + days * 86400.0)))
        return fresh



def _page(entries: Sequence[object], truncated: bool, item: Callable[[tuple[Any, ...]], Item]) -> Page[Item]:
    blobs = [item(e) for e in entries if isinstance(e, tuple)]
    prefixes = [e for e in entries if isinstance(e, str)]
    last = entries[-1] if entries else None
    next_key = last if isinstance(last, str) else (last[1] if last else "")  # type: ignore[index]
    next_version = last[2] if isinstance(last, tuple) else ""
    return Page(blobs, prefixes, truncated, next_key, next_version)


__all__ = ["BlobsEngine", "GOVERNANCE", "COMPLIANCE"]
