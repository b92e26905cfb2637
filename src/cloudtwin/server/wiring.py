"""Which engines exist, which faces sit on them, and how cross-service effects travel.

``build_services`` is called once by the composition root; it opens each engine's database
and binds each face to the engines it calls (its ``env``).
"""

from __future__ import annotations

from typing import Any, Protocol

from cloudtwin.aws._face import Face
from cloudtwin.clock import Clock
from cloudtwin.config import Settings
from cloudtwin.storage import Storage


class Engine(Protocol):
    def reset(self) -> None:
        """Forget everything."""

    def sweep(self, now: float) -> None:
        """Do the work that has come due by ``now`` (expiry, timeouts)."""


ServiceParts = tuple[Face, Any, tuple[Engine, ...]]


def build_services(storage: Storage, clock: Clock, settings: Settings) -> dict[str, ServiceParts]:
    from cloudtwin.aws import dynamodb, kms
    from cloudtwin.engines.keys import KeysEngine
    from cloudtwin.engines.tables import TablesEngine

    tables = TablesEngine(storage, clock)
    keys = KeysEngine(storage, clock)
    return {
        "dynamodb": (dynamodb.FACE, dynamodb.DynamoEnv(tables=tables), (tables,)),
        "kms": (kms.FACE, kms.KmsEnv(keys=keys), (keys,)),
    }


def face_catalog() -> dict[str, Face]:
    """Every face cloudtwin has, by service name (no engines opened): for ``coverage``."""
    from cloudtwin.aws import dynamodb, kms

    return {"dynamodb": dynamodb.FACE, "kms": kms.FACE}
