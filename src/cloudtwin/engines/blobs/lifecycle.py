"""Lifecycle rules, applied by the sweep: tier transitions, expirations, cleanup of uploads.

Models S3 Lifecycle (User Guide: "Managing your storage lifecycle", "Lifecycle configuration
elements") and Azure Blob lifecycle management. A rule's "N days" come due at the first
midnight (UTC, on the engine's clock) after the blob's creation (or, for noncurrent versions,
the moment it stopped being current) plus N days, as S3 rounds them. Transitions only move a
blob to a colder tier. Versions under retention or legal hold are skipped, never removed.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from cloudtwin.engines._kernel.errors import Conflict
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.blobs.containers import container_from
from cloudtwin.engines.blobs.model import Blob, Rule, Transition
from cloudtwin.engines.blobs.store import Row

if TYPE_CHECKING:
    from cloudtwin.engines.blobs.engine import BlobsEngine

DAY = 86400.0


def due(since: float, days: int) -> float:
    """When "``days`` days after ``since``" comes due: the next midnight after it."""
    return math.ceil((since + days * DAY) / DAY) * DAY


def apply_rules(engine: "BlobsEngine", now: float) -> None:
    for cid, name, tenant, location, doc in engine.store.containers_with_rules():
        rules = [r for r in container_from(name, 0.0, doc).rules if r.enabled]
        scope = Scope(tenant, location)
        for raw in engine.store.all_versions(cid):
            row = Row(name, raw)
            for rule in rules:
                if row.blob.marker or not rule.matches(row.blob):
                    continue
                if _apply(engine, scope, rule, row, now):
                    break
        _abort_stale_uploads(engine, cid, name, rules, now)
        _remove_lone_markers(engine, scope, cid, name, rules)


def _apply(engine: "BlobsEngine", scope: Scope, rule: Rule, row: Row, now: float) -> bool:
    """Apply ``rule`` to one version; True when the version is gone or changed for this sweep."""
    blob = row.blob
    if blob.latest:
        expired = (rule.expire_days is not None and due(blob.modified, rule.expire_days) <= now) or (
            rule.expire_at is not None and rule.expire_at <= now)
        if expired:
            return _expire(engine, scope, blob, version=None)
        return _transition(engine, scope, blob, rule.transitions, blob.modified, now)
    since = blob.noncurrent_since or blob.modified
    if rule.noncurrent_expire_days is not None and due(since, rule.noncurrent_expire_days) <= now:
        return _expire(engine, scope, blob, version=blob.version)
    return _transition(engine, scope, blob, rule.noncurrent_transitions, since, now)


def _expire(engine: "BlobsEngine", scope: Scope, blob: Blob, version: str | None) -> bool:
    try:
        gone = engine.delete(scope, blob.container, blob.key, version)
    except Conflict:  # retained or on hold: lifecycle never removes it
        return False
    if gone is not None:
        engine.emit(scope, "expired", "marker" if gone.marker else "version", gone)
    return True


def _transition(engine: "BlobsEngine", scope: Scope, blob: Blob, transitions: tuple[Transition, ...],
                since: float, now: float) -> bool:
    ready = [t for t in transitions if due(since, t.days) <= now]
    if not ready:
        return False
    target = max(ready, key=lambda t: t.days).tier
    order = engine.tier_order
    rank = order.index(blob.tier) if blob.tier in order else -1
    if target not in order or order.index(target) <= rank:
        return False
    moved = engine.update(blob.container, blob.key, blob.version,
                          lambda b: replace(b, props=replace(b.props, tier=target), tier_since=now))
    engine.emit(scope, "transitioned", target, moved)
    return True


def _abort_stale_uploads(engine: "BlobsEngine", cid: int, name: str, rules: list[Rule], now: float) -> None:
    for upload in engine.uploads(name):
        for rule in rules:
            if (rule.abort_uploads_days is not None and upload.key.startswith(rule.prefix)
                    and due(upload.initiated, rule.abort_uploads_days) <= now):
                engine.abort_upload(name, upload.key, upload.upload_id)
                break


def _remove_lone_markers(engine: "BlobsEngine", scope: Scope, cid: int, name: str, rules: list[Rule]) -> None:
    """Delete markers left with no versions behind them ("expired object delete markers")."""
    if not any(r.remove_expired_markers for r in rules):
        return
    for raw in engine.store.all_versions(cid):
        row = Row(name, raw)
        blob = row.blob
        if blob.marker and blob.latest and len(engine.store.key_versions(cid, blob.key)) == 1:
            if any(r.remove_expired_markers and blob.key.startswith(r.prefix) for r in rules):
                engine.delete(scope, name, blob.key, blob.version)
