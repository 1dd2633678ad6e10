"""One virtual clock for a whole run over loopback: the run's waits pass in no wall time.

``RunClock`` is the run's ``time.monotonic`` and ``asyncio.sleep`` (and the simulator's clock):
time moves only when the run is idle, no request on the wire and every task waiting, and then
to the end of the earliest sleep, as in a discrete-event simulation. So a Retry-After of two
seconds or a rate limit's refill takes no wall time, and the order of events stays causal: a
request that was on the wire when a sleep began is answered before that sleep ends. What a test
measures is the run's decisions, not the machine's speed. ``on_clock`` hands the clock to what a
CLI run builds (the sender: retries, Retry-After, polls; the Retailer client: token, pacing) and
counts the requests on the wire at the one place every client sends them (``AiohttpExchange``).
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import itertools

import pytest

from bulkcancel.retailer.client import RetailerClient
from bulkcancel.send import connect, execute
from bulkcancel.send.sender import Sender
from bulkcancel.transport import AiohttpExchange, Answer


class RunClock:
    """Virtual monotonic time: moves only when every task waits and no request is on the wire."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.on_the_wire = 0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._driver: asyncio.Task[None] | None = None

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        if self._driver is None or self._driver.done() or self._driver.get_loop() is not loop:
            self._driver = loop.create_task(self._drive())
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._timers, (self.now + max(seconds, 0.0), next(self._order), future))
        await future

    async def _drive(self) -> None:
        while self._timers:
            for _ in range(50):  # every task that can run, runs until it waits
                await asyncio.sleep(0)
            if self.on_the_wire:
                await asyncio.sleep(0.001)  # real time: the answer is on its way
                continue
            while self._timers and self._timers[0][2].done():  # cancelled meanwhile
                heapq.heappop(self._timers)
            if self._timers:  # the earliest sleeps end, every one due at that moment
                self.now = max(self.now, self._timers[0][0])
                while self._timers and self._timers[0][0] <= self.now:
                    _, _, future = heapq.heappop(self._timers)
                    if not future.done():
                        future.set_result(None)


def on_clock(clock: RunClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs started in this test wait on ``clock``: the sender's and the Retailer client's clock and sleep."""
    monkeypatch.setattr(execute, "Sender", functools.partial(Sender, clock=clock, sleep=clock.sleep))
    monkeypatch.setattr(connect, "RetailerClient", functools.partial(RetailerClient, clock=clock, sleep=clock.sleep))
    sent = AiohttpExchange.exchange

    async def exchange(
        self: AiohttpExchange, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> Answer:
        clock.on_the_wire += 1
        try:
            return await sent(self, method, url, headers, body)
        finally:
            clock.on_the_wire -= 1

    monkeypatch.setattr(AiohttpExchange, "exchange", exchange)
