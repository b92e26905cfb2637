"""Benchmark definitions, one module per service.

A workload module exposes:
    SERVICE          the SigV4 signing name
    probe()          -> Request: a cheap call that must answer 2xx once a peer is ready
    setup(client)    create and seed what the operations need, through boto3
    OPS              list of Op, run in this order

Each Op builds its i-th unsigned request; the driver signs a batch of them per target (the
Host is signed, so each target gets its own) and wrk replays them. check() looks at one real
answer before the timed run, so a fast stream of empty or wrong answers is never reported as
speed.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from harness import Request


@dataclass
class Op:
    name: str
    make: Callable[[int], Request]
    distinct: int = 20000  # how many different requests to pre-sign and cycle through
    check: Callable[[bytes], str | None] = lambda body: None  # error text, or None if fine


def load(name: str):
    return importlib.import_module(f"workloads.{name}")
