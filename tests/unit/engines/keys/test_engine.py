"""The keys engine with a manual clock and ephemeral storage: lifecycle, crypto, rotation, deletion."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from cloudtwin.clock import ManualClock
from cloudtwin.engines._kernel.errors import Conflict, ConditionFailed, Invalid, LimitExceeded, NotFound
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.keys import (
    CIPHERTEXT, ENCRYPT, INTERNAL, KEY_DISABLED, KEY_PENDING_DELETION, MAC, SIGN, SIGNATURE, USAGE, WRONG_KEY,
    KeysEngine, NewKey,
)
from cloudtwin.storage import Storage

SCOPE = Scope("111122223333", "eu-west-1")
DAY = 86400


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def keys(clock: ManualClock) -> KeysEngine:
    return KeysEngine(Storage(None), clock)


def aes(keys: KeysEngine) -> str:
    return keys.create_key(SCOPE, NewKey("aes-256", ENCRYPT)).key_id


def test_encrypt_decrypt_round_trip_bound_to_context(keys: KeysEngine) -> None:
    key_id = aes(keys)
    sealed = keys.crypto.encrypt(SCOPE, key_id, b"secret", {"tenant": "a"})
    assert b"secret" not in sealed.ciphertext
    assert keys.crypto.decrypt(SCOPE, sealed.ciphertext, {"tenant": "a"}).plaintext == b"secret"
    with pytest.raises(Invalid) as wrong_context:
        keys.crypto.decrypt(SCOPE, sealed.ciphertext, {"tenant": "b"})
    assert wrong_context.value.kind == CIPHERTEXT


def test_every_bit_flip_is_detected(keys: KeysEngine) -> None:
    blob = keys.crypto.encrypt(SCOPE, aes(keys), b"x" * 8).ciphertext
    for bit in range(len(blob) * 8):
        damaged = bytearray(blob)
        damaged[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(Invalid) as error:
            keys.crypto.decrypt(SCOPE, bytes(damaged))
        assert error.value.kind == CIPHERTEXT


def test_decrypt_naming_another_key_is_wrong_key(keys: KeysEngine) -> None:
    blob = keys.crypto.encrypt(SCOPE, aes(keys), b"x").ciphertext
    with pytest.raises(Invalid) as error:
        keys.crypto.decrypt(SCOPE, blob, ref=aes(keys))
    assert error.value.kind == WRONG_KEY


def test_other_scope_cannot_open(keys: KeysEngine) -> None:
    blob = keys.crypto.encrypt(SCOPE, aes(keys), b"x").ciphertext
    with pytest.raises(Invalid):
        keys.crypto.decrypt(Scope("111122223333", "us-east-1"), blob)


def test_disabled_and_pending_deletion_keys_refuse_use(keys: KeysEngine) -> None:
    key_id = aes(keys)
    blob = keys.crypto.encrypt(SCOPE, key_id, b"x").ciphertext
    keys.disable(SCOPE, key_id)
    with pytest.raises(Conflict) as disabled:
        keys.crypto.decrypt_data_key(SCOPE, blob)
    assert disabled.value.kind == KEY_DISABLED
    keys.schedule_deletion(SCOPE, key_id, 7)
    with pytest.raises(Conflict) as pending:
        keys.crypto.generate_data_key(SCOPE, key_id, 32)
    assert pending.value.kind == KEY_PENDING_DELETION
    assert pending.value.extra["location"] == "eu-west-1"


def test_deletion_happens_in_the_sweep_after_the_window(keys: KeysEngine, clock: ManualClock) -> None:
    key_id = aes(keys)
    keys.create_alias(SCOPE, "alias/doomed", key_id)
    keys.schedule_deletion(SCOPE, key_id, 7)
    clock.advance(6 * DAY)
    keys.sweep(clock.now())
    assert keys.key(SCOPE, key_id).state == "pending_deletion"
    clock.advance(DAY + 1)
    keys.sweep(clock.now())
    with pytest.raises(NotFound):
        keys.key(SCOPE, key_id)
    assert keys.aliases(SCOPE) == []


def test_cancel_deletion_leaves_the_key_disabled(keys: KeysEngine) -> None:
    key_id = aes(keys)
    keys.schedule_deletion(SCOPE, key_id, 30)
    assert keys.cancel_deletion(SCOPE, key_id).state == "disabled"


def test_rotation_keeps_old_material(keys: KeysEngine, clock: ManualClock) -> None:
    key_id = aes(keys)
    old = keys.crypto.encrypt(SCOPE, key_id, b"before").ciphertext
    keys.enable_rotation(SCOPE, key_id, 90)
    clock.advance(91 * DAY)
    keys.sweep(clock.now())
    keys.rotate_now(SCOPE, key_id, limit=1)
    with pytest.raises(LimitExceeded):
        keys.rotate_now(SCOPE, key_id, limit=1)
    assert [m.origin for m in keys.rotations(SCOPE, key_id)] == ["initial", "automatic", "on_demand"]
    new = keys.crypto.encrypt(SCOPE, key_id, b"after").ciphertext
    assert keys.crypto.decrypt(SCOPE, old).plaintext == b"before"
    assert keys.crypto.decrypt(SCOPE, new).plaintext == b"after"
    assert keys.key(SCOPE, key_id).next_rotation == pytest.approx(clock.now() - DAY + 90 * DAY, abs=DAY)


def test_signatures_verify_with_the_public_key(keys: KeysEngine) -> None:
    key_id = keys.create_key(SCOPE, NewKey("ec-p256", SIGN)).key_id
    _, signature = keys.crypto.sign(SCOPE, key_id, b"message", "ecdsa-sha256", prehashed=False)
    _, der = keys.crypto.public_key(SCOPE, key_id)
    public = serialization.load_der_public_key(der)
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(signature, b"message", ec.ECDSA(hashes.SHA256()))
    assert keys.crypto.verify(SCOPE, key_id, b"message", signature, "ecdsa-sha256", False) == key_id
    with pytest.raises(ConditionFailed) as bad:
        keys.crypto.verify(SCOPE, key_id, b"other", signature, "ecdsa-sha256", False)
    assert bad.value.kind == SIGNATURE
    with pytest.raises(Invalid) as wrong_algorithm:
        keys.crypto.sign(SCOPE, key_id, b"m", "ecdsa-sha384", prehashed=False)
    assert wrong_algorithm.value.kind == USAGE


def test_rsa_encryption_and_pss(keys: KeysEngine) -> None:
    enc = keys.create_key(SCOPE, NewKey("rsa-2048", ENCRYPT)).key_id
    sealed = keys.crypto.encrypt(SCOPE, enc, b"hi", algorithm="rsa-oaep-sha256")
    assert keys.crypto.decrypt(SCOPE, sealed.ciphertext, ref=enc, algorithm="rsa-oaep-sha256").plaintext == b"hi"
    signer = keys.create_key(SCOPE, NewKey("rsa-2048", SIGN)).key_id
    _, signature = keys.crypto.sign(SCOPE, signer, b"m", "rsa-pss-sha256", prehashed=False)
    public = serialization.load_der_public_key(keys.crypto.public_key(SCOPE, signer)[1])
    public.verify(signature, b"m", padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())  # type: ignore


def test_hmac_keys(keys: KeysEngine) -> None:
    key_id = keys.create_key(SCOPE, NewKey("hmac-256", MAC)).key_id
    _, tag = keys.crypto.mac(SCOPE, key_id, b"m", "hmac-sha256")
    assert len(tag) == 32
    assert keys.crypto.verify_mac(SCOPE, key_id, b"m", "hmac-sha256", tag) == key_id
    with pytest.raises(ConditionFailed):
        keys.crypto.verify_mac(SCOPE, key_id, b"n", "hmac-sha256", tag)


def test_usage_must_match_the_type(keys: KeysEngine) -> None:
    with pytest.raises(Invalid):
        keys.create_key(SCOPE, NewKey("hmac-256", ENCRYPT))


def test_aliases_resolve_and_internal_keys_stay_hidden(keys: KeysEngine) -> None:
    key_id = aes(keys)
    keys.create_alias(SCOPE, "alias/app", key_id)
    assert keys.crypto.generate_data_key(SCOPE, "alias/app", 16).key_id == key_id
    internal = keys.provider_key(SCOPE, "owned-by-blobs", NewKey("aes-256", ENCRYPT, manager=INTERNAL))
    assert keys.provider_key(SCOPE, "owned-by-blobs", NewKey("aes-256", ENCRYPT)).key_id == internal.key_id
    assert [k.key_id for k in keys.keys(SCOPE)] == [key_id]
    assert [a.name for a in keys.aliases(SCOPE)] == ["alias/app"]


def test_a_new_rotation_period_counts_from_the_last_scheduled_rotation(keys: KeysEngine, clock: ManualClock) -> None:
    key_id = aes(keys)
    keys.enable_rotation(SCOPE, key_id, 365)
    enabled_at = clock.now()
    clock.advance(100 * DAY)
    assert keys.enable_rotation(SCOPE, key_id, 180).next_rotation == enabled_at + 180 * DAY


def test_each_rotation_date_passed_adds_a_version(keys: KeysEngine, clock: ManualClock) -> None:
    key_id = aes(keys)
    keys.enable_rotation(SCOPE, key_id, 90)
    start = clock.now()
    clock.advance(200 * DAY)
    keys.sweep(clock.now())
    automatic = [m.created for m in keys.rotations(SCOPE, key_id) if m.origin == "automatic"]
    assert automatic == [start + 90 * DAY, start + 180 * DAY]
    assert keys.key(SCOPE, key_id).next_rotation == start + 270 * DAY
