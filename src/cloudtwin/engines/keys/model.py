"""The keys engine's vocabulary: key types and their algorithms, states, and value objects.

Names are neutral: a face maps its cloud's names onto them (AWS KMS ``SYMMETRIC_DEFAULT`` is
``aes-256``, ``RSASSA_PSS_SHA_256`` is ``rsa-pss-sha256``; Azure Key Vault's ``PS256`` is the
same algorithm). Which algorithms a key type supports is a fact of cryptography shared by both
clouds (a P-256 key signs with SHA-256, a P-384 key with SHA-384, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudtwin.engines._kernel.scope import Scope

# -- what a key is for ------------------------------------------------------------------------
ENCRYPT, SIGN, MAC, AGREE = "encrypt", "sign", "mac", "agree"

# -- key states --------------------------------------------------------------------------------
ENABLED, DISABLED, PENDING_DELETION, PENDING_IMPORT = "enabled", "disabled", "pending_deletion", "pending_import"

# -- where a key's material comes from: made by the engine, or imported by the caller ----------
GENERATED, IMPORTED = "generated", "imported"

# -- who manages a key: the customer; the provider on a service's behalf (visible, listed);
#    or the engine itself for a service's own encryption at rest (never listed nor named).
CUSTOMER, PROVIDER, INTERNAL = "customer", "provider", "internal"

# -- how a key material version came to be ---------------------------------------------------
INITIAL, AUTOMATIC, ON_DEMAND = "initial", "automatic", "on_demand"

# -- the ``kind`` of the neutral errors this engine raises (EngineError.kind) -------------------
KEY = "key"                          # NotFound: no such key in the scope
ALIAS = "alias"                      # NotFound / AlreadyExists
ALIAS_TARGET = "alias-target"        # Invalid: an alias moved to a key of another type or usage
GRANT = "grant"                      # NotFound
GRANT_TOKEN = "grant-token"          # Invalid: not a grant token of ours
POLICY = "policy"                    # NotFound: no policy of that name
KEY_DISABLED = "key-disabled"        # Conflict: the key is disabled
KEY_PENDING_DELETION = "key-pending-deletion"  # Conflict: the key is scheduled for deletion
KEY_STATE = "key-state"              # Conflict: any other state that forbids the operation
CIPHERTEXT = "ciphertext"            # Invalid: not ours, tampered, or another context
WRONG_KEY = "wrong-key"              # Invalid: made under another key than the one named
USAGE = "usage"                      # Invalid: the key cannot do that (usage or algorithm)
UNSUPPORTED = "unsupported"          # Invalid: no key of this type or manager can do that
DIGEST = "digest"                    # Invalid: a prehashed message of the wrong length
PLAINTEXT = "plaintext"              # Invalid: too long for the key and algorithm
PUBLIC_KEY = "public-key"            # Invalid: a peer's public key that is unreadable or of another curve
SIGNATURE = "signature"              # ConditionFailed: the signature does not verify
MAC_CHECK = "mac"                    # ConditionFailed: the MAC does not verify
ROTATIONS = "rotations"              # LimitExceeded: too many on-demand rotations
IMPORT_TOKEN = "import-token"        # Invalid: not an import token of this key
IMPORT_TOKEN_EXPIRED = "import-token-expired"  # Invalid: the import token's time has passed
KEY_MATERIAL = "key-material"        # Invalid: imported material of the wrong kind, or not the same again


@dataclass(frozen=True)
class KeyType:
    name: str
    #: "aes", "rsa", "ec" or "hmac".
    family: str
    #: Bits of the key (the curve's size for "ec").
    size: int
    usages: tuple[str, ...]
    encryption: tuple[str, ...] = ()
    signing: tuple[str, ...] = ()
    mac: tuple[str, ...] = ()
    agreement: tuple[str, ...] = ()
    curve: str = ""

    @property
    def asymmetric(self) -> bool:
        return self.family in ("rsa", "ec")


def _rsa(bits: int) -> KeyType:
    signing = tuple(f"rsa-{pad}-sha{h}" for pad in ("pss", "pkcs1") for h in (256, 384, 512))
    return KeyType(f"rsa-{bits}", "rsa", bits, (ENCRYPT, SIGN), ("rsa-oaep-sha1", "rsa-oaep-sha256"), signing)


def _ec(name: str, curve: str, bits: int, hash_bits: int, agreement: tuple[str, ...] = ("ecdh",)) -> KeyType:
    usages = (SIGN, AGREE) if agreement else (SIGN,)
    return KeyType(name, "ec", bits, usages, signing=(f"ecdsa-sha{hash_bits}",), agreement=agreement, curve=curve)


def _hmac(bits: int) -> KeyType:
    return KeyType(f"hmac-{bits}", "hmac", bits, (MAC,), mac=(f"hmac-sha{bits}",))


#: The symmetric key type (NewKey's ``type``) and its one encryption algorithm.
AES_256 = "aes-256"
SYMMETRIC_GCM = "aes-gcm"
KEY_TYPES: dict[str, KeyType] = {t.name: t for t in (
    KeyType(AES_256, "aes", 256, (ENCRYPT,), (SYMMETRIC_GCM,)),
    _rsa(2048), _rsa(3072), _rsa(4096),
    _ec("ec-p256", "secp256r1", 256, 256), _ec("ec-p384", "secp384r1", 384, 384),
    _ec("ec-p521", "secp521r1", 521, 512), _ec("ec-secp256k1", "secp256k1", 256, 256, agreement=()),
    _hmac(224), _hmac(256), _hmac(384), _hmac(512),
)}


@dataclass(frozen=True)
class NewKey:
    """What a caller asks for when creating a key."""

    #: A name of KEY_TYPES: AES_256, "rsa-2048", "ec-p256", "hmac-256", ...
    type: str
    usage: str
    description: str = ""
    #: Policy documents by name; stored as given (the engine does not read them).
    policies: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    manager: str = CUSTOMER
    #: Rotate the key material every this many days (None: no automatic rotation).
    rotation_days: int | None = None
    #: The caller will import the material (the key waits in PENDING_IMPORT until then).
    imported: bool = False


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    scope: Scope
    type: KeyType
    usage: str
    state: str
    manager: str
    description: str
    created: float
    #: The current key material: its version and its 64-hex-digit id (0 and "" when it has none).
    material_version: int
    material_id: str
    delete_at: float | None = None
    delete_window_days: int | None = None
    rotation_days: int | None = None
    next_rotation: float | None = None
    policies: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    origin: str = GENERATED
    #: When imported material expires (None: never).
    valid_to: float | None = None

    @property
    def enabled(self) -> bool:
        return self.state == ENABLED


@dataclass(frozen=True)
class Material:
    """One version of a key's material, as listed (the secret itself never leaves the engine)."""

    version: int
    material_id: str
    created: float
    origin: str
    current: bool


@dataclass(frozen=True)
class ImportParameters:
    """A one-time wrapping key for importing material into a key, and the token naming it."""

    key_id: str
    token: str
    public_key: bytes
    valid_to: float


@dataclass(frozen=True)
class Alias:
    name: str
    key_id: str
    created: float
    updated: float


@dataclass(frozen=True)
class Grant:
    grant_id: str
    key_id: str
    name: str
    grantee: str
    retiring: str
    operations: tuple[str, ...]
    constraints: dict[str, Any]
    created: float
    issuer: str
    token: str


@dataclass(frozen=True)
class Encrypted:
    key_id: str
    ciphertext: bytes
    material_id: str


@dataclass(frozen=True)
class Decrypted:
    key_id: str
    plaintext: bytes
    material_id: str


@dataclass(frozen=True)
class DataKey:
    """A fresh secret and the same secret sealed under a key (store the ciphertext only)."""

    key_id: str
    plaintext: bytes
    ciphertext: bytes
    material_id: str


@dataclass(frozen=True)
class DataKeyPair:
    key_id: str
    public_key: bytes
    private_key: bytes
    private_ciphertext: bytes
    material_id: str
