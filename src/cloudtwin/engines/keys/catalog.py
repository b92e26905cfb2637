"""Finding keys and their material: by id or alias, with the state checks every use makes.

A key reference is a key id or an alias name of the scope (the face turns ARNs into these);
a key is found only in its own scope. Material is opened
from the vault on demand; parsed private keys are kept in a small cache, since parsing an RSA
key costs milliseconds.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from cloudtwin.engines._kernel.errors import Conflict, EngineError, Invalid, NotFound
from cloudtwin.engines._kernel.ids import new_hex
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.keys import crypto
from cloudtwin.engines.keys.model import (
    DISABLED, KEY, KEY_DISABLED, KEY_PENDING_DELETION, KEY_STATE, PENDING_DELETION, PENDING_IMPORT, USAGE,
    KeyInfo,
)
from cloudtwin.engines.keys.store import KeyStore
from cloudtwin.engines.keys.vault import Vault

PARSED_CACHE = 256


def key_error(cls: type[EngineError], kind: str, key: KeyInfo | str, scope: Scope, detail: str,
              **extra: str) -> EngineError:
    """A neutral error about a key; ``extra`` carries the scope so a face can name it fully, and
    for USAGE errors the key's ``usage`` and the ``action`` refused, so a face can word them."""
    key_id = key if isinstance(key, str) else key.key_id
    return cls(detail, kind=kind, name=key_id, tenant=scope.tenant, location=scope.location, **extra)


class KeyCatalog:
    def __init__(self, store: KeyStore, vault: Vault) -> None:
        self.store = store
        self.vault = vault
        self._parsed: OrderedDict[tuple[str, int], crypto.PrivateKey] = OrderedDict()

    # -- finding --------------------------------------------------------------------------------
    def find(self, scope: Scope, ref: str) -> KeyInfo | None:
        alias = self.store.alias(scope, ref)
        key = self.store.key(alias.key_id if alias else ref)
        return key if key is not None and key.scope == scope else None

    def get(self, scope: Scope, ref: str) -> KeyInfo:
        key = self.find(scope, ref)
        if key is None:
            raise key_error(NotFound, KEY, ref, scope, f"Key '{ref}' does not exist")
        return key

    def usable(self, scope: Scope, ref: str, usage: str, action: str) -> KeyInfo:
        """The key, if it is enabled and made for ``usage``; ``action`` names the use in errors."""
        return self.check_usable(self.get(scope, ref), usage, action)

    def check_usable(self, key: KeyInfo, usage: str, action: str) -> KeyInfo:
        check_state(key)
        if key.usage != usage:
            raise key_error(Invalid, USAGE, key, key.scope, f"{key.key_id} key usage is {key.usage} "
                            f"which is not valid for {action}.", usage=key.usage, action=action)
        return key

    # -- material -------------------------------------------------------------------------------
    def material(self, key: KeyInfo, version: int | None = None) -> bytes | None:
        """The secret of one material version (the current one by default), or None if unknown."""
        found = self.store.sealed_material(key.key_id, version or key.material_version)
        if found is None:
            return None
        return self.vault.unwrap(key.key_id, version or key.material_version, found[0])

    def add_material(self, key: KeyInfo, origin: str, at: float, secret: bytes | None = None) -> KeyInfo:
        """Seal and store a new current material version (fresh unless ``secret`` is given)."""
        version = key.material_version + 1
        secret = secret if secret is not None else crypto.new_material(key.type)
        material_id = new_hex(32)
        self.store.add_material(key.key_id, version, material_id, self.vault.wrap(key.key_id, version, secret), at,
                                origin)
        return replace(key, material_version=version, material_id=material_id)

    def private_key(self, key: KeyInfo) -> crypto.PrivateKey:
        slot = (key.key_id, key.material_version)
        parsed = self._parsed.get(slot)
        if parsed is None:
            material = self.material(key)
            assert material is not None
            parsed = crypto.load_private(material)
            self._parsed[slot] = parsed
            if len(self._parsed) > PARSED_CACHE:
                self._parsed.popitem(last=False)
        return parsed

    def forget(self, key_id: str | None = None) -> None:
        for slot in [s for s in self._parsed if key_id is None or s[0] == key_id]:
            del self._parsed[slot]


def check_state(key: KeyInfo) -> None:
    """Raise the neutral error of a key that is disabled, pending deletion or pending import."""
    if key.state == DISABLED:
        raise key_error(Conflict, KEY_DISABLED, key, key.scope, f"{key.key_id} is disabled.")
    check_not_pending_deletion(key)
    if key.state == PENDING_IMPORT:
        raise key_error(Conflict, KEY_STATE, key, key.scope, f"{key.key_id} is pending import.")



def check_not_pending_deletion(key: KeyInfo) -> None:
    if key.state == PENDING_DELETION:
        raise key_error(Conflict, KEY_PENDING_DELETION, key, key.scope, f"{key.key_id} is pending deletion.")
