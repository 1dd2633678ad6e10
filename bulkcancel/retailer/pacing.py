"""Pace each endpoint from bol's rate-limit headers, before bol has to answer 429.

Every Retailer API answer carries ``x-ratelimit-limit``, ``x-ratelimit-remaining`` and
``x-ratelimit-reset`` (seconds until the budget is whole again; docs/bol-apis.md, "Rate
limits"). The limits differ per resource group and the one for cancellations is not
published, so nothing is assumed: a ``Pacer`` per endpoint lets one request out until the
first answer tells the budget, then as many as remain.

The budget refills while requests go out, so the **newest answer is the truth**: its
``remaining``, less the requests let out after that request and less those that were out
when it was sent, is what is left now. Newest means the request sent last, not the answer
that arrived last: an answer overtaken by the answer of a later request is stale and tells
nothing. (Keeping the lowest remaining ever told, or the latest reset, would stall a budget
that refills as fast as it is spent.) The requests out when one was sent count as spent,
answered since or not, because bol may take them after it: a request's way to bol differs,
so bol takes them in another order than they were sent. Counting only those still
unanswered is not enough (one answered early may still have reached bol after the newer
one), and without either the pacer sends over an empty budget. The estimate is a lower
bound: with 16 requests out it is at most 15 low, which a budget that refills never
notices; the first request after a reset counts those still out the same way.

When nothing is left, requests wait for an answer still in flight (it tells the refilled
budget) or, with none in flight, until the reset, when the budget is whole again. A 429
holds every request of the endpoint until its ``Retry-After`` (or the reset, or a second
when neither is given); then one request goes alone, and its answer tells the budget
again. A wait longer than ``LONGEST_WAIT`` (five minutes: a 429's Retry-After, or a budget
that is whole again only later) holds nothing: every request waiting, and every later one,
raises ``WaitTooLong`` at once, unsent (the run ends its rows NOT_SENT instead of standing
still that long; a read says so in one line). Answers
without the headers (a 401, a proxy's error page) change nothing. All requests of an
endpoint share one pacer, whichever worker sends them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping

from bulkcancel.backend import LONGEST_WAIT, WaitTooLong

Sleep = Callable[[float], Awaitable[None]]
NO_HINT_WAIT = 1.0  # a 429 without Retry-After or reset: wait this long

log = logging.getLogger("bulkcancel.retailer")


def _number(headers: Mapping[str, str], name: str) -> float | None:
    try:
        return float(headers.get(name, "").strip())
    except ValueError:
        return None


class Pacer:
    """The budget of one endpoint as the newest answer told it."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        name: str = "",
        longest_wait: float = LONGEST_WAIT,
    ) -> None:
        self._clock, self._sleep, self.name, self.longest_wait = clock, sleep, name, longest_wait
        self.refused: float | None = None  # a wait over ``longest_wait`` was asked: nothing more goes out
        self.limit: int | None = None
        self._sent = 0  # requests let out so far; each gets the next number (its ticket)
        self._told: tuple[int, float] | None = None  # (ticket, remaining) of the newest answer; None: unknown
        self._reset_at = 0.0  # when the budget is whole again, as the newest answer said
        self._hold_until = 0.0  # a 429: nothing goes out before this
        self._stale_up_to = 0  # answers to requests up to this ticket tell nothing new (a reset or a 429 came)
        self._out: dict[int, int] = {}  # tickets let out and not answered yet: how many were out when each went
        self._changed = asyncio.Event()
        self.waits = 0  # how often a request waited for the budget

    @property
    def remaining(self) -> float | None:
        """What is left now: the newest answer's remaining less the requests sent after it."""
        if self._told is None:
            return None
        ticket, remaining = self._told
        return remaining - (self._sent - ticket)

    async def acquire(self) -> int:
        """Wait until the budget allows one more request; returns its ticket, for ``settle``."""
        waited = False
        while True:
            if self.refused is not None:
                raise WaitTooLong(self.name or "endpoint", self.refused)
            now = self._clock()
            left = self.remaining
            if now < self._hold_until:
                wait = self._hold_until - now
            elif left is None:
                if not self._out:
                    break  # the first request (or the first after a 429) goes alone: its answer tells the budget
                wait = None
            elif left >= 1:
                break
            elif now >= self._reset_at:
                # Whole again, less the requests still out (they may reach bol after the reset).
                # Answers to requests sent before now are stale; until one sent after it says
                # when the next reset is, assume a second (bol's shortest window).
                self._told = (self._sent, float(self.limit or 1) - len(self._out))
                self._stale_up_to = self._sent
                self._reset_at = now + NO_HINT_WAIT
                continue
            else:
                wait = self._reset_at - now
            if wait is not None and wait > self.longest_wait:  # a hold or a reset not in time for this run
                self.refused = wait  # every later request is told at once (the 429's waiters wake to it)
                raise WaitTooLong(self.name or "endpoint", wait)
            if not waited:
                log.debug(
                    "%s: waiting for the rate-limit budget (%s)",
                    self.name or "endpoint",
                    "an answer in flight" if wait is None else f"{wait:.2f} s",
                )
            waited = True
            await self._wait_for_change(wait)
        self.waits += waited
        self._sent += 1
        self._out[self._sent] = len(self._out)
        return self._sent

    async def _wait_for_change(self, at_most: float | None) -> None:
        """Until an answer comes in (with requests in flight) or ``at_most`` seconds have passed."""
        if not self._out:
            if at_most is not None:
                await self._sleep(at_most)
            return
        self._changed.clear()
        if at_most is None:
            await self._changed.wait()
            return
        changed = asyncio.ensure_future(self._changed.wait())
        slept = asyncio.ensure_future(self._sleep(at_most))
        try:
            await asyncio.wait((changed, slept), return_when=asyncio.FIRST_COMPLETED)
        finally:
            changed.cancel()
            slept.cancel()

    def settle(
        self, ticket: int, headers: Mapping[str, str] | None, http_status: int, retry_after: float | None
    ) -> None:
        """An answer (``headers`` None: none came) to the request ``acquire`` gave ``ticket``."""
        out_when_sent = self._out.pop(ticket, 0)
        now = self._clock()
        limit = _number(headers or {}, "x-ratelimit-limit")
        remaining = _number(headers or {}, "x-ratelimit-remaining")
        reset = _number(headers or {}, "x-ratelimit-reset")
        if limit is not None and limit >= 1:
            self.limit = int(limit)
        if http_status == 429:
            wait = retry_after if retry_after is not None else reset if reset is not None else NO_HINT_WAIT
            self._hold_until = max(self._hold_until, now + wait)
            self._told = None  # after the wait, one request learns the budget again
            self._stale_up_to = self._sent  # answers to requests already out tell nothing new
        elif remaining is not None and reset is not None and ticket > self._newest():
            self._told = (ticket, max(remaining, 0.0) - out_when_sent)
            self._reset_at = now + max(reset, 0.0)
        self._changed.set()

    def _newest(self) -> int:
        """The ticket of the newest request whose answer is the truth (or that a reset or 429 outdated)."""
        return max(self._told[0] if self._told is not None else 0, self._stale_up_to)
