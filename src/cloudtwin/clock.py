"""The one source of time. Engines read ``clock.now()``; nothing else calls time.time().

The server's clock is wall time plus an offset that only grows: ``advance`` and ``set`` move
it forward (never backwards), so "expires after 30 days" is testable in a second.
"""

from __future__ import annotations

import time


class Clock:
    """Wall-clock time in epoch seconds, movable forward."""

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = offset

    def now(self) -> float:
        return time.time() + self._offset

    def monotonic(self) -> float:
        """Seconds on a steady clock, for measuring durations (not moved by ``advance``)."""
        return time.monotonic()

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock never goes backwards")
        self._offset += seconds
        return self.now()

    def set(self, epoch_seconds: float) -> float:
        delta = epoch_seconds - self.now()
        if delta < 0:
            raise ValueError("the clock never goes backwards")
        return self.advance(delta)


class ManualClock(Clock):
    """A clock that stands still until told to move: for engine unit tests."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        super().__init__()
        self._t = start

    def now(self) -> float:
        return self._t

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock never goes backwards")
        self._t += seconds
        return self._t
