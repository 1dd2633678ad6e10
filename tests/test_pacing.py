"""The pacer (bulkcancel/retailer/pacing.py) on virtual time: a server whose budget refills
continuously is never waited on, one that is really empty is, and a 429 stops everyone.

Time is injected: ``VirtualTime`` hands the pacer its clock and sleep and moves time on
only when every task is waiting, so the figures below are the pacer's decisions, not the
machine's speed.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import random
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import pytest

from bulkcancel.backend import LONGEST_WAIT, WaitTooLong
from bulkcancel.retailer.pacing import Pacer


class VirtualTime:
    """A clock and a sleep that only move when every task waits: the next timer fires then."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + max(seconds, 0.0), next(self._order), future))
        await future

    def run(self, main: Coroutine[Any, Any, Any]) -> Any:
        async def drive() -> Any:
            task = asyncio.ensure_future(main)
            while not task.done():
                for _ in range(50):  # let every task run until it waits
                    await asyncio.sleep(0)
                if task.done():
                    break
                while self._timers and self._timers[0][2].done():  # cancelled meanwhile
                    heapq.heappop(self._timers)
                if not self._timers:
                    raise AssertionError("every task waits and no timer is set: the pacer is stuck")
                self.now = max(self.now, self._timers[0][0])
                while self._timers and self._timers[0][0] <= self.now:  # every sleep due now ends, in order
                    _, _, future = heapq.heappop(self._timers)
                    if not future.done():
                        future.set_result(None)
            return task.result()

        return asyncio.run(drive())


@dataclass
class Bucket:
    """A server's budget: ``capacity`` refilling continuously over ``seconds`` (as bol's token buckets)."""

    capacity: int
    seconds: float
    now: float = 0.0
    tokens: float = field(init=False)
    answered: list[tuple[float, int]] = field(default_factory=list)  # (when the server took it, HTTP status)

    def __post_init__(self) -> None:
        self.tokens = float(self.capacity)

    def take(self, now: float) -> tuple[int, dict[str, str], float | None]:
        rate = self.capacity / self.seconds
        self.tokens = min(float(self.capacity), self.tokens + (now - self.now) * rate)
        self.now = now
        allowed = self.tokens >= 1
        if allowed:
            self.tokens -= 1
        headers = {
            "x-ratelimit-limit": str(self.capacity),
            "x-ratelimit-remaining": str(math.floor(self.tokens)),
            "x-ratelimit-reset": str(math.ceil((self.capacity - self.tokens) / rate)),
        }
        self.answered.append((now, 200 if allowed else 429))
        if allowed:
            return 200, headers, None
        return 429, headers, (1 - self.tokens) / rate


async def send_all(
    time: VirtualTime, pacer: Pacer, bucket: Bucket, requests: int, workers: int, latency: float
) -> None:
    """``workers`` at once, each request reaching the server half way through its latency."""
    left = iter(range(requests))

    async def worker() -> None:
        for _ in left:
            while True:
                ticket = await pacer.acquire()
                await time.sleep(latency / 2)
                status, headers, retry_after = bucket.take(time.now)
                await time.sleep(latency / 2)
                pacer.settle(ticket, headers, status, retry_after)
                if status != 429:
                    break

    await asyncio.gather(*(worker() for _ in range(workers)))


def test_a_budget_that_refills_as_fast_as_it_is_spent_is_never_waited_on() -> None:
    """1,000 a second, 320 a second sent (16 at 50 ms): 3,000 requests, no wait but for the first answer."""
    time = VirtualTime()
    pacer = Pacer(time.clock, time.sleep)
    bucket = Bucket(1000, 1.0)
    time.run(send_all(time, pacer, bucket, 3000, 16, 0.050))
    assert pacer.waits == 15  # the other 15 waited for the first answer (it tells the budget); nothing after
    assert len(bucket.answered) == 3000 and {status for _, status in bucket.answered} == {200}
    assert time.now <= 3000 / 16 * 0.050 + 0.100  # the only limit was the latency


