"""S3Env: the engines the S3 face calls, the request's Exchange, and the face's settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudtwin.aws.s3.exchange import Exchange
from cloudtwin.engines.blobs import BlobsEngine

#: Access key id -> secret key, for verifying presigned URLs; keys not listed are not verified.
DEFAULT_CREDENTIALS = {"test": "test"}
#: Host suffixes that carry the bucket name in front (virtual-hosted-style addressing).
DEFAULT_DOMAINS = ("s3.localhost", "localhost", "s3.localhost.localstack.cloud", "localhost.localstack.cloud")


@dataclass(frozen=True)
class S3Env:
    blobs: BlobsEngine
    #: The keys engine (SSE-KMS), when the server has one.
    keys: Any = None
    #: Sends event notifications (notifications.Notifier), when the server wires one.
    notifier: Any = None
    credentials: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_CREDENTIALS))
    domains: tuple[str, ...] = DEFAULT_DOMAINS
    #: The current request's bodies; set per request by the face.
    exchange: Exchange | None = None

    @property
    def io(self) -> Exchange:
        assert self.exchange is not None, "S3 operations run inside S3Face.handle"
        return self.exchange


def bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"
