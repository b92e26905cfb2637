"""The vault: the data dir's master key file and material sealed under it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from cloudtwin.engines.keys.vault import MASTER_FILE, Vault, load_master_key


def test_master_key_is_created_once_with_owner_only_permissions(tmp_path: Path) -> None:
    first = load_master_key(tmp_path)
    assert load_master_key(tmp_path) == first and len(first) == 32
    assert stat.S_IMODE((tmp_path / MASTER_FILE).stat().st_mode) == 0o600


def test_ephemeral_master_keys_are_fresh() -> None:
    assert load_master_key(None) != load_master_key(None)


def test_sealed_material_opens_only_for_its_key_and_version(tmp_path: Path) -> None:
    vault = Vault(load_master_key(tmp_path))
    sealed = vault.wrap("key-1", 1, b"material")
    assert b"material" not in sealed
    assert vault.unwrap("key-1", 1, sealed) == b"material"
    for key_id, version in (("key-2", 1), ("key-1", 2)):
        with pytest.raises(RuntimeError):
            vault.unwrap(key_id, version, sealed)
    with pytest.raises(RuntimeError):
        Vault(load_master_key(None)).unwrap("key-1", 1, sealed)


def test_a_damaged_master_key_file_stops_the_engine(tmp_path: Path) -> None:
    (tmp_path / MASTER_FILE).write_bytes(b"short")
    with pytest.raises(RuntimeError):
        load_master_key(tmp_path)