def test_a_budget_that_is_really_empty_is_waited_for_without_429s() -> None:
    """10 a second, 16 workers: the pacer holds them to the budget; bol never has to say 429."""
    time = VirtualTime()
    pacer = Pacer(time.clock, time.sleep)
    bucket = Bucket(10, 1.0)
    time.run(send_all(time, pacer, bucket, 60, 16, 0.050))
    statuses = [status for _, status in bucket.answered]
    assert statuses.count(200) == 60 and statuses.count(429) == 0
    assert pacer.waits > 0
    assert time.now >= (60 - 10) / 10  # the first 10 at once, then 10 a second
    # Never more than the budget allows in any second of server time.
    taken = [at for at, status in bucket.answered if status == 200]
    assert all(sum(1 for t in taken if start <= t < start + 1.0) <= 10 + 1 for start in taken)


def test_a_429_holds_every_request_until_retry_after_then_one_goes_alone() -> None:
    time = VirtualTime()
    pacer = Pacer(time.clock, time.sleep)
    sent: list[tuple[float, int]] = []  # (when let out, ticket)

    async def go() -> None:
        first = await pacer.acquire()
        pacer.settle(
            first, {"x-ratelimit-limit": "100", "x-ratelimit-remaining": "50", "x-ratelimit-reset": "1"}, 202, None
        )
        others = [await pacer.acquire() for _ in range(3)]
        # Another tool spent the budget: bol says 429, wait 2 s.
        pacer.settle(
            others[0], {"x-ratelimit-limit": "100", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "5"}, 429, 2.0
        )

        async def one() -> None:
            ticket = await pacer.acquire()
            sent.append((time.now, ticket))
            await time.sleep(0.1)
            pacer.settle(
                ticket, {"x-ratelimit-limit": "100", "x-ratelimit-remaining": "40", "x-ratelimit-reset": "1"}, 202, None
            )

        waiting = [asyncio.ensure_future(one()) for _ in range(5)]
        await time.sleep(0.5)
        # The two sent before the 429 answer late, still telling of budget: stale, they change nothing.
        for ticket in others[1:]:
            pacer.settle(
                ticket, {"x-ratelimit-limit": "100", "x-ratelimit-remaining": "49", "x-ratelimit-reset": "1"}, 202, None
            )
        await asyncio.gather(*waiting)

    time.run(go())
    assert len(sent) == 5
    assert min(at for at, _ in sent) >= 2.0  # nobody went before Retry-After
    first_at = sent[0][0]
    assert [at for at, _ in sent].count(first_at) == 1  # one went alone to learn the budget
    assert all(at >= first_at + 0.1 for at, _ in sent[1:])  # the rest after its answer
    assert pacer.waits == 5


def test_a_429_asking_for_longer_than_a_run_waits_refuses_every_request_at_once_unsent() -> None:
    """bol's Retry-After of ten minutes: nobody stands still for it (the sender ends its rows NOT_SENT)."""
    time = VirtualTime()
    pacer = Pacer(time.clock, time.sleep, "cancellation")
    refused: list[tuple[float, float]] = []  # (when, the wait asked)

    async def go() -> None:
        first = await pacer.acquire()
        pacer.settle(
            first, {"x-ratelimit-limit": "10", "x-ratelimit-remaining": "2", "x-ratelimit-reset": "5"}, 202, None
        )
        second, _ = await pacer.acquire(), await pacer.acquire()  # the budget spent: the next ones wait

        async def one() -> None:
            try:
                await pacer.acquire()
            except WaitTooLong as exc:
                refused.append((time.now, exc.seconds))

        waiting = [asyncio.ensure_future(one()) for _ in range(3)]
        await time.sleep(0.05)
        pacer.settle(second, {}, 429, 600.0)
        await asyncio.gather(*waiting)
        await one()  # a later request too

    time.run(go())
    assert [at for at, _ in refused] == [0.05] * 4  # at once, not after 600 s
    assert all(wait == pytest.approx(600.0) for _, wait in refused) and pacer.refused == pytest.approx(600.0)


def test_a_429_asking_for_at_most_the_longest_wait_holds_as_before() -> None:
    time = VirtualTime()
    pacer = Pacer(time.clock, time.sleep, "cancellation")

    async def go() -> float:
        ticket = await pacer.acquire()
        pacer.settle(ticket, {}, 429, LONGEST_WAIT)
        await pacer.acquire()
        return time.now

    assert time.run(go()) == LONGEST_WAIT
    assert pacer.refused is None


