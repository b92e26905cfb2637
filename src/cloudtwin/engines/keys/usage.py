"""Using keys: encrypt and decrypt, data keys, sign and verify, key agreement, MACs.

Models AWS KMS's cryptographic operations ("Encrypt", "Decrypt", "GenerateDataKey", "Sign",
"GenerateMac") and Azure Key Vault's key operations (encrypt, wrapKey, sign, verify). Rules:
1. Symmetric keys seal with their current material into ``envelope`` blobs; a blob names its
   key and material version, so it opens without the caller naming the key, under the same
   encryption context only. Any damage or another context is a CIPHERTEXT error.
2. A blob whose key is not in the caller's scope (never existed, or deleted) is a CIPHERTEXT
   error too: nothing can open it any more.
3. Every use checks the key's state first (disabled, pending deletion), then its usage and
   algorithm, then the input: the order AWS KMS reports them in.
"""

from __future__ import annotations

import os

from cloudtwin.engines._kernel.errors import ConditionFailed, Invalid
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.keys import crypto, envelope
from cloudtwin.engines.keys.catalog import KeyCatalog, check_state, key_error
from cloudtwin.engines.keys.model import (
    AGREE, CIPHERTEXT, DIGEST, ENCRYPT, KEY_TYPES, MAC, MAC_CHECK, PLAINTEXT, PUBLIC_KEY, SIGN, SIGNATURE, SYMMETRIC_GCM,
    UNSUPPORTED, USAGE, WRONG_KEY, DataKey, DataKeyPair, Decrypted, Encrypted, KeyInfo,
)

Context = dict[str, str] | None


def _bad_ciphertext(detail: str = "The ciphertext is invalid or was not made under this encryption context.",
                    ) -> Invalid:
    return Invalid(detail, kind=CIPHERTEXT)


