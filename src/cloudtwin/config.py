"""Settings: read once by the command line, then passed down; nothing else reads the environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 4566
    data_dir: Path = Path(".cloudtwin")
    ephemeral: bool = False
    #: "process": safe against a crash of the server (SQLite WAL, no fsync);
    #: "power": also against power loss (fsync at every group commit).
    durability: str = "process"
    log_level: str = "info"
    #: How often background sweeps (TTL expiry, visibility timeouts, ...) run, in seconds.
    sweep_interval: float = 1.0
    #: Account used when the access key id is not a 12-digit account number.
    default_account: str = "000000000000"
    default_region: str = "us-east-1"
    #: Host names under which ``<bucket>.<domain>`` addresses an S3 bucket (virtual-hosted-style),
    #: besides s3.localhost and localhost, e.g. a domain of your own that resolves to the server.
    s3_domains: tuple[str, ...] = ()
