"""Imported key material with a manual clock: wrap, import, expire, re-import the same material only."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from cloudtwin.clock import ManualClock
from cloudtwin.engines._kernel.errors import Conflict, Invalid
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.keys import (
    AES_256, ENCRYPT, IMPORT_TOKEN_EXPIRED, KEY_MATERIAL, PENDING_IMPORT, KeysEngine, NewKey,
)
from cloudtwin.storage import Storage

SCOPE = Scope("111122223333", "eu-west-1")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def keys(clock: ManualClock) -> KeysEngine:
    return KeysEngine(Storage(None), clock)


def wrapped(keys: KeysEngine, key_id: str, material: bytes) -> tuple[str, bytes]:
    made = keys.imports.parameters(SCOPE, key_id, "rsa-2048", "rsa-oaep-sha256", lifetime=3600)
    public = serialization.load_der_public_key(made.public_key)
    assert isinstance(public, rsa.RSAPublicKey)
    return made.token, public.encrypt(material, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))


def test_import_expire_and_reimport(keys: KeysEngine, clock: ManualClock) -> None:
    key_id = keys.create_key(SCOPE, NewKey(AES_256, ENCRYPT, imported=True)).key_id
    with pytest.raises(Conflict):
        keys.crypto.encrypt(SCOPE, key_id, b"x")
    material = os.urandom(32)
    keys.imports.import_material(SCOPE, key_id, *wrapped(keys, key_id, material), valid_to=clock.now() + 60)
    blob = keys.crypto.encrypt(SCOPE, key_id, b"kept").ciphertext
    clock.advance(61)
    keys.sweep(clock.now())
    assert keys.key(SCOPE, key_id).state == PENDING_IMPORT
    with pytest.raises(Invalid) as other:
        keys.imports.import_material(SCOPE, key_id, *wrapped(keys, key_id, os.urandom(32)), valid_to=None)
    assert other.value.kind == KEY_MATERIAL
    keys.imports.import_material(SCOPE, key_id, *wrapped(keys, key_id, material), valid_to=None)
    assert keys.crypto.decrypt(SCOPE, blob).plaintext == b"kept"


def test_import_tokens_expire(keys: KeysEngine, clock: ManualClock) -> None:
    key_id = keys.create_key(SCOPE, NewKey(AES_256, ENCRYPT, imported=True)).key_id
    token, material = wrapped(keys, key_id, os.urandom(32))
    clock.advance(3601)
    keys.sweep(clock.now())
    with pytest.raises(Invalid) as expired:
        keys.imports.import_material(SCOPE, key_id, token, material, valid_to=None)
    assert expired.value.kind == IMPORT_TOKEN_EXPIRED