class KeyCrypto:
    def __init__(self, catalog: KeyCatalog) -> None:
        self.catalog = catalog

    # -- encryption -------------------------------------------------------------------------------
    def encrypt(self, scope: Scope, ref: str, plaintext: bytes, context: Context = None,
                algorithm: str = SYMMETRIC_GCM) -> Encrypted:
        key = self.catalog.usable(scope, ref, ENCRYPT, "Encrypt")
        self._check_algorithm(key, algorithm, key.type.encryption)
        if key.type.family == "aes":
            secret = self.catalog.material(key)
            assert secret is not None
            blob = envelope.seal(secret, key.key_id, key.material_version, plaintext, context)
            return Encrypted(key.key_id, blob, key.material_id)
        private = self.catalog.private_key(key)
        if len(plaintext) > crypto.rsa_max_plaintext(private, algorithm):
            raise Invalid(f"Plaintext is too long for {key.type.name} with {algorithm}", kind=PLAINTEXT)
        return Encrypted(key.key_id, crypto.rsa_encrypt(private, algorithm, plaintext), key.material_id)

    def decrypt(self, scope: Scope, ciphertext: bytes, context: Context = None, ref: str | None = None,
                algorithm: str = SYMMETRIC_GCM) -> Decrypted:
        """Open a ciphertext; ``ref``, when given, must name the key that made it."""
        named = self.catalog.get(scope, ref) if ref is not None else None
        if named is not None and named.type.family == "rsa":
            return self._rsa_decrypt(named, ciphertext, algorithm)
        key = self._blob_key(scope, ciphertext)
        if named is not None and named.key_id != key.key_id:
            raise key_error(Invalid, WRONG_KEY, named, scope, "The key named is not the key that made this "
                            "ciphertext.")
        self.catalog.check_usable(key, ENCRYPT, "Decrypt")
        self._check_algorithm(key, algorithm, key.type.encryption)
        header = envelope.read_header(ciphertext)
        secret = self.catalog.material(key, header.material_version)
        if secret is None:
            raise _bad_ciphertext()
        try:
            plaintext = envelope.open_blob(secret, ciphertext, context)
        except envelope.BadBlob:
            raise _bad_ciphertext() from None
        return Decrypted(key.key_id, plaintext, self._material_id(key, header.material_version))

    def re_encrypt(self, scope: Scope, ciphertext: bytes, destination: str, source_context: Context = None,
                   destination_context: Context = None, source: str | None = None,
                   source_algorithm: str = SYMMETRIC_GCM, destination_algorithm: str = SYMMETRIC_GCM,
                   ) -> tuple[Decrypted, Encrypted]:
        self.catalog.usable(scope, destination, ENCRYPT, "ReEncrypt")
        opened = self.decrypt(scope, ciphertext, source_context, source, source_algorithm)
        return opened, self.encrypt(scope, destination, opened.plaintext, destination_context,
                                    destination_algorithm)

    # -- data keys --------------------------------------------------------------------------------
    def generate_data_key(self, scope: Scope, ref: str, size: int, context: Context = None) -> DataKey:
        """``size`` random bytes, and the same bytes sealed under the symmetric key ``ref``."""
        key = self._symmetric(scope, ref, "GenerateDataKey")
        plaintext = os.urandom(size)
        sealed = self.encrypt(scope, key.key_id, plaintext, context)
        return DataKey(key.key_id, plaintext, sealed.ciphertext, sealed.material_id)

    def decrypt_data_key(self, scope: Scope, ciphertext: bytes, context: Context = None) -> bytes:
        """The secret of a data key made by ``generate_data_key`` (same scope, same context)."""
        return self.decrypt(scope, ciphertext, context).plaintext

    def generate_data_key_pair(self, scope: Scope, ref: str, pair_type: str, context: Context = None
                               ) -> DataKeyPair:
        key = self._symmetric(scope, ref, "GenerateDataKeyPair")
        private = crypto.generate_private(KEY_TYPES[pair_type])
        private_der = crypto.private_der(private)
        sealed = self.encrypt(scope, key.key_id, private_der, context)
        return DataKeyPair(key.key_id, crypto.public_der(private), private_der, sealed.ciphertext,
                           sealed.material_id)

    # -- signatures -------------------------------------------------------------------------------
    def public_key(self, scope: Scope, ref: str) -> tuple[KeyInfo, bytes]:
        key = self.catalog.get(scope, ref)
        check_state(key)
        if not key.type.asymmetric:
            raise key_error(Invalid, UNSUPPORTED, key, scope, f"{key.key_id} key usage is {key.usage} "
                            f"which is not valid for GetPublicKey.", usage=key.usage, action="GetPublicKey")
        return key, crypto.public_der(self.catalog.private_key(key))

    def sign(self, scope: Scope, ref: str, message: bytes, algorithm: str, prehashed: bool) -> tuple[str, bytes]:
        key = self._signer(scope, ref, "Sign", algorithm, message, prehashed)
        return key.key_id, crypto.sign(self.catalog.private_key(key), algorithm, message, prehashed)

    def verify(self, scope: Scope, ref: str, message: bytes, signature: bytes, algorithm: str,
               prehashed: bool) -> str:
        """The key id when ``signature`` is valid; a SIGNATURE error otherwise."""
        key = self._signer(scope, ref, "Verify", algorithm, message, prehashed)
        if not crypto.verify(self.catalog.private_key(key), algorithm, message, signature, prehashed):
            raise ConditionFailed("The signature is not valid for this message and key.", kind=SIGNATURE)
        return key.key_id

    def derive_shared_secret(self, scope: Scope, ref: str, peer_public: bytes, algorithm: str) -> tuple[str, bytes]:
        """The key agreement secret of an EC key with a peer's public key (DER)."""
        key = self.catalog.usable(scope, ref, AGREE, "DeriveSharedSecret")
        self._check_algorithm(key, algorithm, key.type.agreement)
        try:
            return key.key_id, crypto.ecdh(self.catalog.private_key(key), peer_public)
        except ValueError:
            raise Invalid("The public key is not a DER-encoded X.509 public key on the key's curve.",
                          kind=PUBLIC_KEY) from None

    # -- MACs -------------------------------------------------------------------------------------
    def mac(self, scope: Scope, ref: str, message: bytes, algorithm: str) -> tuple[str, bytes]:
        key, secret = self._mac_key(scope, ref, algorithm, "GenerateMac")
        return key.key_id, crypto.mac(algorithm, secret, message)

    def verify_mac(self, scope: Scope, ref: str, message: bytes, algorithm: str, expected: bytes) -> str:
        key, secret = self._mac_key(scope, ref, algorithm, "VerifyMac")
        if not crypto.mac_matches(algorithm, secret, message, expected):
            raise ConditionFailed("The MAC is not valid for this message and key.", kind=MAC_CHECK)
        return key.key_id

    @staticmethod
    def random(size: int) -> bytes:
        return os.urandom(size)

    # -- helpers ----------------------------------------------------------------------------------
    def _blob_key(self, scope: Scope, ciphertext: bytes) -> KeyInfo:
        try:
            header = envelope.read_header(ciphertext)
        except envelope.BadBlob:
            raise _bad_ciphertext() from None
        key = self.catalog.find(scope, header.key_id)
        if key is None or key.type.family != "aes":
            raise _bad_ciphertext()
        return key

    def _rsa_decrypt(self, key: KeyInfo, ciphertext: bytes, algorithm: str) -> Decrypted:
        self.catalog.check_usable(key, ENCRYPT, "Decrypt")
        self._check_algorithm(key, algorithm, key.type.encryption)
        try:
            plaintext = crypto.rsa_decrypt(self.catalog.private_key(key), algorithm, ciphertext)
        except ValueError:
            raise _bad_ciphertext() from None
        return Decrypted(key.key_id, plaintext, key.material_id)

    def _symmetric(self, scope: Scope, ref: str, action: str) -> KeyInfo:
        key = self.catalog.usable(scope, ref, ENCRYPT, action)
        if key.type.family != "aes":
            raise key_error(Invalid, USAGE, key, scope, f"{key.key_id} key spec {key.type.name} is not "
                            f"valid for {action}.")
        return key

    def _signer(self, scope: Scope, ref: str, action: str, algorithm: str, message: bytes,
                prehashed: bool) -> KeyInfo:
        key = self.catalog.usable(scope, ref, SIGN, action)
        self._check_algorithm(key, algorithm, key.type.signing)
        if prehashed and len(message) != crypto.digest_size(algorithm):
            raise Invalid(f"Digest is invalid length for algorithm {algorithm}.", kind=DIGEST)
        return key

    def _mac_key(self, scope: Scope, ref: str, algorithm: str, action: str) -> tuple[KeyInfo, bytes]:
        key = self.catalog.usable(scope, ref, MAC, action)
        self._check_algorithm(key, algorithm, key.type.mac)
        secret = self.catalog.material(key)
        assert secret is not None
        return key, secret

    @staticmethod
    def _check_algorithm(key: KeyInfo, algorithm: str, supported: tuple[str, ...]) -> None:
        if algorithm not in supported:
            raise key_error(Invalid, USAGE, key, key.scope, f"Algorithm {algorithm} is incompatible with key "
                            f"spec {key.type.name}.")

    def _material_id(self, key: KeyInfo, version: int) -> str:
        if version == key.material_version:
            return key.material_id
        found = self.catalog.store.sealed_material(key.key_id, version)
        return found[1] if found else key.material_id
