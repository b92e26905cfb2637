"""Grants: permissions on one key given to a principal, retired or revoked later.

Models AWS KMS grants ("Grants in AWS KMS": CreateGrant, ListGrants, RetireGrant, RevokeGrant,
ListRetirableGrants). A grant is stored with its operations and constraints and listed back;
creating a grant with the name and parameters of an existing one returns that grant again.
Grants may be made on disabled keys and keys waiting for material, not on keys pending deletion.
Grants are recorded, not enforced (no authorization is enforced yet).
"""

from __future__ import annotations

import base64
import os
from typing import Any

from cloudtwin.clock import Clock
from cloudtwin.engines._kernel.errors import Invalid, NotFound
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.keys.catalog import KeyCatalog, check_not_pending_deletion
from cloudtwin.engines.keys.model import GRANT, GRANT_TOKEN, Grant
from cloudtwin.storage import Database

TOKEN_BYTES = 96


class Grants:
    def __init__(self, db: Database, catalog: KeyCatalog, clock: Clock) -> None:
        self.db = db
        self.catalog = catalog
        self.store = catalog.store
        self.clock = clock

    def create(self, scope: Scope, ref: str, grantee: str, operations: list[str], *, retiring: str = "",
               constraints: dict[str, Any] | None = None, name: str = "") -> Grant:
        key = self.catalog.get(scope, ref)
        check_not_pending_deletion(key)
        same = [g for g in self.store.grants(key.key_id) if name and g.name == name]
        wanted = (grantee, retiring, tuple(operations), constraints or {})
        for grant in same:
            if (grant.grantee, grant.retiring, grant.operations, grant.constraints) == wanted:
                return grant
        grant = Grant(os.urandom(32).hex(), key.key_id, name, grantee, retiring, tuple(operations),
                      constraints or {}, self.clock.now(), scope.tenant,
                      base64.urlsafe_b64encode(os.urandom(TOKEN_BYTES)).decode("ascii"))
        with self.db.atomic():
            self.store.insert_grant(scope, grant)
        return grant

    def grants(self, scope: Scope, ref: str) -> list[Grant]:
        return self.store.grants(self.catalog.get(scope, ref).key_id)

    def retirable(self, scope: Scope, retiring: str) -> list[Grant]:
        return self.store.retirable_grants(scope, retiring)

    def revoke(self, scope: Scope, ref: str, grant_id: str) -> None:
        self._delete(self._by_id(scope, ref, grant_id))

    def retire(self, scope: Scope, *, token: str = "", ref: str = "", grant_id: str = "") -> None:
        """Retire by grant token, or by key and grant id."""
        if token:
            grant = self.store.grant_by_token(token)
            if grant is None:
                raise Invalid("The grant token is not valid.", kind=GRANT_TOKEN)
            self._delete(grant)
        else:
            self._delete(self._by_id(scope, ref, grant_id))

    def _by_id(self, scope: Scope, ref: str, grant_id: str) -> Grant:
        key = self.catalog.get(scope, ref)
        for grant in self.store.grants(key.key_id):
            if grant.grant_id == grant_id:
                return grant
        raise NotFound(f"Grant ID {grant_id} not found", kind=GRANT, name=grant_id)

    def _delete(self, grant: Grant) -> None:
        with self.db.atomic():
            self.store.delete_grant(grant.grant_id)
