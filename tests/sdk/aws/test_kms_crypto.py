"""KMS cryptography through boto3, checked with the ``cryptography`` package where it can be:
ciphertext blobs, data keys, signatures verified with GetPublicKey's key, MACs, random bytes."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


@pytest.fixture
def kms(aws: Any) -> Any:
    return aws("kms")


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def new_key(kms: Any, **kwargs: Any) -> str:
    return str(kms.create_key(**kwargs)["KeyMetadata"]["KeyId"])


def test_encryption_context_is_bound(kms: Any) -> None:
    key_id = new_key(kms)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"card 4242", EncryptionContext={"tenant": "a"})["CiphertextBlob"]
    assert b"card 4242" not in blob
    opened = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"tenant": "a"})
    assert opened["Plaintext"] == b"card 4242" and opened["KeyId"].endswith(key_id)
    for wrong in ({}, {"tenant": "b"}, {"tenant": "a", "extra": "x"}):
        with pytest.raises(ClientError) as excinfo:
            kms.decrypt(CiphertextBlob=blob, EncryptionContext=wrong)
        assert error_code(excinfo) == "InvalidCiphertextException"


def test_any_bit_flip_is_invalid_ciphertext(kms: Any) -> None:
    blob = kms.encrypt(KeyId=new_key(kms), Plaintext=b"payload")["CiphertextBlob"]
    for position in range(0, len(blob), 3):
        damaged = bytearray(blob)
        damaged[position] ^= 0x10
        with pytest.raises(ClientError) as excinfo:
            kms.decrypt(CiphertextBlob=bytes(damaged))
        assert error_code(excinfo) == "InvalidCiphertextException"
    with pytest.raises(ClientError) as garbage:
        kms.decrypt(CiphertextBlob=b"not a ciphertext at all, just bytes")
    assert error_code(garbage) == "InvalidCiphertextException"


def test_decrypt_naming_another_key_is_incorrect_key(kms: Any) -> None:
    blob = kms.encrypt(KeyId=new_key(kms), Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as excinfo:
        kms.decrypt(CiphertextBlob=blob, KeyId=new_key(kms))
    assert error_code(excinfo) == "IncorrectKeyException"


def test_re_encrypt_moves_a_ciphertext_to_another_key_and_context(kms: Any) -> None:
    source, destination = new_key(kms), new_key(kms)
    blob = kms.encrypt(KeyId=source, Plaintext=b"move me", EncryptionContext={"v": "1"})["CiphertextBlob"]
    moved = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"v": "1"}, DestinationKeyId=destination,
                           DestinationEncryptionContext={"v": "2"})
    assert moved["SourceKeyId"].endswith(source) and moved["KeyId"].endswith(destination)
    opened = kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext={"v": "2"})
    assert opened["Plaintext"] == b"move me" and opened["KeyId"].endswith(destination)
    with pytest.raises(ClientError) as wrong_source:
        kms.re_encrypt(CiphertextBlob=blob, SourceKeyId=destination, SourceEncryptionContext={"v": "1"},
                       DestinationKeyId=destination)
    assert error_code(wrong_source) == "IncorrectKeyException"


def test_generate_data_key_for_envelope_encryption(kms: Any) -> None:
    key_id = new_key(kms)
    made = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"object": "o1"})
    assert len(made["Plaintext"]) == 32
    body = AESGCM(made["Plaintext"]).encrypt(b"\0" * 12, b"recording", None)
    secret = kms.decrypt(CiphertextBlob=made["CiphertextBlob"], EncryptionContext={"object": "o1"})["Plaintext"]
    assert AESGCM(secret).decrypt(b"\0" * 12, body, None) == b"recording"
    assert len(kms.generate_data_key(KeyId=key_id, NumberOfBytes=64)["Plaintext"]) == 64
    assert len(kms.generate_data_key(KeyId=key_id, KeySpec="AES_128")["Plaintext"]) == 16
    without = kms.generate_data_key_without_plaintext(KeyId=key_id, KeySpec="AES_256")
    assert "Plaintext" not in without and len(kms.decrypt(CiphertextBlob=without["CiphertextBlob"])["Plaintext"]) == 32
    with pytest.raises(ClientError) as neither:
        kms.generate_data_key(KeyId=key_id)
    assert error_code(neither) == "ValidationException"


def test_generate_data_key_pair(kms: Any) -> None:
    key_id = new_key(kms)
    pair = kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec="ECC_NIST_P256")
    private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], None)
    public = serialization.load_der_public_key(pair["PublicKey"])
    assert isinstance(private, ec.EllipticCurvePrivateKey) and isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(private.sign(b"m", ec.ECDSA(hashes.SHA256())), b"m", ec.ECDSA(hashes.SHA256()))
    assert kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"])["Plaintext"] == pair["PrivateKeyPlaintext"]
    rsa_pair = kms.generate_data_key_pair_without_plaintext(KeyId=key_id, KeyPairSpec="RSA_2048")
    assert "PrivateKeyPlaintext" not in rsa_pair
    assert isinstance(serialization.load_der_public_key(rsa_pair["PublicKey"]), rsa.RSAPublicKey)


def test_key_usage_is_enforced(kms: Any) -> None:
    signer = new_key(kms, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    with pytest.raises(ClientError) as encrypt:
        kms.encrypt(KeyId=signer, Plaintext=b"x")
    assert error_code(encrypt) == "InvalidKeyUsageException"
    assert encrypt.value.response["Error"]["Message"] == (
        f"arn:aws:kms:us-east-1:000000000000:key/{signer} key usage is SIGN_VERIFY which is not valid for Encrypt.")
    with pytest.raises(ClientError) as sign:
        kms.sign(KeyId=new_key(kms), Message=b"x", SigningAlgorithm="ECDSA_SHA_256")
    assert error_code(sign) == "InvalidKeyUsageException"
    with pytest.raises(ClientError) as algorithm:
        kms.sign(KeyId=signer, Message=b"x", SigningAlgorithm="ECDSA_SHA_512")
    assert error_code(algorithm) == "InvalidKeyUsageException"
    with pytest.raises(ClientError) as public:
        kms.get_public_key(KeyId=new_key(kms))
    assert error_code(public) == "UnsupportedOperationException"


@pytest.mark.parametrize("spec,algorithm", [
    ("ECC_NIST_P256", "ECDSA_SHA_256"), ("ECC_NIST_P521", "ECDSA_SHA_512"), ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
])
def test_ecdsa_signatures_verify_with_the_public_key(kms: Any, spec: str, algorithm: str) -> None:
    key_id = new_key(kms, KeySpec=spec, KeyUsage="SIGN_VERIFY")
    chosen = hashes.SHA512() if algorithm.endswith("512") else hashes.SHA256()
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    assert isinstance(public, ec.EllipticCurvePublicKey)
    raw = kms.sign(KeyId=key_id, Message=b"invoice 17", SigningAlgorithm=algorithm)["Signature"]
    public.verify(raw, b"invoice 17", ec.ECDSA(chosen))
    digest = hashlib.new(chosen.name, b"invoice 18").digest()
    signed = kms.sign(KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm)["Signature"]
    public.verify(signed, digest, ec.ECDSA(utils.Prehashed(chosen)))
    assert kms.verify(KeyId=key_id, Message=b"invoice 17", Signature=raw, SigningAlgorithm=algorithm)["SignatureValid"]


@pytest.mark.parametrize("algorithm", ["RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384"])
def test_rsa_signatures_verify_with_the_public_key(kms: Any, algorithm: str) -> None:
    key_id = new_key(kms, KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey)
    signature = kms.sign(KeyId=key_id, Message=b"release", SigningAlgorithm=algorithm)["Signature"]
    if "PSS" in algorithm:
        public.verify(signature, b"release", padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    else:
        public.verify(signature, b"release", padding.PKCS1v15(), hashes.SHA384())
    with pytest.raises(ClientError) as excinfo:
        kms.verify(KeyId=key_id, Message=b"tampered", Signature=signature, SigningAlgorithm=algorithm)
    assert error_code(excinfo) == "KMSInvalidSignatureException"
    digest = hashlib.new("sha384" if algorithm.endswith("384") else "sha256", b"release").digest()
    assert kms.verify(KeyId=key_id, Message=digest, MessageType="DIGEST", Signature=signature,
                      SigningAlgorithm=algorithm)["SignatureValid"]


def test_digest_of_the_wrong_length_is_refused(kms: Any) -> None:
    key_id = new_key(kms, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    with pytest.raises(ClientError) as excinfo:
        kms.sign(KeyId=key_id, Message=b"short", MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256")
    assert error_code(excinfo) == "ValidationException"


def test_rsa_encryption_round_trip(kms: Any) -> None:
    key_id = new_key(kms, KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey)
    oaep = padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None)
    outside = public.encrypt(b"sealed offline", oaep)
    opened = kms.decrypt(KeyId=key_id, CiphertextBlob=outside, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert opened["Plaintext"] == b"sealed offline"
    inside = kms.encrypt(KeyId=key_id, Plaintext=b"hi", EncryptionAlgorithm="RSAES_OAEP_SHA_1")["CiphertextBlob"]
    with pytest.raises(ClientError) as wrong_padding:
        kms.decrypt(KeyId=key_id, CiphertextBlob=inside, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert error_code(wrong_padding) == "InvalidCiphertextException"


def test_hmac(kms: Any) -> None:
    key_id = new_key(kms, KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    mac = kms.generate_mac(KeyId=key_id, Message=b"webhook", MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert len(mac) == 32
    assert kms.verify_mac(KeyId=key_id, Message=b"webhook", MacAlgorithm="HMAC_SHA_256", Mac=mac)["MacValid"]
    with pytest.raises(ClientError) as invalid:
        kms.verify_mac(KeyId=key_id, Message=b"webhooK", MacAlgorithm="HMAC_SHA_256", Mac=mac)
    assert error_code(invalid) == "KMSInvalidMacException"
    with pytest.raises(ClientError) as algorithm:
        kms.generate_mac(KeyId=key_id, Message=b"x", MacAlgorithm="HMAC_SHA_512")
    assert error_code(algorithm) == "InvalidKeyUsageException"
    assert not hmac.compare_digest(mac, hmac.new(b"\0" * 32, b"webhook", "sha256").digest())


def test_generate_random(kms: Any) -> None:
    first = kms.generate_random(NumberOfBytes=1024)["Plaintext"]
    assert len(first) == 1024 and first != kms.generate_random(NumberOfBytes=1024)["Plaintext"]
    with pytest.raises(ClientError) as too_many:
        kms.generate_random(NumberOfBytes=1025)
    assert error_code(too_many) == "ValidationException"


def test_dry_run(kms: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        kms.encrypt(KeyId=new_key(kms), Plaintext=b"x", DryRun=True)
    assert error_code(excinfo) == "DryRunOperationException"


def test_ecdh_key_agreement(kms: Any) -> None:
    ours = new_key(kms, KeySpec="ECC_NIST_P384", KeyUsage="KEY_AGREEMENT")
    assert kms.describe_key(KeyId=ours)["KeyMetadata"]["KeyAgreementAlgorithms"] == ["ECDH"]
    theirs = ec.generate_private_key(ec.SECP384R1())
    their_public = theirs.public_key().public_bytes(serialization.Encoding.DER,
                                                    serialization.PublicFormat.SubjectPublicKeyInfo)
    derived = kms.derive_shared_secret(KeyId=ours, KeyAgreementAlgorithm="ECDH", PublicKey=their_public)
    our_public = serialization.load_der_public_key(kms.get_public_key(KeyId=ours)["PublicKey"])
    assert isinstance(our_public, ec.EllipticCurvePublicKey)
    assert derived["SharedSecret"] == theirs.exchange(ec.ECDH(), our_public)
    wrong_curve = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(ClientError) as excinfo:
        kms.derive_shared_secret(KeyId=ours, KeyAgreementAlgorithm="ECDH", PublicKey=wrong_curve)
    assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as usage:
        kms.sign(KeyId=ours, Message=b"m", SigningAlgorithm="ECDSA_SHA_384")
    assert error_code(usage) == "InvalidKeyUsageException"


def test_bad_input_gets_kms_errors_never_a_500(kms: Any) -> None:
    ecc = new_key(kms, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    rsa_encrypt = new_key(kms, KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    agree = new_key(kms, KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    cases = [
        (lambda: kms.verify(KeyId=ecc, Message=b"m", Signature=b"x", SigningAlgorithm="ECDSA_SHA_256"),
         "KMSInvalidSignatureException"),
        (lambda: kms.decrypt(KeyId=rsa_encrypt, CiphertextBlob=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_1"),
         "InvalidCiphertextException"),
        (lambda: kms.encrypt(KeyId=rsa_encrypt, Plaintext=b"x" * 300, EncryptionAlgorithm="RSAES_OAEP_SHA_256"),
         "ValidationException"),
        (lambda: kms.derive_shared_secret(KeyId=agree, KeyAgreementAlgorithm="ECDH", PublicKey=b"junk"),
         "ValidationException"),
        (lambda: kms.list_keys(Marker="MQ"), "InvalidMarkerException"),
        (lambda: kms.retire_grant(GrantToken="not-a-token"), "InvalidGrantTokenException"),
        (lambda: kms.re_encrypt(CiphertextBlob=b"x" * 60, DestinationKeyId=ecc), "InvalidKeyUsageException"),
        (lambda: kms.describe_key(KeyId="arn:aws:kms:"), "NotFoundException"),
    ]
    for call, expected in cases:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert (error_code(excinfo), excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]) == (expected, 400)
