"""The concurrency limit, with cancellations served before status polls.

A poll can only start a second after its cancellation was answered, so the run ends no
earlier than a second after the last cancellation. Serving waiting cancellations first
makes the last one go out as early as the limit allows; the polls fill every slot the
cancellations leave free and then the rest (benchmarks/bench_run.py: at 64 in flight a
first-come queue left the pipe half empty at the end of the run).
"""

from __future__ import annotations

import asyncio
from collections import deque


class Slots:
    """At most ``limit`` holders at once; waiting urgent holders go before the others."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("the limit must be at least 1")
        self._free = limit
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._later: deque[asyncio.Future[None]] = deque()

    async def acquire(self, urgent: bool) -> None:
        """Wait for a slot (``urgent``: ahead of every waiting non-urgent holder)."""
        if self._free > 0 and not self._urgent and not self._later:
            self._free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._later
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # the slot was handed over just as the wait was cancelled
            else:
                queue.remove(waiter)
            raise

    def release(self) -> None:
        """Give the slot to the next waiter (urgent first), or free it."""
        for queue in (self._urgent, self._later):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._free += 1
