"""The sender's decisions, with a scripted backend, a fake sleep and a seeded random source."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bulkcancel.backend import ApiError, NetworkError, OrdersReply, ProcessState, ProcessStatus, Reply
from bulkcancel.journal.records import Answer, Intent, ItemState
from bulkcancel.journal.store import Journal
from bulkcancel.reasons import ReasonCode
from bulkcancel.send.retry import RetryPolicy
from bulkcancel.send.sender import Sender, SendJob, SendPolicy
from bulkcancel.statuses import RowStatus

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def status(state: ProcessState, message: str | None = None) -> Reply:
    return Reply(200, process_status=ProcessStatus("77", "1", "1", "CANCEL_ORDER", "d", state, message))


def error(http: int, code: str = "41000") -> Reply:
    return Reply(http, error=ApiError(http, code, f"BOL-ERROR [PAI-{code}] = x"))


class Scripted:
    """Answers cancellations from a script per item; polls from another."""

    def __init__(self, cancels: dict[str, list[Reply | Exception]], polls: list[Reply] | None = None):
        self.cancels = cancels
        self.polls = polls or [status(ProcessState.SUCCESS)]
        self.calls: list[str] = []

    async def cancel(self, order_item_id: str, reason: ReasonCode, when: datetime) -> Reply:
        self.calls.append(order_item_id)
        script = self.cancels[order_item_id]
        answer = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def process_status(self, process_status_id: str) -> Reply:
        return self.polls.pop(0) if len(self.polls) > 1 else self.polls[0]

    async def open_orders(self, page: int, fulfilment_method: str) -> OrdersReply:
        return OrdersReply(200)

    async def aclose(self) -> None:
        return None


def run(backend: Scripted, ids: list[str], tmp_path: Path, **policy: object) -> tuple[dict, list[float]]:  # type: ignore[type-arg]
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    async def go() -> dict:  # type: ignore[type-arg]
        with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
            sender = Sender(
                backend,
                journal,
                "run-1",
                SendPolicy(poll_initial=0, **policy),  # type: ignore[arg-type]
                sleep=fake_sleep,
                rng=random.Random(1),
            )
            jobs = [SendJob(n, item, ReasonCode.OUT_OF_STOCK, NOW) for n, item in enumerate(ids)]
            return await sender.run(jobs)

    return asyncio.run(go()), waits


def test_503_then_200_is_cancelled_after_two_attempts(tmp_path: Path) -> None:
    backend = Scripted({"1": [error(503), status(ProcessState.PENDING)]})
    results, waits = run(backend, ["1"], tmp_path)
    assert results[0].status is RowStatus.CANCELLED
    assert backend.calls == ["1", "1"]
    assert len([w for w in waits if w > 0]) <= 1


@pytest.mark.parametrize("http", [400, 404, 422])
def test_4xx_is_sent_once_and_failed(tmp_path: Path, http: int) -> None:
    backend = Scripted({"1": [error(http, "41201")]})
    results, _ = run(backend, ["1"], tmp_path)
    assert backend.calls == ["1"]
    assert results[0].status is RowStatus.FAILED
    assert "BOL-ERROR [PAI-41201]" in results[0].detail and f"HTTP {http}" in results[0].detail


def test_persistent_500_stops_at_the_attempt_cap(tmp_path: Path) -> None:
    backend = Scripted({"1": [error(500)], "2": [status(ProcessState.PENDING)]})
    results, _ = run(backend, ["1", "2"], tmp_path, retry=RetryPolicy(max_attempts=4))
    assert backend.calls.count("1") == 4
    assert results[0].status is RowStatus.FAILED and "after 4 attempts" in results[0].detail
    assert results[1].status is RowStatus.CANCELLED  # other rows are not affected


def test_lost_answer_then_already_cancelled_counts_as_cancelled(tmp_path: Path) -> None:
    backend = Scripted(
        {
            "1": [
                NetworkError("connection lost", maybe_delivered=True),
                status(ProcessState.PENDING),
            ]
        },
        polls=[status(ProcessState.FAILURE, "Order item 1 has already been cancelled.")],
    )
    results, _ = run(backend, ["1"], tmp_path)
    assert results[0].status is RowStatus.CANCELLED
    assert "answer was lost" in results[0].detail


def test_already_cancelled_on_a_clean_first_send_is_reported(tmp_path: Path) -> None:
    backend = Scripted(
        {"1": [status(ProcessState.PENDING)]},
        polls=[status(ProcessState.FAILURE, "Order item 1 has already been cancelled.")],
    )
    results, _ = run(backend, ["1"], tmp_path)
    assert results[0].status is RowStatus.FAILED


def test_rate_limit_stops_everything(tmp_path: Path) -> None:
    backend = Scripted(
        {
            "1": [status(ProcessState.PENDING)],
            "2": [error(409, "41501")],
            "3": [status(ProcessState.PENDING)],
        }
    )
    results, _ = run(backend, ["1", "2", "3"], tmp_path, concurrency=1)
    assert [results[n].status for n in range(3)] == [
        RowStatus.CANCELLED,
        RowStatus.NOT_SENT,
        RowStatus.NOT_SENT,
    ]
    assert backend.calls == ["1", "2"]


def follow_one(
    backend: Scripted, tmp_path: Path, sleep: Callable[[float], Awaitable[None]], clock: Callable[[], float]
) -> dict:  # type: ignore[type-arg]
    """Send item "1" and follow it with polls at 1 s, 2 s, ... up to a 60 s deadline."""

    async def go() -> dict:  # type: ignore[type-arg]
        with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
            policy = SendPolicy(poll_initial=1, poll_deadline=60)
            sender = Sender(backend, journal, "r", policy, sleep=sleep, clock=clock)
            return await sender.run([SendJob(0, "1", ReasonCode.OTHER, NOW)])

    return asyncio.run(go())


def test_pending_past_the_deadline_is_accepted(tmp_path: Path) -> None:
    backend = Scripted({"1": [status(ProcessState.PENDING)]}, polls=[status(ProcessState.PENDING)])
    clock = iter(range(0, 10_000, 10))
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    results = follow_one(backend, tmp_path, fake_sleep, lambda: float(next(clock)))
    assert results[0].status is RowStatus.ACCEPTED and results[0].process_status_id == "77"
    assert waits[:3] == [1, 2, 4]  # polls back off instead of spinning


@given(st.integers(min_value=1, max_value=60), st.integers(min_value=0, max_value=2**32))
def test_backoff_stays_within_bounds(retry_number: int, seed: int) -> None:
    policy = RetryPolicy()
    delay = policy.backoff(retry_number, random.Random(seed))
    assert 0 <= delay <= min(policy.max_delay, policy.base_delay * 2 ** (retry_number - 1))


@given(st.integers(min_value=0, max_value=20), st.floats(min_value=0, max_value=100))
def test_next_delay_respects_attempts_and_deadline(attempts: int, elapsed: float) -> None:
    policy = RetryPolicy(max_attempts=5, deadline=60)
    delay = policy.next_delay(attempts, elapsed, random.Random(0))
    if attempts >= 5:
        assert delay is None
    if delay is not None:
        assert elapsed + delay <= 60


class JournalMachine(RuleBasedStateMachine):
    """Any sequence of sends, answers and re-opens keeps one record per item."""

    def __init__(self) -> None:
        super().__init__()
        import tempfile

        self.folder = tempfile.mkdtemp()
        self.path = Path(self.folder) / "j.sqlite3"
        self.journal = Journal(self.path, "test", "seller")
        self.sends = 0

    @rule(item=st.sampled_from(["1", "2", "3"]))
    def send(self, item: str) -> None:
        self.journal.write([Intent(item, "run", "OTHER", "2026-11-28T10:00:00.000+01:00")])
        self.sends += 1

    @rule(
        item=st.sampled_from(["1", "2", "3"]),
        state=st.sampled_from(
            [ItemState.ACCEPTED, ItemState.CANCELLED, ItemState.FAILED, ItemState.UNSENT, ItemState.SENDING]
        ),
    )
    def answer(self, item: str, state: str) -> None:
        self.journal.write([Answer(item, state, http_status=200, process_status_id="9")])

    @rule()
    def crash_and_reopen(self) -> None:
        self.journal.close()
        self.journal = Journal(self.path, "test", "seller")

    @invariant()
    def one_record_per_item(self) -> None:
        rows = self.journal.db.execute("SELECT order_item_id, count(*) FROM items GROUP BY order_item_id").fetchall()
        assert all(count == 1 for _, count in rows)
        assert self.journal.sent_today() == self.sends

    def teardown(self) -> None:
        self.journal.close()


TestJournalMachine = JournalMachine.TestCase


def test_a_second_run_cannot_use_the_journal_at_once(tmp_path: Path) -> None:
    from bulkcancel.errors import JournalError

    with (
        Journal(tmp_path / "j.sqlite3", "test", "s"),
        pytest.raises(JournalError, match="another"),
    ):
        Journal(tmp_path / "j.sqlite3", "test", "s")


def test_timeout_process_status_is_failed_with_the_reason(tmp_path: Path) -> None:
    backend = Scripted({"1": [status(ProcessState.PENDING)]}, polls=[status(ProcessState.TIMEOUT)])
    results, _ = run(backend, ["1"], tmp_path)
    assert results[0].status is RowStatus.FAILED
    assert "process status TIMEOUT" in results[0].detail


def test_a_poll_that_waited_long_for_a_slot_is_polled_again(tmp_path: Path) -> None:
    """Cancellations go first, so a poll may wait minutes for a slot on a big sheet; the
    deadline runs from its first answer, so that wait does not end it as ACCEPTED."""
    now = [0.0]

    class SlowFirstPoll(Scripted):
        async def process_status(self, process_status_id: str) -> Reply:
            if len(self.polls) == 2:
                now[0] += 500  # waited for a slot while 10,000 cancellations went out
            return await super().process_status(process_status_id)

    backend = SlowFirstPoll(
        {"1": [status(ProcessState.PENDING)]},
        polls=[status(ProcessState.PENDING), status(ProcessState.SUCCESS)],
    )

    async def fake_sleep(seconds: float) -> None:
        now[0] += seconds

    results = follow_one(backend, tmp_path, fake_sleep, lambda: now[0])
    assert results[0].status is RowStatus.CANCELLED
