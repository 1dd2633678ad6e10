"""Pace each endpoint from bol's rate-limit headers, before bol has to answer 429.

Every Retailer API answer carries ``x-ratelimit-limit``, ``x-ratelimit-remaining`` and
``x-ratelimit-reset`` (seconds until the budget is whole again; shared/reference/
retailer-api-v10.md, 1.8). The limits differ per resource group and the one for
cancellations is not published, so nothing is assumed: a ``Pacer`` per endpoint lets one
request out until the first answer tells the budget, then lets out as many as remain,
counting its own requests in flight, and holds the rest until the reset (answers without
the headers, such as a 401 or a proxy's error page, change nothing). A 429 empties
the budget until its ``Retry-After`` (or the reset, or a second when neither is given).
All requests of an endpoint share one pacer, whichever worker sends them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping

Sleep = Callable[[float], Awaitable[None]]
NO_HINT_WAIT = 1.0  # a 429 without Retry-After or reset: wait this long


def _number(headers: Mapping[str, str], name: str) -> float | None:
    try:
        return float(headers.get(name, "").strip())
    except ValueError:
        return None


class Pacer:
    """The budget of one endpoint as the last answers told it."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self._clock, self._sleep = clock, sleep
        self.limit: int | None = None
        self._remaining: float | None = None  # None: not told yet
        self._reset_at = 0.0
        self._in_flight = 0
        self._generation = 0  # a new budget (after a reset) ignores answers to requests sent before it
        self._changed = asyncio.Event()
        self.waits = 0  # how often a request waited for the budget

    async def acquire(self) -> int:
        """Wait until the budget allows one more request; returns the generation to hand to ``settle``."""
        waited = False
        while True:
            now = self._clock()
            if self._remaining is None:
                if self._in_flight == 0:
                    break  # the first request of an endpoint goes alone: its answer tells the budget
                await self._wait_for_change()
            elif self._remaining >= 1:
                self._remaining -= 1
                break
            elif now >= self._reset_at:
                # The budget is whole again. Until its first answer says when the next reset is,
                # assume a second (bol's shortest window): one refill per reset, not one per waiter.
                self._generation += 1
                self._remaining = float(self.limit or 1)
                self._reset_at = now + NO_HINT_WAIT
                continue
            else:
                waited = True
                await self._sleep(self._reset_at - now)
        self.waits += waited
        self._in_flight += 1
        return self._generation

    async def _wait_for_change(self) -> None:
        self._changed.clear()
        await self._changed.wait()

    def settle(
        self, generation: int, headers: Mapping[str, str] | None, http_status: int, retry_after: float | None
    ) -> None:
        """An answer (``headers`` None: none came) to a request ``acquire`` let out in ``generation``."""
        self._in_flight -= 1
        now = self._clock()
        limit = _number(headers or {}, "x-ratelimit-limit")
        remaining = _number(headers or {}, "x-ratelimit-remaining")
        reset = _number(headers or {}, "x-ratelimit-reset")
        if limit is not None and limit >= 1:
            self.limit = int(limit)
        if http_status == 429:
            wait = retry_after if retry_after is not None else reset if reset is not None else NO_HINT_WAIT
            self._remaining = 0.0
            self._reset_at = max(self._reset_at, now + wait)
            self._generation += 1
        elif remaining is not None and reset is not None:
            if self._remaining is None:
                self._remaining = max(remaining - self._in_flight, 0.0)
                self._reset_at = now + reset
            elif generation == self._generation:
                # Answers overtake each other: the lowest remaining and the latest reset are the truth.
                self._remaining = min(self._remaining, max(remaining - self._in_flight, 0.0))
                self._reset_at = max(self._reset_at, now + reset)
        # An answer without the headers (a 401, a proxy's 5xx) tells nothing: until one does,
        # requests of this endpoint keep going one at a time.
        self._changed.set()
