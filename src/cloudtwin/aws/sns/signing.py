"""Message signatures: SNS's SignatureVersion 1 (SHA1withRSA) and 2 (SHA256withRSA).

cloudtwin makes its own RSA key and self-signed certificate the first time it signs, and
serves the certificate at ``cert_path`` so subscribers can verify notifications the way they
verify AWS's ("Verifying the signatures of Amazon SNS messages"). The path carries the
certificate's fingerprint, so a verifier that caches certificates by URL never uses a stale
one after a restart (which makes a new key).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

CERT_PREFIX = "/_cloudtwin/sns/SimpleNotificationService-"
#: 1024 bits, not AWS's 2048: every published message is signed once (0.35 ms instead of 0.9 ms),
#: and a local verifier cares that the signature checks out, not about the key's strength.
KEY_BITS = 1024

#: The keys signed, in this order, for each message type (absent ones are skipped).
NOTIFICATION_KEYS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_KEYS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")


def string_to_sign(document: Mapping[str, str]) -> bytes:
    keys = NOTIFICATION_KEYS if document.get("Type") == "Notification" else CONFIRMATION_KEYS
    return "".join(f"{k}\n{document[k]}\n" for k in keys if k in document).encode()


class Signer:
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._key: rsa.RSAPrivateKey | None = None
        self._cert_pem = b""
        self._cert_path = ""

    def _ensure(self) -> rsa.RSAPrivateKey:
        if self._key is None:
            self._key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
            self._cert_pem = self._certificate(self._key)
            fingerprint = hashlib.sha256(self._cert_pem).hexdigest()[:32]
            self._cert_path = f"{CERT_PREFIX}{fingerprint}.pem"
        return self._key

    def _certificate(self, key: rsa.RSAPrivateKey) -> bytes:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.cloudtwin.local")])
        start = datetime.fromtimestamp(self._now(), timezone.utc) - timedelta(days=1)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(start)
                .not_valid_after(start + timedelta(days=3650)).sign(key, hashes.SHA256()))
        return cert.public_bytes(serialization.Encoding.PEM)

    @property
    def cert_path(self) -> str:
        self._ensure()
        return self._cert_path

    def cert_pem(self) -> bytes:
        self._ensure()
        return self._cert_pem

    def sign(self, document: Mapping[str, str], version: str) -> str:
        """The base64 signature of ``document`` (a notification or confirmation JSON document)."""
        digest = hashes.SHA256() if version == "2" else hashes.SHA1()
        signature = self._ensure().sign(string_to_sign(document), padding.PKCS1v15(), digest)
        return base64.b64encode(signature).decode()
