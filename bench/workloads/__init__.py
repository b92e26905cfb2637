"""Benchmark definitions, one module per service.

A workload module exposes:
    SERVICE          the SigV4 signing name
    probe()          -> Request: a cheap call that must answer 2xx once a peer is ready
    setup(client)    create and seed what the operations need, through boto3
    OPS              list of Op, run in this order
    SCALE            optional Scale: how reads behave as a table grows (run.py --scale)

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


@dataclass
class Scale:
    """Load N items in batches, then time reads of random keys among them."""

    setup: Callable  # (boto3 client) -> None
    batch: Callable[[int], Request]  # i -> request writing items i*per_batch .. +per_batch-1
    per_batch: int
    read_name: str
    read_for: Callable[[int], Callable[[int], Request]]  # n -> (i -> read of a random key < n)
    read_check: Callable[[bytes], str | None] = lambda body: None
    batch_check: Callable[[bytes], str | None] = lambda body: None


def load(name: str):
    return importlib.import_module(f"workloads.{name}")
