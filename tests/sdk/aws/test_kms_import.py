"""KMS keys with imported material (Origin EXTERNAL): wrapping, import, re-import (expiry on the
clock is in test_kms_clock)."""

from __future__ import annotations

import hmac
import os
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding


@pytest.fixture
def kms(aws: Any) -> Any:
    return aws("kms")


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def wrap_oaep(kms: Any, key_id: str, material: bytes) -> tuple[bytes, bytes]:
    """(import token, material wrapped with RSAES_OAEP_SHA_256 under the key's wrapping key)."""
    made = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                         WrappingKeySpec="RSA_2048")
    public = serialization.load_der_public_key(made["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey)
    oaep = padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None)
    return made["ImportToken"], public.encrypt(material, oaep)


def import_material(kms: Any, key_id: str, material: bytes, **kwargs: Any) -> None:
    token, wrapped = wrap_oaep(kms, key_id, material)
    kms.import_key_material(KeyId=key_id, ImportToken=token, EncryptedKeyMaterial=wrapped, **kwargs)


def test_symmetric_key_waits_for_its_material(kms: Any) -> None:
    meta = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    assert (meta["Origin"], meta["KeyState"], meta["Enabled"]) == ("EXTERNAL", "PendingImport", False)
    with pytest.raises(ClientError) as pending:
        kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"x")
    assert error_code(pending) == "KMSInvalidStateException"
    material = os.urandom(32)
    import_material(kms, meta["KeyId"], material)
    described = kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]
    assert described["KeyState"] == "Enabled" and described["ExpirationModel"] == "KEY_MATERIAL_DOES_NOT_EXPIRE"
    blob = kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"byok")["CiphertextBlob"]
    kms.delete_imported_key_material(KeyId=meta["KeyId"])
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    with pytest.raises(ClientError) as other:
        import_material(kms, meta["KeyId"], os.urandom(32))
    assert error_code(other) == "IncorrectKeyMaterialException"
    import_material(kms, meta["KeyId"], material)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"byok"


def test_imported_hmac_material_is_the_one_used(kms: Any) -> None:
    key_id = kms.create_key(Origin="EXTERNAL", KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")[
        "KeyMetadata"]["KeyId"]
    material = os.urandom(32)
    import_material(kms, key_id, material)
    mac = kms.generate_mac(KeyId=key_id, Message=b"webhook", MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert mac == hmac.new(material, b"webhook", "sha256").digest()


def test_imported_ec_key_wrapped_with_aes_key_wrap(kms: Any) -> None:
    key_id = kms.create_key(Origin="EXTERNAL", KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")[
        "KeyMetadata"]["KeyId"]
    private = ec.generate_private_key(ec.SECP256R1())
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    made = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256",
                                         WrappingKeySpec="RSA_3072")
    public = serialization.load_der_public_key(made["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey)
    aes_key = os.urandom(32)
    wrapped = public.encrypt(aes_key, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))
    wrapped += aes_key_wrap_with_padding(aes_key, der)
    kms.import_key_material(KeyId=key_id, ImportToken=made["ImportToken"], EncryptedKeyMaterial=wrapped)
    signature = kms.sign(KeyId=key_id, Message=b"signed with my own key", SigningAlgorithm="ECDSA_SHA_256")
    private.public_key().verify(signature["Signature"], b"signed with my own key", ec.ECDSA(hashes.SHA256()))


def test_import_errors(kms: Any) -> None:
    key_id = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    other = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    token, wrapped = wrap_oaep(kms, other, os.urandom(32))
    with pytest.raises(ClientError) as foreign_token:
        kms.import_key_material(KeyId=key_id, ImportToken=token, EncryptedKeyMaterial=wrapped)
    assert error_code(foreign_token) == "InvalidImportTokenException"
    token, wrapped = wrap_oaep(kms, key_id, os.urandom(16))
    with pytest.raises(ClientError) as short:
        kms.import_key_material(KeyId=key_id, ImportToken=token, EncryptedKeyMaterial=wrapped)
    assert error_code(short) == "IncorrectKeyMaterialException"
    with pytest.raises(ClientError) as garbled:
        kms.import_key_material(KeyId=key_id, ImportToken=token, EncryptedKeyMaterial=b"\0" * 256)
    assert error_code(garbled) == "InvalidCiphertextException"
    with pytest.raises(ClientError) as generated:
        kms.get_parameters_for_import(KeyId=kms.create_key()["KeyMetadata"]["KeyId"],
                                      WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    assert error_code(generated) == "UnsupportedOperationException"
