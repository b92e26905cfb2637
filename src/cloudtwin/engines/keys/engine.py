"""The keys engine: keys and their lifecycle, aliases, policies, tags, rotation and deletion.

Models AWS KMS ("Key states of AWS KMS keys", "Rotate AWS KMS keys", "Schedule key deletion",
"Aliases in AWS KMS") and Azure Key Vault keys (enable/disable, rotation policy, soft delete)
where they agree. Invariants:
1. A key always has at least one material version; the highest is current. Rotation adds a
   version and never removes one, so everything sealed under an older version still opens.
2. A key pending deletion is deleted by the sweep once the clock passes its date, with its
   material, aliases and grants; until then it can be cancelled (and comes back disabled).
3. Automatic rotation happens in the sweep when the clock passes the key's next rotation date
   (one version per date passed), only while the key is enabled; a key re-enabled after its
   date rotates at the next sweep.
Cryptographic use of keys lives in ``usage.KeyCrypto`` (``engine.crypto``), grants in
``grants.Grants`` (``engine.grants``), imported key material in ``imports.KeyImports``
(``engine.imports``).
"""

from __future__ import annotations

from dataclasses import replace

from cloudtwin.clock import Clock
from cloudtwin.engines._kernel.errors import AlreadyExists, Conflict, Invalid, LimitExceeded, NotFound
from cloudtwin.engines._kernel.ids import new_uuid
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.keys.catalog import KeyCatalog, check_not_pending_deletion, check_state, key_error
from cloudtwin.engines.keys.grants import Grants
from cloudtwin.engines.keys.imports import KeyImports
from cloudtwin.engines.keys.model import (
    ALIAS, ALIAS_TARGET, AUTOMATIC, CUSTOMER, DISABLED, ENABLED, ENCRYPT, GENERATED, IMPORTED, INITIAL,
    INTERNAL, KEY_STATE, KEY_TYPES, ON_DEMAND, PENDING_DELETION, PENDING_IMPORT, ROTATIONS, UNSUPPORTED, USAGE,
    Alias, KeyInfo, Material, NewKey,
)
from cloudtwin.engines.keys.store import SCHEMA, KeyStore
from cloudtwin.engines.keys.usage import KeyCrypto
from cloudtwin.engines.keys.vault import Vault, load_master_key
from cloudtwin.storage import Storage

DAY = 86400.0


