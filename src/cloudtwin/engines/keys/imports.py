"""Imported key material: wrapping keys handed out for an import, the import, its expiry.

Models AWS KMS "Importing key material" (GetParametersForImport, ImportKeyMaterial,
DeleteImportedKeyMaterial) and Azure Key Vault's BYOK import. Rules:
1. A key made to receive material waits in PENDING_IMPORT; the first import enables it.
2. Each set of import parameters is a fresh RSA wrapping key, sealed by the vault, valid until
   its date on the clock; the material must be wrapped under it with the algorithm asked for.
3. Only the same material can be imported into a key again (to restore it after deletion or
   expiry, or to change its expiry): a keyed fingerprint of the first import is kept.
4. Material with a ``valid_to`` is deleted by the sweep once the clock passes it, and the key
   goes back to PENDING_IMPORT; ciphertexts made under it open again after a re-import.
"""

from __future__ import annotations

import base64
import os
from dataclasses import replace

from cloudtwin.clock import Clock
from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.keys import crypto
from cloudtwin.engines.keys.catalog import KeyCatalog, check_not_pending_deletion, key_error
from cloudtwin.engines.keys.model import (
    CIPHERTEXT, ENABLED, IMPORT_TOKEN, IMPORT_TOKEN_EXPIRED, IMPORTED, INITIAL, KEY_MATERIAL, KEY_TYPES,
    PENDING_IMPORT, UNSUPPORTED, ImportParameters, KeyInfo,
)
from cloudtwin.storage import Database

TOKEN_BYTES = 64
#: How long an expired import token is remembered, so that using it says "expired", not "invalid".
EXPIRED_TOKEN_MEMORY = 7 * 86400.0
#: The vault seals wrapping keys as "version 0" of their key (material versions start at 1).
WRAPPING_SLOT = 0


class KeyImports:
    def __init__(self, db: Database, catalog: KeyCatalog, clock: Clock) -> None:
        self.db = db
        self.catalog = catalog
        self.store = catalog.store
        self.clock = clock

    def parameters(self, scope: Scope, ref: str, wrapping_type: str, algorithm: str, lifetime: float
                   ) -> ImportParameters:
        """A fresh wrapping key of ``wrapping_type`` (e.g. "rsa-4096") for one import."""
        key = self._importable(scope, ref)
        private = crypto.generate_private(KEY_TYPES[wrapping_type])
        token = base64.urlsafe_b64encode(os.urandom(TOKEN_BYTES)).decode("ascii")
        valid_to = self.clock.now() + lifetime
        sealed = self.catalog.vault.wrap(key.key_id, WRAPPING_SLOT, crypto.private_der(private))
        with self.db.atomic():
            self.store.add_import(token, key.key_id, sealed, algorithm, valid_to)
        return ImportParameters(key.key_id, token, crypto.public_der(private), valid_to)

    def import_material(self, scope: Scope, ref: str, token: str, wrapped: bytes, valid_to: float | None
                        ) -> KeyInfo:
        key = self._importable(scope, ref)
        material = self._unwrap(key, token, wrapped)
        fingerprint = self.catalog.vault.fingerprint(material)
        if self.store.fingerprint(key.key_id) not in (None, fingerprint):
            raise key_error(Invalid, KEY_MATERIAL, key, scope, "The key material is not the material imported "
                            "into this key before.")
        with self.db.atomic():
            if key.material_version == 0:
                key = self.catalog.add_material(key, INITIAL, self.clock.now(), material)
                self.store.set_fingerprint(key.key_id, fingerprint)
            state = ENABLED if key.state == PENDING_IMPORT else key.state
            key = replace(key, state=state, valid_to=valid_to)
            self.store.update_key(key)
        return key

    def delete_material(self, scope: Scope, ref: str) -> KeyInfo:
        return self._forget_material(self._importable(scope, ref))

    def expire(self, now: float) -> None:
        """Delete imported material whose time has passed, and import parameters no longer usable."""
        for key_id in self.store.due_expiries(now):
            key = self.store.key(key_id)
            if key is not None:
                self._forget_material(key)
        with self.db.atomic():
            self.store.trim_imports(now - EXPIRED_TOKEN_MEMORY)

    def _forget_material(self, key: KeyInfo) -> KeyInfo:
        key = replace(key, state=PENDING_IMPORT, valid_to=None, material_version=0, material_id="")
        with self.db.atomic():
            self.store.delete_materials(key.key_id)
            self.store.update_key(key)
        self.catalog.forget(key.key_id)
        return key

    def _unwrap(self, key: KeyInfo, token: str, wrapped: bytes) -> bytes:
        found = self.store.import_parameters(token)
        if found is None or found[0] != key.key_id:
            raise key_error(Invalid, IMPORT_TOKEN, key, key.scope, "The import token is not valid for this key.")
        _, sealed, algorithm, token_valid_to = found
        if token_valid_to <= self.clock.now():
            raise key_error(Invalid, IMPORT_TOKEN_EXPIRED, key, key.scope, "The import token has expired.")
        wrapping = crypto.load_private(self.catalog.vault.unwrap(key.key_id, WRAPPING_SLOT, sealed))
        try:
            material = crypto.unwrap_imported(wrapping, algorithm, wrapped)
        except ValueError:
            raise Invalid("The key material does not unwrap with the import parameters.", kind=CIPHERTEXT) from None
        if not crypto.fits(key.type, material):
            raise key_error(Invalid, KEY_MATERIAL, key, key.scope, f"The key material is not valid for a "
                            f"{key.type.name} key.")
        return material

    def _importable(self, scope: Scope, ref: str) -> KeyInfo:
        key = self.catalog.get(scope, ref)
        if key.origin != IMPORTED:
            raise key_error(Invalid, UNSUPPORTED, key, scope, f"{key.key_id} was not made for imported key "
                            f"material.")
        check_not_pending_deletion(key)
        return key
