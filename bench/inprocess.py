"""Drive cloudtwin's ASGI app in-process: a scope dict and a receive/send pair go straight to
the app (no sockets, no wrk), so timings are the server's own CPU per operation. Shared by the
profile_*.py scripts."""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Awaitable, Callable
from typing import Any

Call = Callable[[], Awaitable[Any]]


async def drive(app: Any, scope: dict[str, Any], body: bytes = b"") -> list[dict[str, Any]]:
    """Send one request; returns the ASGI messages the app sent back."""
    sent: list[dict[str, Any]] = []
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop()

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


async def best_of_three(call: Call, rounds: int) -> float:
    """Seconds of CPU per call, the best of three runs (the machine is shared)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(rounds):
            await call()
        best = min(best, (time.process_time() - started) / rounds)
    return best


async def profile(call: Call, rounds: int, lines: int = 30) -> None:
    """cProfile of ``rounds`` calls, by time spent in each function itself."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        await call()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(lines)
