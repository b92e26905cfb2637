"""Scope: the neutral partition of state (an AWS account and region; an Azure account)."""

from __future__ import annotations

from typing import NamedTuple


class Scope(NamedTuple):
    tenant: str
    location: str

    def __str__(self) -> str:
        return f"{self.tenant}/{self.location}"
