"""The KMS face, on the keys engine.

LIMITATIONS (known differences from AWS):
- Key policies and grants are stored and listed, never enforced (no authorization yet);
  grant constraints are recorded, not checked.
- Only single-Region keys with Origin AWS_KMS or EXTERNAL: no custom key stores, multi-Region
  keys, SM2, ML-DSA or Ed25519 keys, no Nitro Enclaves Recipient, and no GetKeyLastUsage.
- A key with imported material holds one material: re-importing takes the same material
  only (ImportType NEW_KEY_MATERIAL and on-demand rotation of imported keys are refused).
- Ciphertext blobs have cloudtwin's own layout (header naming key and material version,
  AES-256-GCM, the encryption context as authenticated data), not AWS's byte format; blobs of
  one data dir open only there (their key material is sealed under that dir's master key).
- Deletion and automatic rotation happen within one sweep interval (default 1 s) after their
  date on the server clock; rotation dates are counted from when rotation was enabled.
- AWS managed keys (alias/aws/<service>) come into being when first named, like AWS (for any
  <service> name, where AWS knows a fixed list); they cannot be changed, deleted or rotated on
  demand (UnsupportedOperationException).
- Ciphertexts name their key by id only: Decrypt without a KeyId looks for it in the caller's
  account and Region; a key ARN of another account reaches that account's key (no policy is
  enforced).
- DryRun answers DryRunOperationException once the key is found, without checking the rest.
"""

from cloudtwin.aws._face import Face, Operations
from cloudtwin.aws.kms import aliases, encryption, grants, imports, keys, policies, rotation, signing
from cloudtwin.aws.kms.env import KmsEnv
from cloudtwin.aws.kms.errors import to_aws

operations = Operations({
    **keys.operations, **policies.operations, **rotation.operations, **aliases.operations,
    **grants.operations, **encryption.operations, **signing.operations, **imports.operations,
})

FACE = Face("kms", operations, to_aws)

__all__ = ["FACE", "KmsEnv"]