class KeysEngine:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.db = storage.open("keys", SCHEMA)
        self.store = KeyStore(self.db)
        self.clock = clock
        self.catalog = KeyCatalog(self.store, Vault(load_master_key(storage.body_dir("keys"))))
        self.crypto = KeyCrypto(self.catalog)
        self.grants = Grants(self.db, self.catalog, clock)
        self.imports = KeyImports(self.db, self.catalog, clock)

    # -- lifecycle ------------------------------------------------------------------------------
    def reset(self) -> None:
        with self.db.atomic():
            self.store.clear()
        self.catalog.forget()

    def sweep(self, now: float) -> None:
        for key_id in self.store.due_deletions(now):
            with self.db.atomic():
                self.store.delete_key(key_id)
            self.catalog.forget(key_id)
        self.imports.expire(now)
        for key_id in self.store.due_rotations(now):
            key = self.store.key(key_id)
            if key is not None and key.state == ENABLED and key.rotation_days:
                self._rotate_on_schedule(key, now)

    # -- keys -----------------------------------------------------------------------------------
    def create_key(self, scope: Scope, new: NewKey) -> KeyInfo:
        key_type = KEY_TYPES.get(new.type)
        if key_type is None:
            raise Invalid(f"No key type {new.type!r}; the types are {', '.join(KEY_TYPES)}", kind=USAGE)
        if new.usage not in key_type.usages:
            raise Invalid(f"A {new.type} key cannot be made to {new.usage}", kind=USAGE)
        now = self.clock.now()
        key = KeyInfo(new_uuid(), scope, key_type, new.usage, PENDING_IMPORT if new.imported else ENABLED,
                      new.manager, new.description, now, 0, "", rotation_days=new.rotation_days,
                      next_rotation=now + new.rotation_days * DAY if new.rotation_days else None,
                      policies=dict(new.policies), tags=dict(new.tags),
                      origin=IMPORTED if new.imported else GENERATED)
        with self.db.atomic():
            self.store.insert_key(key)
            if not new.imported:
                key = self.catalog.add_material(key, INITIAL, now)
        return key

    def key(self, scope: Scope, ref: str) -> KeyInfo:
        return self.catalog.get(scope, ref)

    def keys(self, scope: Scope) -> list[KeyInfo]:
        """Every key of the scope a caller may list (not INTERNAL ones), ordered by id."""
        return [key for key in self.store.keys(scope) if key.manager != INTERNAL]

    def provider_key(self, scope: Scope, alias: str, new: NewKey) -> KeyInfo:
        """The key the provider manages under ``alias`` for a service, created on first use.

        With ``new.manager`` INTERNAL the key and its alias are never listed: a service's own
        key for encryption at rest (S3's SSE-S3), found only by the alias the service chose.
        """
        key = self.catalog.find(scope, alias)
        if key is not None:
            return key
        with self.db.atomic():
            key = self.create_key(scope, new)
            self.store.put_alias(scope, Alias(alias, key.key_id, key.created, key.created))
        return key

    def set_description(self, scope: Scope, ref: str, description: str) -> KeyInfo:
        key = self._changeable(scope, ref)
        return self._save(replace(key, description=description))

    def enable(self, scope: Scope, ref: str) -> KeyInfo:
        return self._save(replace(self._switchable(scope, ref), state=ENABLED))

    def disable(self, scope: Scope, ref: str) -> KeyInfo:
        return self._save(replace(self._switchable(scope, ref), state=DISABLED))

    def schedule_deletion(self, scope: Scope, ref: str, days: int) -> KeyInfo:
        key = self._changeable(scope, ref)
        delete_at = self.clock.now() + days * DAY
        return self._save(replace(key, state=PENDING_DELETION, delete_at=delete_at, delete_window_days=days))

    def cancel_deletion(self, scope: Scope, ref: str) -> KeyInfo:
        key = self._customer_key(scope, ref)
        if key.state != PENDING_DELETION:
            raise key_error(Conflict, KEY_STATE, key, scope, f"{key.key_id} is not pending deletion.")
        return self._save(replace(key, state=DISABLED, delete_at=None, delete_window_days=None))

    # -- policies and tags ----------------------------------------------------------------------
    def put_policy(self, scope: Scope, ref: str, name: str, document: str) -> KeyInfo:
        key = self._customer_key(scope, ref)
        return self._save(replace(key, policies={**key.policies, name: document}))

    def tag(self, scope: Scope, ref: str, tags: dict[str, str]) -> KeyInfo:
        key = self._changeable(scope, ref)
        return self._save(replace(key, tags={**key.tags, **tags}))

    def untag(self, scope: Scope, ref: str, names: list[str]) -> KeyInfo:
        key = self._changeable(scope, ref)
        return self._save(replace(key, tags={k: v for k, v in key.tags.items() if k not in names}))

    # -- rotation -------------------------------------------------------------------------------
    def enable_rotation(self, scope: Scope, ref: str, days: int) -> KeyInfo:
        """Rotate every ``days`` from now on; when rotation is on already, a new period counts
        from the last scheduled rotation (or from when rotation was enabled)."""
        key = self._rotatable(scope, ref)
        check_state(key)
        start = self.clock.now()
        if key.next_rotation is not None and key.rotation_days:
            start = key.next_rotation - key.rotation_days * DAY
        return self._save(replace(key, rotation_days=days, next_rotation=start + days * DAY))

    def disable_rotation(self, scope: Scope, ref: str) -> KeyInfo:
        key = self._rotatable(scope, ref)
        check_state(key)
        return self._save(replace(key, rotation_days=None, next_rotation=None))

    def rotate_now(self, scope: Scope, ref: str, limit: int) -> KeyInfo:
        """Add a material version at once; at most ``limit`` such rotations per key."""
        key = self._rotatable(scope, ref)
        check_state(key)
        done = sum(1 for m in self.rotations(scope, ref) if m.origin == ON_DEMAND)
        if done >= limit:
            raise LimitExceeded(f"{key.key_id} has reached the limit of {limit} on-demand rotations.",
                                kind=ROTATIONS, name=key.key_id)
        with self.db.atomic():
            return self.catalog.add_material(key, ON_DEMAND, self.clock.now())

    def rotations(self, scope: Scope, ref: str) -> list[Material]:
        """Every material version of the key, oldest first."""
        key = self.catalog.get(scope, ref)
        return self.store.materials(key.key_id, key.material_version)

    def _rotate_on_schedule(self, key: KeyInfo, now: float) -> None:
        """One new material version for each scheduled date the clock has passed, dated then."""
        assert key.next_rotation is not None and key.rotation_days
        due, period = key.next_rotation, key.rotation_days * DAY
        with self.db.atomic():
            while due <= now:
                key = self.catalog.add_material(key, AUTOMATIC, due)
                due += period
            self._save(replace(key, next_rotation=due))

    # -- aliases --------------------------------------------------------------------------------
    def create_alias(self, scope: Scope, name: str, ref: str) -> Alias:
        if self.store.alias(scope, name) is not None:
            raise AlreadyExists(f"An alias with the name {name} already exists", kind=ALIAS, name=name,
                                tenant=scope.tenant, location=scope.location)
        key = self._changeable(scope, ref)
        now = self.clock.now()
        alias = Alias(name, key.key_id, now, now)
        with self.db.atomic():
            self.store.put_alias(scope, alias)
        return alias

    def update_alias(self, scope: Scope, name: str, ref: str) -> Alias:
        """Point an alias at another key of the same type and usage."""
        alias = self._alias(scope, name)
        key = self._changeable(scope, ref)
        old = self.store.key(alias.key_id)
        if old is not None and (old.usage, old.type.family == "aes") != (key.usage, key.type.family == "aes"):
            raise Invalid(f"{key.key_id} is not the same type and usage as the alias's current key",
                          kind=ALIAS_TARGET, name=key.key_id)
        updated = replace(alias, key_id=key.key_id, updated=self.clock.now())
        with self.db.atomic():
            self.store.put_alias(scope, updated)
        return updated

    def delete_alias(self, scope: Scope, name: str) -> None:
        self._alias(scope, name)
        with self.db.atomic():
            self.store.delete_alias(scope, name)

    def aliases(self, scope: Scope) -> list[Alias]:
        """Every alias of the scope a caller may list (not those of INTERNAL keys), by name."""
        return self.store.aliases(scope, hide_manager=INTERNAL)

    def _alias(self, scope: Scope, name: str) -> Alias:
        alias = self.store.alias(scope, name)
        if alias is None:
            raise NotFound(f"Alias {name} is not found.", kind=ALIAS, name=name, tenant=scope.tenant,
                           location=scope.location)
        return alias

    # -- helpers --------------------------------------------------------------------------------
    def _customer_key(self, scope: Scope, ref: str) -> KeyInfo:
        key = self.catalog.get(scope, ref)
        if key.manager != CUSTOMER:
            raise key_error(Invalid, UNSUPPORTED, key, scope, f"{key.key_id} is managed by the provider; "
                            f"this operation is not permitted on it.")
        return key

    def _changeable(self, scope: Scope, ref: str) -> KeyInfo:
        """A customer key not pending deletion: the state in which a key's settings may change."""
        key = self._customer_key(scope, ref)
        check_not_pending_deletion(key)
        return key

    def _switchable(self, scope: Scope, ref: str) -> KeyInfo:
        """A key that may be enabled or disabled: it has material and is not pending deletion."""
        key = self._changeable(scope, ref)
        if key.state == PENDING_IMPORT:
            raise key_error(Conflict, KEY_STATE, key, scope, f"{key.key_id} is pending import.")
        return key

    def _rotatable(self, scope: Scope, ref: str) -> KeyInfo:
        key = self._customer_key(scope, ref)
        if key.type.family != "aes" or key.usage != ENCRYPT or key.origin == IMPORTED:
            raise key_error(Invalid, UNSUPPORTED, key, scope, f"{key.key_id} key spec does not support "
                            f"key rotation.")
        return key

    def _save(self, key: KeyInfo) -> KeyInfo:
        with self.db.atomic():
            self.store.update_key(key)
        return key
