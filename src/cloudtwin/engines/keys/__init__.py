"""The keys engine: keys that encrypt, sign and MAC, for AWS KMS and Azure Key Vault keys.

Public API (everything a face or another face's service needs):

``KeysEngine(storage, clock)``
    Keys and their lifecycle: ``create_key(scope, NewKey)``, ``key(scope, ref)``, ``keys``,
    ``enable``/``disable``, ``schedule_deletion(scope, ref, days)``/``cancel_deletion``,
    rotation (``enable_rotation``, ``rotate_now``, ``rotations``), aliases, policies, tags, and
    ``provider_key(scope, alias, NewKey)`` (a key the provider manages for a service, made on
    first use, e.g. the face's ``alias/aws/s3``).
``engine.crypto`` (``KeyCrypto``)
    encrypt/decrypt/re_encrypt, data keys, sign/verify, derive_shared_secret, mac/verify_mac,
    public_key, random.
``engine.grants`` (``Grants``)
    create, grants, retirable, revoke, retire.
``engine.imports`` (``KeyImports``)
    parameters, import_material, delete_material (keys made with ``NewKey(imported=True)``).

A ``ref`` is a key id or an alias name of the scope; a face turns ARNs into one of these.

Encryption at rest for another service (e.g. S3's SSE-KMS and SSE-S3): the face of that
service holds this engine in its env and, per object::

    data_key = keys.crypto.generate_data_key(scope, ref, 32, context)   # -> DataKey
    # encrypt the body with data_key.plaintext (AES-256-GCM), keep only data_key.ciphertext
    secret = keys.crypto.decrypt_data_key(scope, stored_ciphertext, context)  # -> bytes

``data_key.key_id`` is the key actually used (an alias resolved). The same ``context`` must
be given to both calls (for S3: {"aws:s3:arn": object or bucket ARN}, as AWS does). ``ref`` is
what the face got from its client, turned into a key id or alias name with
``cloudtwin.aws._arns.kms_key_ref``. Default keys, created on first use::

    # SSE-KMS without a key id: the AWS managed key, visible in KMS as alias/aws/s3
    keys.provider_key(scope, "alias/aws/s3", NewKey(AES_256, ENCRYPT, "Default key that protects
                      my s3 data when no other key is defined", manager=PROVIDER, rotation_days=365))
    # SSE-S3: a key of the service's own, never listed, whose alias must not begin with alias/
    keys.provider_key(scope, "s3-owned", NewKey(AES_256, ENCRYPT, manager=INTERNAL))

Both calls raise the neutral errors of ``cloudtwin.engines._kernel.errors``, told apart by
``kind`` (constants of ``model``):

- ``NotFound`` kind ``KEY``: no such key (or alias) in the scope;
- ``Conflict`` kind ``KEY_DISABLED``: the key is disabled;
- ``Conflict`` kind ``KEY_PENDING_DELETION``: the key is scheduled for deletion;
- ``Invalid`` kind ``USAGE``: the key is not a symmetric encryption key;
- ``Invalid`` kind ``CIPHERTEXT``: the stored ciphertext does not open (tampered, other
  context, or its key was deleted).

``extra`` of key errors carries ``tenant`` and ``location``, so a face can name the key fully.
"""

from cloudtwin.engines.keys.engine import KeysEngine
from cloudtwin.engines.keys.model import (
    AES_256, AGREE, ALIAS, ALIAS_TARGET, AUTOMATIC, CIPHERTEXT, CUSTOMER, DIGEST, DISABLED, ENABLED, ENCRYPT,
    GENERATED, GRANT, GRANT_TOKEN, IMPORTED, IMPORT_TOKEN, IMPORT_TOKEN_EXPIRED, INITIAL, INTERNAL, KEY,
    KEY_DISABLED, KEY_MATERIAL, KEY_PENDING_DELETION, KEY_STATE, KEY_TYPES, MAC, MAC_CHECK, ON_DEMAND,
    PENDING_DELETION, PENDING_IMPORT, PLAINTEXT, POLICY, PROVIDER, PUBLIC_KEY, ROTATIONS, SIGN, SIGNATURE,
    SYMMETRIC_GCM, UNSUPPORTED, USAGE, WRONG_KEY, Alias, DataKey, DataKeyPair, Decrypted, Encrypted, Grant,
    ImportParameters, KeyInfo, KeyType, Material, NewKey,
)

__all__ = [
    "AES_256", "AGREE", "ALIAS", "ALIAS_TARGET", "AUTOMATIC", "CIPHERTEXT", "CUSTOMER", "DIGEST", "DISABLED",
    "ENABLED", "ENCRYPT", "GENERATED", "GRANT", "GRANT_TOKEN", "IMPORTED", "IMPORT_TOKEN",
    "IMPORT_TOKEN_EXPIRED", "INITIAL", "INTERNAL", "KEY", "KEY_DISABLED", "KEY_MATERIAL", "KEY_PENDING_DELETION",
    "KEY_STATE", "KEY_TYPES", "MAC", "MAC_CHECK", "ON_DEMAND", "PENDING_DELETION", "PENDING_IMPORT", "PLAINTEXT",
    "POLICY", "PROVIDER", "PUBLIC_KEY", "ROTATIONS", "SIGN", "SIGNATURE", "SYMMETRIC_GCM", "UNSUPPORTED",
    "USAGE", "WRONG_KEY", "Alias", "DataKey", "DataKeyPair", "Decrypted", "Encrypted", "Grant",
    "ImportParameters", "KeyInfo", "KeyType", "KeysEngine", "Material", "NewKey",
]
