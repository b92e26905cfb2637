"""KMS on the server clock: deletion after the waiting period, automatic rotation, expiry of
imported material. These tests move the clock of a server of their own, so that tests sharing
the worker's server (presigned URLs signed on the wall clock) are not affected."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import ServerProcess
from tests.sdk.aws.test_kms_import import import_material


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("kms-clock") / "data").start()
    yield process
    process.stop()


@pytest.fixture
def kms(server: ServerProcess) -> Any:
    return boto3.client("kms", endpoint_url=server.endpoint, region_name="us-east-1",
                        config=Config(retries={"max_attempts": 1}))


def new_key(kms: Any) -> dict[str, Any]:
    return dict(kms.create_key()["KeyMetadata"])


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_deletion_happens_when_the_clock_passes_the_date(kms: Any, server: ServerProcess,
                                                          unique_name: str) -> None:
    key_id = new_key(kms)["KeyId"]
    kms.create_alias(AliasName=f"alias/{unique_name}", TargetKeyId=key_id)
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    server.advance_clock("6d")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    server.advance_clock("1d")
    server.advance_clock(5)
    with pytest.raises(ClientError) as excinfo:
        kms.describe_key(KeyId=key_id)
    assert error_code(excinfo) == "NotFoundException"
    assert f"alias/{unique_name}" not in {a["AliasName"] for a in kms.list_aliases(Limit=1000)["Aliases"]}


def test_rotation_on_the_clock_keeps_old_ciphertexts(kms: Any, server: ServerProcess) -> None:
    key_id = new_key(kms)["KeyId"]
    old = kms.encrypt(KeyId=key_id, Plaintext=b"before rotation")["CiphertextBlob"]
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 90
    first = kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"]
    server.advance_clock("91d")
    rotations = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["AUTOMATIC"]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"] != first
    kms.rotate_key_on_demand(KeyId=key_id)
    everything = kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [r["KeyMaterialState"] for r in everything] == ["NON_CURRENT", "NON_CURRENT", "CURRENT"]
    assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"before rotation"
    new = kms.encrypt(KeyId=key_id, Plaintext=b"after")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=new)["Plaintext"] == b"after"
    kms.disable_key_rotation(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False


def test_material_expires_on_the_clock(kms: Any, server: ServerProcess) -> None:
    key_id = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    now = datetime.fromtimestamp(server.get("/_cloudtwin/clock")["now"], timezone.utc)
    import_material(kms, key_id, os.urandom(32), ValidTo=now + timedelta(days=1),
                    ExpirationModel="KEY_MATERIAL_EXPIRES")
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["ExpirationModel"] == "KEY_MATERIAL_EXPIRES" and meta["KeyState"] == "Enabled"
    server.advance_clock("2d")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"
