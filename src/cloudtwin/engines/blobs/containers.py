"""Containers: create, find, list, delete; versioning state, retention defaults, settings, rules.

A container's name is unique across tenants (as S3 bucket names are); the tenant that made it
owns it and lists it. Settings are opaque documents a face keeps per container (access
policy, CORS, notification targets...); the engine stores them and never reads them.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from cloudtwin.clock import Clock
from cloudtwin.engines._kernel.errors import AlreadyExists, Conflict, NotFound
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.blobs.model import ENABLED, SUSPENDED, UNVERSIONED, Container, Rule, Transition
from cloudtwin.engines.blobs.store import BlobStore
from cloudtwin.storage import Database


def rule_from(doc: dict[str, Any]) -> Rule:
    doc = dict(doc)
    for name in ("transitions", "noncurrent_transitions"):
        doc[name] = tuple(Transition(**t) for t in doc[name])
    return Rule(**doc)


def container_from(name: str, created: float, doc: dict[str, Any]) -> Container:
    retention = doc.get("dr")
    return Container(name, created, doc.get("v", UNVERSIONED), bool(doc.get("lock")),
                     (retention[0], retention[1]) if retention else None, doc.get("s", {}),
                     tuple(rule_from(r) for r in doc.get("rules", ())))


class Containers:
    """The container half of the blob engine (mixed into BlobsEngine)."""

    db: Database
    store: BlobStore
    clock: Clock
    #: Containers by name, as read from the database (this engine is its only writer).
    known: dict[str, tuple[int, Container]]

    def container_row(self, name: str) -> tuple[int, Container]:
        cached = self.known.get(name)
        if cached is not None:
            return cached
        found = self.store.container(name)
        if found is None:
            raise NotFound("The specified bucket does not exist", kind="container", name=name)
        cid, _tenant, _location, created, doc = found
        self.known[name] = (cid, container_from(name, created, doc))
        return self.known[name]

    def container(self, name: str) -> Container:
        return self.container_row(name)[1]

    def container_owner(self, name: str) -> tuple[str, str]:
        """(tenant, location) of the container."""
        found = self.store.container(name)
        if found is None:
            raise NotFound("The specified bucket does not exist", kind="container", name=name)
        return found[1], found[2]

    def create_container(self, scope: Scope, name: str, *, lock_enabled: bool = False,
                         settings: dict[str, Any] | None = None) -> Container:
        found = self.store.container(name)
        if found is not None:
            raise AlreadyExists("The requested bucket name is not available", kind="container", name=name,
                                mine=found[1] == scope.tenant)
        doc = {"v": ENABLED if lock_enabled else UNVERSIONED, "lock": lock_enabled, "s": settings or {}}
        with self.db.atomic():
            self.store.insert_container(name, scope.tenant, scope.location, self.clock.now(), doc)
        self.known.pop(name, None)
        return self.container(name)

    def list_containers(self, scope: Scope) -> list[tuple[str, str, float]]:
        """(name, location, created) of the tenant's containers, by name."""
        return self.store.container_names(scope.tenant)

    def delete_container(self, name: str) -> None:
        cid, _ = self.container_row(name)
        if self.store.has_blobs(cid):
            raise Conflict("The bucket you tried to delete is not empty", kind="container-not-empty", name=name)
        with self.db.atomic():
            for upload_id, *_ in self.store.uploads(cid):
                self.store.discard(p[4]["sg"][0] for p in self.store.parts(upload_id))
                self.store.delete_upload(upload_id)
            self.store.delete_container(cid)
        self.known.pop(name, None)

    def _change(self, name: str, **changes: Any) -> Container:
        found = self.store.container(name)
        if found is None:
            raise NotFound("The specified bucket does not exist", kind="container", name=name)
        doc = {**found[4], **changes}
        with self.db.atomic():
            self.store.update_container(found[0], doc)
        self.known[name] = (found[0], container_from(name, found[3], doc))
        return self.known[name][1]

    def set_versioning(self, name: str, enabled: bool) -> Container:
        box = self.container(name)
        if box.lock_enabled and not enabled:
            raise Conflict("An Object Lock configuration is present on this bucket, so the versioning "
                           "state cannot be changed.", kind="locked-container", name=name)
        return self._change(name, v=ENABLED if enabled else SUSPENDED)

    def set_lock(self, name: str, default_retention: tuple[str, float] | None) -> Container:
        """Turn retention on for a versioned container, with an optional default (mode, seconds)."""
        box = self.container(name)
        if not box.lock_enabled and box.versioning != ENABLED:
            raise Conflict("Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
                           kind="unversioned-container", name=name)
        return self._change(name, lock=True, dr=list(default_retention) if default_retention else None)

    def set_setting(self, name: str, setting: str, value: Any) -> Container:
        """Keep (or, with None, forget) the face's document ``setting`` for the container."""
        settings = dict(self.container(name).settings)
        if value is None:
            settings.pop(setting, None)
        else:
            settings[setting] = value
        return self._change(name, s=settings)

    rules_ran_on: int | None

    def set_rules(self, name: str, rules: list[Rule]) -> Container:
        self.rules_ran_on = None  # new rules apply at the next sweep
        return self._change(name, rules=[asdict(r) for r in rules])
