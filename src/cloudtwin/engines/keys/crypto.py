"""Cryptographic primitives on key material, with the ``cryptography`` package.

Key material is bytes: a random secret for AES and HMAC keys, a PKCS#8 DER private key for
RSA and EC keys. Public keys leave as DER SubjectPublicKeyInfo; ECDSA signatures are DER
(r, s) sequences; RSA-PSS uses a salt as long as the digest. These are the encodings both
clouds document (AWS KMS "Sign", "GetPublicKey"; Azure Key Vault "sign" for RS/PS/ES).
"""

from __future__ import annotations

import hmac
import os

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap_with_padding

from cloudtwin.engines.keys.model import KeyType

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
    "sha384": hashes.SHA384, "sha512": hashes.SHA512,
}
_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "secp256r1": ec.SECP256R1, "secp384r1": ec.SECP384R1, "secp521r1": ec.SECP521R1,
    "secp256k1": ec.SECP256K1,
}


def new_material(key_type: KeyType) -> bytes:
    """Fresh secret material for a key of ``key_type``."""
    if key_type.family in ("aes", "hmac"):
        return os.urandom(key_type.size // 8)
    return private_der(generate_private(key_type))


def generate_private(key_type: KeyType) -> PrivateKey:
    if key_type.family == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=key_type.size)
    return ec.generate_private_key(_CURVES[key_type.curve]())


def private_der(key: PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def public_der(key: PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private(material: bytes) -> PrivateKey:
    key: PrivateKeyTypes = serialization.load_der_private_key(material, password=None)
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise ValueError("not an RSA or EC private key")
    return key


def hash_of(algorithm: str) -> hashes.HashAlgorithm:
    """The hash an algorithm name ends with: "rsa-pss-sha256" -> SHA256()."""
    return _HASHES[algorithm.rsplit("-", 1)[1]]()


def digest_size(algorithm: str) -> int:
    return hash_of(algorithm).digest_size


def _signing(key: PrivateKey, algorithm: str, prehashed: bool) -> tuple[object, object]:
    """(padding or None, algorithm argument) for sign/verify with ``algorithm``."""
    chosen = hash_of(algorithm)
    hash_arg: hashes.HashAlgorithm | utils.Prehashed = utils.Prehashed(chosen) if prehashed else chosen
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return None, ec.ECDSA(hash_arg)
    if algorithm.startswith("rsa-pss-"):
        return padding.PSS(mgf=padding.MGF1(chosen), salt_length=chosen.digest_size), hash_arg
    return padding.PKCS1v15(), hash_arg


def sign(key: PrivateKey, algorithm: str, message: bytes, prehashed: bool) -> bytes:
    pad, arg = _signing(key, algorithm, prehashed)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(message, arg)  # type: ignore[arg-type]
    return key.sign(message, pad, arg)  # type: ignore[arg-type]


def verify(key: PrivateKey, algorithm: str, message: bytes, signature: bytes, prehashed: bool) -> bool:
    pad, arg = _signing(key, algorithm, prehashed)
    public = key.public_key()
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, message, arg)  # type: ignore[arg-type]
        else:
            public.verify(signature, message, pad, arg)  # type: ignore[arg-type]
    except InvalidSignature:
        return False
    return True


def _oaep(algorithm: str) -> padding.OAEP:
    chosen = hash_of(algorithm)
    return padding.OAEP(mgf=padding.MGF1(chosen), algorithm=chosen, label=None)


def rsa_encrypt(key: PrivateKey, algorithm: str, plaintext: bytes) -> bytes:
    """RSA-OAEP; raises ValueError when the plaintext is too long for the key."""
    assert isinstance(key, rsa.RSAPrivateKey)
    return key.public_key().encrypt(plaintext, _oaep(algorithm))


def rsa_max_plaintext(key: PrivateKey, algorithm: str) -> int:
    assert isinstance(key, rsa.RSAPrivateKey)
    return key.key_size // 8 - 2 * hash_of(algorithm).digest_size - 2


def rsa_decrypt(key: PrivateKey, algorithm: str, ciphertext: bytes) -> bytes:
    """RSA-OAEP; raises ValueError when the ciphertext was not made with this key and padding."""
    assert isinstance(key, rsa.RSAPrivateKey)
    return key.decrypt(ciphertext, _oaep(algorithm))


def unwrap_imported(key: PrivateKey, algorithm: str, wrapped: bytes) -> bytes:
    """Material wrapped for import under ``key``'s public half: RSA-OAEP ("rsa-oaep-sha*"), or an
    AES key under RSA-OAEP followed by the material under AES key wrap with padding, RFC 5649
    ("rsa-aes-kwp-sha*"). Raises ValueError when it does not unwrap."""
    if algorithm.startswith("rsa-oaep-"):
        return rsa_decrypt(key, algorithm, wrapped)
    assert isinstance(key, rsa.RSAPrivateKey)
    split = key.key_size // 8
    try:
        return aes_key_unwrap_with_padding(rsa_decrypt(key, algorithm, wrapped[:split]), wrapped[split:])
    except InvalidUnwrap as exc:
        raise ValueError("the key material does not unwrap") from exc


def fits(key_type: KeyType, material: bytes) -> bool:
    """Whether imported ``material`` can serve a key of ``key_type`` (HMAC keys may be longer)."""
    if key_type.family == "aes":
        return len(material) == key_type.size // 8
    if key_type.family == "hmac":
        return key_type.size // 8 <= len(material) <= (64 if key_type.size <= 256 else 128)
    try:
        key = load_private(material)
    except ValueError:
        return False
    if isinstance(key, rsa.RSAPrivateKey):
        return key_type.family == "rsa" and key.key_size == key_type.size
    return key_type.family == "ec" and key.curve.name == key_type.curve


def ecdh(key: PrivateKey, peer_der: bytes) -> bytes:
    """The ECDH shared secret with a peer's DER SubjectPublicKeyInfo; ValueError if it is not
    an EC public key on the same curve."""
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    peer = serialization.load_der_public_key(peer_der)
    if not isinstance(peer, ec.EllipticCurvePublicKey) or peer.curve.name != key.curve.name:
        raise ValueError("the public key is not on the key's curve")
    return key.exchange(ec.ECDH(), peer)


def mac(algorithm: str, secret: bytes, message: bytes) -> bytes:
    return hmac.new(secret, message, algorithm.rsplit("-", 1)[1]).digest()


def mac_matches(algorithm: str, secret: bytes, message: bytes, expected: bytes) -> bool:
    return hmac.compare_digest(mac(algorithm, secret, message), expected)

