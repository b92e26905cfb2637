"""KMS at rest: keys survive kill -9, material is sealed under the data dir's master key (0600),
and nothing in the data dir holds key material or plaintext in clear. Also the AWS CLI."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.conftest import ServerProcess


def client(server: ServerProcess) -> Any:
    return boto3.client("kms", endpoint_url=server.endpoint, region_name="us-east-1",
                        config=Config(retries={"max_attempts": 1}))


@pytest.fixture
def own_server(tmp_path: Path) -> Any:
    process = ServerProcess(tmp_path / "data").start()
    yield process
    process.stop()


def test_kill_9_then_restart_still_decrypts(own_server: ServerProcess) -> None:
    kms = client(own_server)
    key_id = kms.create_key(Description="survives")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/survivor", TargetKeyId=key_id)
    blob = kms.encrypt(KeyId="alias/survivor", Plaintext=b"acknowledged", EncryptionContext={"k": "v"})
    signer = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    signature = kms.sign(KeyId=signer, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    own_server.kill()
    own_server.start()
    kms = client(own_server)
    opened = kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"k": "v"})
    assert opened["Plaintext"] == b"acknowledged" and opened["KeyId"].endswith(key_id)
    assert kms.describe_key(KeyId="alias/survivor")["KeyMetadata"]["Description"] == "survives"
    assert kms.verify(KeyId=signer, Message=b"m", Signature=signature, SigningAlgorithm="ECDSA_SHA_256")[
        "SignatureValid"]


def test_no_key_material_or_plaintext_in_clear(own_server: ServerProcess) -> None:
    kms = client(own_server)
    secret_text = b"patient-record-7d1c9e2f-plaintext"
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.encrypt(KeyId=key_id, Plaintext=secret_text)
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")["Plaintext"]
    hmac_key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    kms.generate_mac(KeyId=hmac_key, Message=secret_text, MacAlgorithm="HMAC_SHA_256")
    signer = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    public = kms.get_public_key(KeyId=signer)["PublicKey"]
    own_server.stop()
    master = own_server.data_dir / "keys" / "master.key"
    assert stat.S_IMODE(master.stat().st_mode) == 0o600 and len(master.read_bytes()) == 32
    everything = b"".join(p.read_bytes() for p in own_server.data_dir.rglob("*") if p.is_file())
    assert secret_text not in everything and data_key not in everything
    # an RSA private key in PKCS#8 DER holds its public modulus: finding the modulus would mean the key
    # lies in clear; the public key itself is not stored either.
    modulus = public[-270:-14]
    assert modulus not in everything and b"PRIVATE KEY" not in everything


def aws_cli(server: Any, *args: str) -> Any:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1"}
    done = subprocess.run(["aws", "--endpoint-url", server.endpoint, "--output", "json", "kms", *args],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_aws_cli_encrypt_and_decrypt(server: Any, unique_name: str, tmp_path: Path) -> None:
    key_id = aws_cli(server, "create-key", "--description", unique_name)["KeyMetadata"]["KeyId"]
    aws_cli(server, "create-alias", "--alias-name", f"alias/{unique_name}", "--target-key-id", key_id)
    plaintext = tmp_path / "plain.txt"
    plaintext.write_bytes(b"from the command line")
    sealed = aws_cli(server, "encrypt", "--key-id", f"alias/{unique_name}", "--plaintext", f"fileb://{plaintext}",
                     "--encryption-context", "purpose=cli")
    blob = tmp_path / "blob.bin"
    blob.write_bytes(base64.b64decode(sealed["CiphertextBlob"]))
    opened = aws_cli(server, "decrypt", "--ciphertext-blob", f"fileb://{blob}", "--encryption-context",
                     "purpose=cli")
    assert base64.b64decode(opened["Plaintext"]) == b"from the command line"
    assert opened["KeyId"].endswith(key_id)


def test_aws_cli_lists_and_schedules_deletion(server: Any, unique_name: str) -> None:
    key_id = aws_cli(server, "create-key")["KeyMetadata"]["KeyId"]
    assert key_id in {k["KeyId"] for k in aws_cli(server, "list-keys")["Keys"]}
    scheduled = aws_cli(server, "schedule-key-deletion", "--key-id", key_id, "--pending-window-in-days", "7")
    assert scheduled["KeyState"] == "PendingDeletion"