def test_the_newest_answer_less_what_was_sent_after_it_is_the_truth() -> None:
    time = VirtualTime()
    pacer = Pacer(time.clock, time.sleep)
    headers = {"x-ratelimit-limit": "100", "x-ratelimit-reset": "1"}

    async def go() -> None:
        first = await pacer.acquire()
        assert pacer.remaining is None  # not told yet
        pacer.settle(first, {**headers, "x-ratelimit-remaining": "90"}, 202, None)
        assert pacer.remaining == 90
        a = await pacer.acquire()
        b = await pacer.acquire()
        c = await pacer.acquire()
        assert pacer.remaining == 87  # 90 less the three sent after it
        pacer.settle(b, {**headers, "x-ratelimit-remaining": "95"}, 202, None)  # it refilled
        assert pacer.remaining == 93  # 95 less c, sent after b, and a, still out (bol may take it after b)
        pacer.settle(a, {**headers, "x-ratelimit-remaining": "99"}, 202, None)  # overtaken: stale
        assert pacer.remaining == 93
        pacer.settle(c, {"content-type": "text/html"}, 502, None)  # no headers: tells nothing
        assert pacer.remaining == 93

    time.run(go())
    assert pacer.waits == 0


def test_until_the_first_answer_requests_go_one_at_a_time() -> None:
    time = VirtualTime()
    pacer = Pacer(time.clock, time.sleep)
    order: list[str] = []

    async def one(name: str, headers: dict[str, str]) -> None:
        ticket = await pacer.acquire()
        order.append(f"{name} out")
        await time.sleep(0.1)
        order.append(f"{name} back")
        pacer.settle(ticket, headers, 401 if not headers else 202, None)

    async def go() -> None:
        told = {"x-ratelimit-limit": "10", "x-ratelimit-remaining": "9", "x-ratelimit-reset": "1"}
        await asyncio.gather(one("a", {}), one("b", told), one("c", told), one("d", told))

    time.run(go())
    # a's answer had no headers (a 401): b still goes alone; after b's, c and d go together.
    assert order[:4] == ["a out", "a back", "b out", "b back"]
    assert order[4:6] == ["c out", "d out"]


def test_an_empty_budget_with_nothing_in_flight_waits_for_the_reset_then_is_whole() -> None:
    time = VirtualTime()
    pacer = Pacer(time.clock, time.sleep)

    async def go() -> list[float]:
        ticket = await pacer.acquire()
        pacer.settle(
            ticket, {"x-ratelimit-limit": "3", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "4"}, 202, None
        )
        out = []
        for _ in range(3):
            await pacer.acquire()
            out.append(time.now)
        return out

    assert time.run(go()) == [4.0, 4.0, 4.0]  # the whole budget of 3 once the reset came


def test_answers_that_overtake_older_requests_never_push_the_budget_over() -> None:
    """bol may take an older request after a newer one (each request's way differs): a newer
    answer's remaining does not yet include the older requests still out, so those count as
    spent too. 16 workers against 25 a second with uneven latency: no 429, ever."""
    rng = random.Random(7)
    time = VirtualTime()
    pacer = Pacer(time.clock, time.sleep)
    bucket = Bucket(25, 1.0)
    left = iter(range(120))

    async def worker() -> None:
        for _ in left:
            ticket = await pacer.acquire()
            await time.sleep(rng.uniform(0.001, 0.040))  # the way there differs per request
            status, headers, retry_after = bucket.take(time.now)
            await time.sleep(rng.uniform(0.001, 0.040))
            pacer.settle(ticket, headers, status, retry_after)

    async def go() -> None:
        await asyncio.gather(*(worker() for _ in range(16)))

    time.run(go())
    statuses = [status for _, status in bucket.answered]
    assert statuses.count(429) == 0 and statuses.count(200) == 120


def test_a_reset_counts_the_requests_still_out_as_spent() -> None:
    """When the reset comes with requests still out, they may reach bol after it: the whole
    budget less those is what may go."""
    time = VirtualTime()
    pacer = Pacer(time.clock, time.sleep)

    async def go() -> int:
        first = await pacer.acquire()
        pacer.settle(
            first, {"x-ratelimit-limit": "4", "x-ratelimit-remaining": "2", "x-ratelimit-reset": "1"}, 202, None
        )
        await pacer.acquire()
        await pacer.acquire()  # two out, none answered: the budget is spent
        await time.sleep(1.0)  # the reset passes with both still out
        let_out = 0
        for _ in range(4):
            acquiring = asyncio.ensure_future(pacer.acquire())
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            if not acquiring.done():
                acquiring.cancel()
                break
            let_out += 1
        return let_out

    assert time.run(go()) == 2  # 4 whole, less the 2 still out
