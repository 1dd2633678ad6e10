"""The first status poll (bulkcancel/send/firstpoll.py): one scout learns how soon bol is final;
the rest are asked then, those already waiting included; a few extra requests a run, none a row."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from bulkcancel.backend import ProcessState, ProcessStatus, Reply, StatusesReply
from bulkcancel.journal.store import Journal
from bulkcancel.reasons import ReasonCode
from bulkcancel.send.firstpoll import FirstPoll
from bulkcancel.send.sender import Sender, SendJob, SendPolicy, SendResult
from bulkcancel.simulator import SimulatorConfig
from bulkcancel.statuses import RowStatus
from tests.conftest import bulkcancel, read_results, write_csv
from tests.test_pacing import VirtualTime
from tests.test_sender import NOW, Scripted


def _first_polls(
    time: VirtualTime, first: FirstPoll
) -> tuple[dict[str, float], Callable[[str, float], Coroutine[Any, Any, None]]]:
    """When each row (by name, accepted at its moment) makes its first poll; and the row itself."""
    asked: dict[str, float] = {}

    async def row(name: str, accepted_at: float) -> None:
        await time.sleep(accepted_at)
        await first.wait(accepted_at)
        asked[name] = time.now

    return asked, row


def test_what_the_scout_learns_moves_every_first_poll_up() -> None:
    time = VirtualTime()
    first = FirstPoll(0.25, 1.0, time.clock, time.sleep)
    asked, row = _first_polls(time, first)

    async def scout() -> None:
        assert first.enlist()
        for _ in range(2):  # PENDING at 0.25, final at 0.5
            await time.sleep(0.25)
        first.learn(time.now)

    async def go() -> None:
        await asyncio.gather(scout(), row("early", 0.1), row("late", 0.9))

    time.run(go())
    assert not first.enlist()  # one scout a run
    assert first.learned == 0.5
    assert asked == {"early": 0.1 + 0.5, "late": 0.9 + 0.5}  # not 1.1 and 1.9


def test_a_scout_that_learns_nothing_leaves_the_longest_wait() -> None:
    time = VirtualTime()
    first = FirstPoll(0.25, 1.0, time.clock, time.sleep)
    asked: list[float] = []

    async def row(accepted_at: float) -> None:
        await time.sleep(accepted_at)
        await first.wait(accepted_at)
        asked.append(time.now)

    async def go() -> None:
        assert first.enlist()
        task = asyncio.gather(row(0.0), row(0.3))
        await time.sleep(2.0)
        first.give_up()  # slower than the longest wait: it gives up learning
        await task

    time.run(go())
    assert asked == [1.0, 1.3]
    assert first.learned == 1.0


def test_learning_is_bounded_both_ways() -> None:
    time = VirtualTime()
    first = FirstPoll(0.25, 1.0, time.clock, time.sleep)
    first.learn(0.01)
    assert first.learned == 0.25
    first.learn(0.7)  # only the first lesson counts
    assert first.learned == 0.25
    late = FirstPoll(0.25, 1.0, time.clock, time.sleep)
    late.learn(5.0)
    assert late.learned == 1.0


def test_a_weekly_sheet_costs_no_extra_request_per_row(serve: Callable[..., Any], tmp_path: Path) -> None:
    """bol settles in 0.3 s: 100 rows are each asked about about once, the scout a few times more."""
    sim = serve(config=SimulatorConfig(settle_seconds=0.3, latency_ms=20))
    rows = [["OrderItemId", "ReasonCode"]] + [[str(2012340000 + n), "OUT_OF_STOCK"] for n in range(100)]
    sheet = write_csv(tmp_path / "w.csv", rows)
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--concurrency", "16")
    assert result.returncode == 0, result.stdout
    assert {r["Status"] for r in read_results(tmp_path / "w-results.xlsx")} == {"CANCELLED"}
    polls = sim.app.state.status_polls - 1  # less the probe
    assert 100 <= polls <= 100 + 4, polls


class _Bulk(Scripted):
    """bol with bulk status queries (v10): each cancellation is final ``settles`` seconds after it was taken."""

    status_batch = 1000

    def __init__(self, time: VirtualTime, settles: float, scout_settles: float | None = None) -> None:
        super().__init__({})
        self.time, self.settles = time, settles
        self.scout_settles = settles if scout_settles is None else scout_settles  # the run's first item
        self.taken: dict[str, float] = {}
        self.queries: list[tuple[float, list[str]]] = []

    async def cancel(self, order_item_id: str, reason: ReasonCode, when: datetime) -> Reply:
        await self.time.sleep(0.02)
        self.taken[order_item_id] = self.time.now
        return Reply(202, process_status=self._status(order_item_id))

    def _status(self, process_id: str) -> ProcessStatus:
        settles = self.scout_settles if process_id == next(iter(self.taken)) else self.settles
        final = self.time.now - self.taken[process_id] >= settles
        state = ProcessState.SUCCESS if final else ProcessState.PENDING
        return ProcessStatus(process_id, "1", process_id, "CANCEL_ORDER", "d", state)

    async def process_statuses(self, process_status_ids: Sequence[str]) -> StatusesReply:
        await self.time.sleep(0.02)
        self.queries.append((self.time.now, list(process_status_ids)))
        return StatusesReply(200, {ps_id: self._status(ps_id) for ps_id in process_status_ids})


def test_bulk_status_queries_learn_from_the_scout_too(tmp_path: Path) -> None:
    """v10 (bulk queries): bol is final after 0.3 s; a weekly sheet's rows are first asked
    about when the scout was final, not after the whole poll_initial, in a few queries."""
    time = VirtualTime()
    backend = _Bulk(time, settles=0.3)

    async def go() -> dict[int, SendResult]:
        with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
            policy = SendPolicy(concurrency=16, poll_initial=1.0, poll_first=0.25)
            sender = Sender(backend, journal, "run-1", policy, sleep=time.sleep, clock=time.clock)
            jobs = [SendJob(n, str(2012340000 + n), ReasonCode.OUT_OF_STOCK, NOW) for n in range(100)]
            return await sender.run(jobs)

    results = time.run(go())
    assert {result.status for result in results.values()} == {RowStatus.CANCELLED}
    first_asked = {ps_id: when for when, ids in reversed(backend.queries) for ps_id in ids}
    ages = [first_asked[ps_id] - backend.taken[ps_id] for ps_id in backend.taken]
    assert max(ages) < 1.0, ages  # without the scout: 1.0 s or more for every row
    assert len(backend.queries) <= 6 and sum(len(ids) for _, ids in backend.queries) <= 100 + 3


def _weekly(tmp_path: Path, backend: _Bulk, time: VirtualTime) -> dict[int, SendResult]:
    async def go() -> dict[int, SendResult]:
        with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
            policy = SendPolicy(concurrency=16, poll_initial=1.0, poll_first=0.25)
            sender = Sender(backend, journal, "run-1", policy, sleep=time.sleep, clock=time.clock)
            jobs = [SendJob(n, str(2012340000 + n), ReasonCode.OUT_OF_STOCK, NOW) for n in range(100)]
            return await sender.run(jobs)

    return time.run(go())


def test_when_bol_slows_down_after_the_scout_no_row_waits_longer_or_asks_twice_more(tmp_path: Path) -> None:
    """The scout was final after 0.3 s, every other item takes 0.6 s: a row asked at the
    scout's age and still pending asks again at poll_initial (not after backing off from it),
    and the rows not yet asked wait poll_initial again: at most two asks a row, and every row
    known by the time it would have been without the scout (~1.2 s)."""
    time = VirtualTime()
    backend = _Bulk(time, settles=0.6, scout_settles=0.3)
    results = _weekly(tmp_path, backend, time)
    assert {result.status for result in results.values()} == {RowStatus.CANCELLED}
    asks: dict[str, int] = {}
    for _, ids in backend.queries:
        for ps_id in ids:
            asks[ps_id] = asks.get(ps_id, 0) + 1
    assert max(asks.values()) <= 2, asks
    assert backend.queries[-1][0] < 1.5  # without too_soon: about 2.9 s (a backoff from poll_initial)


def test_too_soon_sends_every_first_poll_back_to_the_longest_wait() -> None:
    time = VirtualTime()
    first = FirstPoll(0.25, 1.0, time.clock, time.sleep)
    asked, row = _first_polls(time, first)

    async def go() -> None:
        first.learn(0.3)

        async def slower_now() -> None:
            await time.sleep(0.35)  # a row asked at 0.3 was still pending
            first.too_soon()

        await asyncio.gather(row("due", 0.0), row("waiting", 0.2), row("later", 0.5), slower_now())

    time.run(go())
    assert first.learned == 1.0
    assert asked == {"due": 0.3, "waiting": 1.2, "later": 1.5}  # only the row already due asked early
