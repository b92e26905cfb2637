"""RetryPolicy: when a failed delivery is tried again, and when the sender gives up.

Four phases after the first attempt, as Amazon SNS documents them ("Amazon SNS message
delivery retries": immediate, pre-backoff, backoff, post-backoff) and as Azure Event Grid's
retry schedule can be expressed: ``immediate`` retries with no delay, ``pre_backoff`` retries
``min_delay`` apart, then the backoff phase from ``min_delay`` growing to ``max_delay`` by the
``backoff`` function, then ``post_backoff`` retries ``max_delay`` apart; ``retries`` counts
them all. No jitter: schedules are reproducible on the server clock.
"""

from __future__ import annotations

from dataclasses import dataclass

BACKOFFS = ("linear", "arithmetic", "geometric", "exponential")


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 3
    immediate: int = 0
    pre_backoff: int = 0
    post_backoff: int = 0
    min_delay: float = 20.0
    max_delay: float = 20.0
    backoff: str = "linear"

    @property
    def backoff_retries(self) -> int:
        return max(0, self.retries - self.immediate - self.pre_backoff - self.post_backoff)

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based), after the previous try."""
        if retry <= self.immediate:
            return 0.0
        retry -= self.immediate
        if retry <= self.pre_backoff:
            return self.min_delay
        retry -= self.pre_backoff
        steps = self.backoff_retries
        if retry <= steps:
            return self._backoff(retry, steps)
        return self.max_delay

    def _backoff(self, step: int, steps: int) -> float:
        """The delay of backoff step ``step`` of ``steps``, from min_delay towards max_delay."""
        span = self.max_delay - self.min_delay
        if steps <= 1 or span <= 0:
            return self.min_delay if step < steps else self.max_delay
        fraction = (step - 1) / (steps - 1)
        if self.backoff == "exponential":
            return float(self.min_delay * (self.max_delay / max(self.min_delay, 1e-9)) ** fraction)
        if self.backoff == "geometric":
            return self.min_delay + span * fraction ** 2
        if self.backoff == "arithmetic":
            return self.min_delay + span * fraction * (fraction + 1) / 2
        return self.min_delay + span * fraction

    def next_after(self, attempts: int, last: float, now: float) -> tuple[int, float | None]:
        """After ``attempts`` tries, the last at ``last``: (tries counted by ``now``, next due).

        Retries whose time passed while nothing could have changed (the clock was moved
        forward) count as failed; None as the due time means the policy is exhausted.
        """
        due = last + self.delay(attempts)
        while attempts <= self.retries and due <= now:
            attempts += 1
            due += self.delay(attempts)
        if attempts > self.retries:
            return attempts, None
        return attempts, due
