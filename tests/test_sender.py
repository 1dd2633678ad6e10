"""The sender's decisions, with a scripted backend, a fake sleep and a seeded random source."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from bulkcancel.backend import ApiError, NetworkError, OrdersReply, ProcessState, ProcessStatus, Reply, StatusesReply
from bulkcancel.journal.records import Answer, Intent, ItemState
from bulkcancel.journal.store import Journal
from bulkcancel.reasons import ReasonCode
from bulkcancel.send.retry import RetryPolicy
from bulkcancel.send.sender import Progress, Sender, SendJob, SendPolicy
from bulkcancel.statuses import ExitCode, RowStatus, exit_code_for

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

    status_batch = 1
    fulfilment_methods = ("FBR", "FBB")
    takes_timestamp = True
    rate_limited = 0

    async def process_statuses(self, process_status_ids: Sequence[str]) -> StatusesReply:
        raise AssertionError("a backend with status_batch 1 is polled one id at a time")

    async def open_orders(self, page: int, fulfilment_method: str) -> OrdersReply:
        return OrdersReply(200)

    looks_up = False

    async def cancellations_of(self, order_item_id: str) -> StatusesReply:
        raise AssertionError("a backend that does not look up is never asked")

    async def probe(self, order_item_id: str) -> Reply:
        return Reply(404)

    @property
    def origin(self) -> str:
        return "https://plazaapi.bol.com"

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
    # A 500 may come after the cancellation was applied: the row is UNKNOWN, never FAILED.
    assert results[0].status is RowStatus.UNKNOWN and "4 attempts brought no clear answer" in results[0].detail
    assert results[1].status is RowStatus.CANCELLED  # other rows are not affected


def test_persistent_503_is_not_sent_not_failed(tmp_path: Path) -> None:
    backend = Scripted({"1": [error(503)]})
    results, _ = run(backend, ["1"], tmp_path, retry=RetryPolicy(max_attempts=3))
    assert backend.calls == ["1"] * 3
    assert results[0].status is RowStatus.NOT_SENT and "did not apply it" in results[0].detail


@pytest.mark.parametrize("stop", [error(409, "41501"), error(401, "41101")], ids=["rate-limit", "keys-refused"])
def test_a_lost_answer_then_a_stop_is_unknown_not_not_sent(tmp_path: Path, stop: Reply) -> None:
    backend = Scripted({"1": [NetworkError("connection lost", maybe_delivered=True), stop], "2": [stop]})
    results, _ = run(backend, ["1", "2"], tmp_path, concurrency=1)
    assert results[0].status is RowStatus.UNKNOWN
    assert "may already be cancelled" in results[0].detail and "run the sheet again to confirm" in results[0].detail
    assert results[1].status is RowStatus.NOT_SENT  # never sent: the promise holds
    with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
        assert journal.items(["1"])["1"].in_doubt


def test_the_doubt_survives_acceptance_and_a_later_run_settles_it(tmp_path: Path) -> None:
    """Lost answer, then a retry accepted (not followed): the next run's follow-up reads
    "already cancelled" as our own success, and never sends a third request."""
    from bulkcancel.check.schema import RowCheck
    from bulkcancel.send.plan import make_plan

    first = Scripted({"1": [NetworkError("connection lost", maybe_delivered=True), status(ProcessState.PENDING)]})
    results, _ = run(first, ["1"], tmp_path, follow=False)
    assert results[0].status is RowStatus.ACCEPTED and first.calls == ["1", "1"]
    checks = [RowCheck(0, 2, RowStatus.READY, "", "1", ReasonCode.OUT_OF_STOCK, NOW)]
    with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
        record = journal.items(["1"])["1"]
        assert record.state is ItemState.ACCEPTED and record.in_doubt
        plan = make_plan(checks, journal, NOW, 100)
    assert plan.jobs[0].follow_up_id == "77" and plan.jobs[0].in_doubt

    later = Scripted({}, polls=[status(ProcessState.FAILURE, "Order item 1 has already been cancelled.")])

    async def follow_up() -> dict:  # type: ignore[type-arg]
        with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
            return await Sender(later, journal, "run-2", SendPolicy(poll_initial=0)).run(plan.jobs)

    again = asyncio.run(follow_up())
    assert again[0].status is RowStatus.CANCELLED and later.calls == []
    with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
        settled = journal.items(["1"])["1"]
        assert settled.state is ItemState.CANCELLED and not settled.in_doubt
        assert make_plan(checks, journal, NOW, 100).settled[0][0] is RowStatus.SKIPPED


def test_retry_after_is_honoured_by_every_request(tmp_path: Path) -> None:
    slow_down = Reply(429, error=ApiError(429, None, "Too many requests"), retry_after=7.0)
    backend = Scripted({"1": [slow_down, status(ProcessState.PENDING)], "2": [status(ProcessState.PENDING)]})
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    async def go() -> tuple[dict, Sender]:  # type: ignore[type-arg]
        with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
            sender = Sender(
                backend, journal, "r", SendPolicy(concurrency=1, poll_initial=0), sleep=sleep, clock=lambda: now[0]
            )
            jobs = [SendJob(n, item, ReasonCode.OTHER, NOW) for n, item in enumerate(["1", "2"])]
            return await sender.run(jobs), sender

    results, sender = asyncio.run(go())
    assert [results[n].status for n in range(2)] == [RowStatus.CANCELLED, RowStatus.CANCELLED]
    assert backend.calls == ["1", "1", "2"] and now[0] >= 7.0  # nothing went out before the 7 s were over
    assert sender.retry_after_waits == 1


def test_a_retry_after_beyond_the_cap_leaves_the_row_not_sent(tmp_path: Path) -> None:
    wait_an_hour = Reply(429, error=ApiError(429, None, "Too many requests"), retry_after=3600.0)
    backend = Scripted({"1": [wait_an_hour]})
    results, waits = run(backend, ["1"], tmp_path)
    assert backend.calls == ["1"] and 3600.0 not in waits
    assert results[0].status is RowStatus.NOT_SENT


def test_keys_refused_while_polling_stop_sending_and_polling(tmp_path: Path) -> None:
    backend = Scripted(
        {"1": [status(ProcessState.PENDING)], "2": [status(ProcessState.PENDING)]},
        polls=[error(401, "41101")],
    )
    results, _ = run(backend, ["1", "2"], tmp_path, concurrency=1)
    assert results[0].status is RowStatus.ACCEPTED and "with valid keys" in results[0].detail
    assert backend.calls in (["1"], ["1", "2"])  # the second may have left before the 401 came
    assert all(r.status in (RowStatus.ACCEPTED, RowStatus.NOT_SENT) for r in results.values())


def test_an_unreachable_server_stops_the_run_after_a_few_tries(tmp_path: Path) -> None:
    refused = NetworkError("could not connect to http://127.0.0.1:9 (Connection refused)", maybe_delivered=False)
    backend = Scripted({str(n): [refused] for n in range(50)})
    results, _ = run(backend, [str(n) for n in range(50)], tmp_path, concurrency=2)
    assert len(backend.calls) <= 8  # not 5 attempts x 50 rows
    assert {r.status for r in results.values()} == {RowStatus.NOT_SENT}
    assert "could not connect to http://127.0.0.1:9" in results[49].detail


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


def test_already_cancelled_elsewhere_is_its_own_status_not_a_failure(tmp_path: Path) -> None:
    backend = Scripted(
        {"1": [status(ProcessState.PENDING)], "2": [error(400, "41201")]},
        polls=[status(ProcessState.FAILURE, "Order item 1 has already been cancelled.")],
    )
    backend.cancels["2"] = [Reply(400, error=ApiError(400, "x", "Order item 2 has already been cancelled"))]
    results, _ = run(backend, ["1", "2"], tmp_path)
    assert [results[n].status for n in range(2)] == [RowStatus.ALREADY_CANCELLED] * 2
    assert "not by bulkcancel" in results[0].detail
    assert exit_code_for([r.status for r in results.values()]) is ExitCode.OK
    with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:  # a later run skips them
        assert {r.state for r in journal.items(["1", "2"]).values()} == {ItemState.CANCELLED}


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


class JournalMachine(RuleBasedStateMachine):
    """Any sequence of sends, answers and re-opens keeps one record per item."""

    def __init__(self) -> None:
        super().__init__()
        import tempfile

        self.folder = tempfile.mkdtemp()
        self.path = Path(self.folder) / "j.sqlite3"
        self.journal = Journal(self.path, "test", "seller")
        self.sends = 0
        self.written = False  # since the last reopen (a reopen right after a reopen finds nothing new)

    @rule(item=st.sampled_from(["1", "2", "3"]))
    def send(self, item: str) -> None:
        self.journal.write([Intent(item, "run", "OTHER", "2026-11-28T10:00:00.000+01:00")])
        self.sends += 1
        self.written = True

    @rule(
        item=st.sampled_from(["1", "2", "3"]),
        state=st.sampled_from(
            [ItemState.ACCEPTED, ItemState.CANCELLED, ItemState.FAILED, ItemState.UNSENT, ItemState.SENDING]
        ),
    )
    def answer(self, item: str, state: str) -> None:
        self.journal.write([Answer(item, state, http_status=200, process_status_id="9")])
        self.written = True

    @precondition(lambda self: self.written)
    @rule()
    def crash_and_reopen(self) -> None:
        self.journal.close()
        self.journal = Journal(self.path, "test", "seller")
        self.written = False

    @invariant()
    def one_record_per_item(self) -> None:
        rows = self.journal.db.execute("SELECT order_item_id, count(*) FROM items GROUP BY order_item_id").fetchall()
        assert all(count == 1 for _, count in rows)
        assert self.journal.sent_today() == self.sends

    def teardown(self) -> None:
        self.journal.close()


TestJournalMachine = JournalMachine.TestCase
# Three items and a journal reopened between any two writes: 20 steps an example (Hypothesis's default
# is 50) still give each item several actions in every order; each reopen is a real journal on disk (a
# thread started and joined), so the 50 took 5 s of CPU, 20-30 s on a loaded machine, for orderings the
# shorter runs already reach.
TestJournalMachine.settings = settings(stateful_step_count=20, deadline=None)


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


def test_progress_counts_add_up_on_a_resumed_run(tmp_path: Path) -> None:
    """A resumed run mixes follow-ups of earlier sends and new sends: every row is counted once."""
    seen: list[Progress] = []
    backend = Scripted({"2": [status(ProcessState.PENDING)], "3": [error(400, "41201")]})

    async def go() -> None:
        with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
            sender = Sender(backend, journal, "r", SendPolicy(poll_initial=0), on_progress=seen.append)
            jobs = [
                SendJob(0, "1", ReasonCode.OTHER, NOW, follow_up_id="77"),
                SendJob(1, "2", ReasonCode.OTHER, NOW),
                SendJob(2, "3", ReasonCode.OTHER, NOW),
            ]
            await sender.run(jobs)

    asyncio.run(go())
    assert all(p.total == 3 and p.done == sum(p.ended.values()) <= 3 for p in seen)
    assert seen[-1].ended == {RowStatus.CANCELLED: 2, RowStatus.FAILED: 1}
    assert seen[-1].requests == 2  # the follow-up sent no cancellation


def test_progress_says_what_bol_has_taken_before_it_is_confirmed(tmp_path: Path) -> None:
    """Two phases: a row counts as sent when bol answers its cancellation, as done when its
    process status is final (what the page's progress shows, long before the end)."""
    seen: list[Progress] = []
    backend = Scripted(
        {"1": [status(ProcessState.PENDING)], "2": [error(400, "41201")], "3": [status(ProcessState.PENDING)]},
        polls=[status(ProcessState.PENDING), status(ProcessState.SUCCESS), status(ProcessState.SUCCESS)],
    )

    async def go() -> None:
        with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
            sender = Sender(backend, journal, "r", SendPolicy(poll_initial=0), on_progress=seen.append)
            await sender.run([SendJob(i, str(i + 1), ReasonCode.OTHER, NOW) for i in range(3)])

    asyncio.run(go())
    assert any(p.sent > p.done for p in seen)  # taken by bol, not yet confirmed
    assert all(p.sent <= p.total and p.done <= p.total for p in seen)
    assert [p.sent for p in seen] == sorted(p.sent for p in seen)  # never goes back
    assert seen[-1].sent == 3 and seen[-1].done == 3


def test_progress_says_when_bol_last_answered_while_it_checks(tmp_path: Path) -> None:
    """While bol keeps a row PENDING nothing ends, yet each answer is news: the progress is
    reported again (at most once a second on the run's clock) with the time of bol's answer."""
    now = [0.0]
    seen: list[Progress] = []

    async def fake_sleep(seconds: float) -> None:
        now[0] += seconds

    backend = Scripted(
        {"1": [status(ProcessState.PENDING)]},
        polls=[status(ProcessState.PENDING)] * 4 + [status(ProcessState.SUCCESS)],
    )

    async def go() -> None:
        with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
            policy = SendPolicy(poll_initial=1, poll_deadline=600)
            sender = Sender(
                backend, journal, "r", policy, sleep=fake_sleep, clock=lambda: now[0], on_progress=seen.append
            )
            await sender.run([SendJob(0, "1", ReasonCode.OTHER, NOW)])

    asyncio.run(go())
    pending = [p for p in seen if p.sent == 1 and p.done == 0]
    heard = [p.answered_at for p in pending if p.answered_at is not None]
    assert len(heard) >= 4 and heard == sorted(heard)  # the cancel's answer, then each PENDING poll
    assert seen[-1].done == 1 and seen[-1].answered_at is not None and seen[-1].answered_at >= heard[-1]
