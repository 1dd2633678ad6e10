"""Send cancellations concurrently, retry what may succeed, and follow each to its end.

At most ``concurrency`` requests are in flight (``slots``: one limit around every HTTP
call; waiting cancellations go before waiting status polls). Each attempt is journaled
before it leaves and its answer after (``groupcommit``: one commit per turn of the event
loop). What an answer means is decided by ``decide`` (pure). A rate limit (409/41501),
rejected keys (401) or a server that cannot be reached stop all sending at once; rows not
yet sent end NOT_SENT, rows in doubt UNKNOWN. A Retry-After pauses every request (no slot
is held while waiting). A 200 is followed by polling its process status, with growing
pauses, until SUCCESS, FAILURE or TIMEOUT, or until the deadline (ACCEPTED).
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from bulkcancel.backend import (
    LONGEST_WAIT,
    CancellationBackend,
    NetworkError,
    NotBol,
    ProcessState,
    Reply,
    StatusesReply,
    WaitTooLong,
    says_already_cancelled,
)
from bulkcancel.errors import JournalError
from bulkcancel.i18n import N_, Deferred, Text
from bulkcancel.journal.groupcommit import GroupCommit
from bulkcancel.journal.records import ItemState
from bulkcancel.journal.store import Journal
from bulkcancel.logs import logger
from bulkcancel.output.labels import not_sent, stop_text
from bulkcancel.plaza.documents import format_plaza_datetime
from bulkcancel.reasons import ReasonCode
from bulkcancel.results import Stop, StopReason
from bulkcancel.send.batch import StatusBatcher
from bulkcancel.send.decide import (
    Decision,
    Next,
    after_cancel_reply,
    after_lookup_error,
    after_network_error,
    process_to_follow,
)
from bulkcancel.send.firstpoll import FirstPoll
from bulkcancel.send.retry import RetryPolicy
from bulkcancel.send.slots import Slots
from bulkcancel.statuses import RowStatus

# A row's Detail: an i18n.Text, shown in the run's language where the result is made.
NOT_FOLLOWED = Text("accepted by bol (not followed to the end: --no-follow); run the sheet again later to check")
MAY_BE_CANCELLED = N_(
    "may already be cancelled: a request reached bol but its answer was lost, and {why}; "
    "run the sheet again to confirm (nothing is cancelled twice)"
)
POLLS_CUT = Text("accepted by bol; the run stopped before the final status: run the sheet again to check")
KEYS_REFUSED_WHILE_POLLING = Text(
    "accepted by bol; bol refused the keys before the final status: run the sheet again with valid keys to learn it"
)
OWN_ATTEMPT = Text("cancelled by an earlier attempt whose answer was lost (bol now says: already cancelled)")
ELSEWHERE = N_("already cancelled before this run, not by bulkcancel (seller dashboard or customer); bol: {bol}")


@dataclass(frozen=True)
class SendJob:
    """One row to send, or (with ``follow_up_id``) one earlier send to follow up."""

    index: int
    order_item_id: str
    reason: ReasonCode
    when: datetime
    follow_up_id: str | None = None
    in_doubt: bool = False  # an earlier attempt may have reached bol
    sheet_row: int = 0  # the row number the sheet (and the result workbook) gives it


@dataclass(frozen=True)
class SendResult:
    """How one row ended."""

    index: int
    status: RowStatus
    detail: str
    process_status_id: str | None = None
    sent_at: datetime | None = None
    sheet_row: int = 0


@dataclass(frozen=True)
class SendPolicy:
    """How hard and how long to try."""

    concurrency: int = 8
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    poll_initial: float = 1.0
    poll_first: float | None = None  # a scout process is asked this early, then as often (send/firstpoll.py)
    poll_max_interval: float = 30.0
    poll_deadline: float = 120.0
    follow: bool = True  # poll each accepted cancellation to its final status
    max_retry_after: float = LONGEST_WAIT  # a longer Retry-After leaves the row NOT_SENT instead of waiting
    unreachable_after: int = 5  # consecutive requests that never left: the server is gone


@dataclass(frozen=True)
class Progress:
    """How far a run is: rows ended of the rows it sends or follows up, per status."""

    total: int
    ended: Mapping[RowStatus, int]
    requests: int  # cancellation requests sent so far (retries included)
    rate_limit_waits: int
    sent: int = 0  # rows bol has taken (it answered their cancellation; follow-ups of earlier runs too)
    answered_at: datetime | None = None  # when bol last answered anything (a cancellation or a status poll)

    @property
    def done(self) -> int:
        """Rows ended so far (the statuses add up to it)."""
        return sum(self.ended.values())


T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
OnProgress = Callable[[Progress], None]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Sender:
    """Runs a list of SendJobs against a backend, recording everything in the journal."""

    def __init__(
        self,
        backend: CancellationBackend,
        journal: Journal,
        run_id: str,
        policy: SendPolicy,
        *,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_progress: OnProgress | None = None,
    ) -> None:
        self.backend, self.run_id, self.policy = backend, run_id, policy
        self._writes = GroupCommit(journal)
        self._sleep, self._rng, self._clock = sleep, rng or random.Random(), clock
        self._on_progress = on_progress
        self.total = 0  # rows this run ends: set ahead when it sends in parts (the canary, then the rest)
        self._ended: Counter[RowStatus] = Counter()
        self._taken: set[int] = set()  # rows bol has answered for (Progress.sent)
        self._answered_at: datetime | None = None  # Progress.answered_at
        self._heard_reported = -math.inf  # when a poll's answer alone last made a progress report
        self._requests = 0
        self._slots = Slots(policy.concurrency)
        self.stopped: Stop | None = None  # why sending stopped early (None while it has not)
        self._results: dict[int, SendResult] = {}
        self._polls: set[asyncio.Task[None]] = set()
        self._polls_cut_detail: str = POLLS_CUT
        self._resume_at = 0.0  # a Retry-After: no request starts before this moment
        self._never_left = 0  # consecutive requests that could not leave the machine
        self.retry_after_waits = 0
        self.retries = 0  # cancellation attempts beyond each row's first
        self._batcher: StatusBatcher | None = None
        if backend.status_batch > 1:
            linger = min(max(policy.poll_initial, 0.05), 1.0)
            self._batcher = StatusBatcher(self._bulk_status, backend.status_batch, linger, sleep)
        self._first_poll = (
            FirstPoll(policy.poll_first, policy.poll_initial, clock, sleep) if policy.poll_first is not None else None
        )

    @property
    def results(self) -> dict[int, SendResult]:
        """Every row that has ended so far, by row index."""
        return dict(self._results)

    def stop(self, stop: Stop) -> None:
        """Send nothing more; requests in flight finish (the first reason is the one kept)."""
        if self.stopped is None:
            self.stopped = stop

    async def run(self, jobs: Iterable[SendJob]) -> dict[int, SendResult]:
        """Send every job (or leave it NOT_SENT when stopped); results by row index."""
        jobs = list(jobs)
        self.total = max(self.total, len(self._results) + len(jobs))
        self._report()
        queue = iter(jobs)
        if self._batcher is not None:
            self._batcher.sending(True)
        workers = [asyncio.create_task(self._worker(queue)) for _ in range(self.policy.concurrency)]
        try:
            await asyncio.gather(*workers)
            if self._batcher is not None:
                self._batcher.sending(False)
            while self._polls:
                await asyncio.gather(*list(self._polls))
        finally:
            for task in [*workers, *self._polls]:
                task.cancel()
            if self._batcher is not None:
                self._batcher.close()
            self._writes.flush()
        if self._writes.failure is not None:
            self.stop(Stop(StopReason.JOURNAL, str(self._writes.failure)))
        return self._results

    def cut_polls(self, detail: str = POLLS_CUT) -> None:
        """Stop following processes: each open one ends ACCEPTED with ``detail``."""
        self._polls_cut_detail = detail
        for task in list(self._polls):
            task.cancel()

    async def _worker(self, queue: Iterable[SendJob]) -> None:
        for job in queue:
            if self.stopped is not None:
                self._stopped(job, job.in_doubt)
                continue
            if job.follow_up_id:
                self._taken.add(job.index)  # bol took it in an earlier run
                self._follow(job, job.follow_up_id, None, job.in_doubt)
                continue
            await self._send(job)

    async def _request(self, call: Coroutine[Any, Any, T], *, urgent: bool) -> T:
        """One HTTP call within the limit; cancellations (``urgent``) before status polls."""
        try:
            while (wait := self._resume_at - self._clock()) > 0:  # a Retry-After, waited without a slot
                until = self._resume_at
                await self._sleep(wait)
                if self._resume_at == until:
                    break  # waited what was asked; a later Retry-After moves ``_resume_at`` again
            await self._slots.acquire(urgent)
        except BaseException:
            call.close()  # never started
            raise
        try:
            return await call
        except WaitTooLong as exc:
            # bol's budget allows no request for longer than a run waits: nothing more is sent,
            # every row not sent ends NOT_SENT at once instead of standing still; the rows bol
            # took are still followed, unless it is the polls' own budget (then they end ACCEPTED).
            self.stop(Stop(StopReason.WAIT, f"{exc.seconds:.0f}"))
            if not urgent:
                self.cut_polls()
            raise NetworkError(exc.in_language("en"), maybe_delivered=False) from None  # it never left
        finally:
            self._slots.release()

    async def _send(self, job: SendJob) -> None:
        started, attempts, in_doubt = self._clock(), 0, job.in_doubt
        sent_dt = format_plaza_datetime(job.when) if self.backend.takes_timestamp else ""  # v10 sends none
        sent_at: datetime | None = None
        asked = 0  # lookups that brought no answer
        while True:
            if self.stopped is not None:
                self._stopped(job, in_doubt, sent_at)
                return
            if in_doubt and self.backend.looks_up:
                # An earlier attempt may have reached bol: ask before sending it again.
                found = await self._ask(job, sent_at)
                if found is True:
                    return  # bol has it: the row follows bol's process
                if found is not False:  # no answer to the question: never send blind, ask again later
                    asked += 1
                    if self._settle(job, found, sent_at):
                        return
                    delay = self._retry_delay(asked, started, found)
                    if delay is None:
                        self._give_up(job, found, attempts + asked, sent_at)
                        return
                    await self._sleep(delay)
                    continue
            attempts += 1
            self.retries += attempts > 1
            try:
                await self._writes.intend(job.order_item_id, self.run_id, job.reason.value, sent_dt)
            except JournalError as exc:  # never sent: nothing may leave that the journal does not know of
                self.stop(Stop(StopReason.JOURNAL, str(exc)))
                self._stopped(job, in_doubt, sent_at)
                return
            if self.stopped is not None:  # stopped while the intent was being committed
                state = ItemState.SENDING if in_doubt else ItemState.UNSENT
                self._writes.answer(job.order_item_id, state, message=self._stop_detail(), in_doubt=in_doubt)
                self._stopped(job, in_doubt, sent_at)
                return
            logger.debug("cancel %s %s attempt %d", job.order_item_id, job.reason.value, attempts)
            sent_at = _utcnow()
            self._requests += 1
            self._report()
            try:
                reply = await self._request(self.backend.cancel(job.order_item_id, job.reason, job.when), urgent=True)
            except NetworkError as exc:
                logger.debug("cancel %s: %s", job.order_item_id, exc)
                decision = after_network_error(exc, in_doubt)
            except asyncio.CancelledError:  # a second Ctrl-C while the request was on the wire
                self._finish(
                    job, RowStatus.UNKNOWN, Text(MAY_BE_CANCELLED, why=Text("the run was stopped")), sent_at=sent_at
                )
                raise
            else:
                logger.debug("cancel %s -> HTTP %d", job.order_item_id, reply.http_status)
                if reply.not_bol is None:
                    self._answered_at = _utcnow()
                decision = after_cancel_reply(reply, in_doubt)
                if decision.next is Next.ACCEPTED:
                    self._accepted_now(job, reply, sent_at, in_doubt)
                    return
            in_doubt = decision.in_doubt
            if self._settle(job, decision, sent_at):
                return
            delay = self._retry_delay(attempts, started, decision)
            if delay is None:
                self._give_up(job, decision, attempts, sent_at)
                return
            await self._sleep(delay)

    async def _ask(self, job: SendJob, sent_at: datetime | None) -> bool | Decision:
        """Does bol have a cancellation process for this item? True: the row now follows it (nothing is
        sent); False: bol has none (send); a Decision: no answer to the question (try again later)."""
        try:
            reply = await self._request(self.backend.cancellations_of(job.order_item_id), urgent=True)
        except NetworkError as exc:
            return after_network_error(exc, True)
        if reply.error is not None:
            return after_lookup_error(reply)
        process = process_to_follow(reply.statuses.values())
        if process is None:
            return False
        logger.debug("cancel %s: bol already has process %s (%s)", job.order_item_id, process.id, process.status)
        self._accepted_now(job, Reply(reply.http_status, process_status=process), sent_at, True)
        return True

    def _settle(self, job: SendJob, decision: Decision, sent_at: datetime | None) -> bool:
        """Journal a non-accepting answer; True when the row has ended."""
        self._never_left = 0 if decision.reached_server else self._never_left + 1
        if self._never_left >= self.policy.unreachable_after:
            self.stop(Stop(StopReason.UNREACHABLE, decision.message, self._never_left))
        if decision.next in (Next.CANCELLED, Next.FAILED):
            self._taken.add(job.index)  # bol answered for this row
        if decision.next is Next.CANCELLED:
            self._writes.answer(job.order_item_id, ItemState.CANCELLED, message=decision.message)
            if decision.in_doubt:
                self._finish(job, RowStatus.CANCELLED, OWN_ATTEMPT, sent_at=sent_at)
            else:
                elsewhere = Text(ELSEWHERE, bol=decision.message)
                self._finish(job, RowStatus.ALREADY_CANCELLED, elsewhere, sent_at=sent_at)
            return True
        if decision.next is Next.FAILED:
            self._writes.answer(
                job.order_item_id, ItemState.FAILED, message=decision.message, in_doubt=decision.in_doubt
            )
            self._finish(job, RowStatus.FAILED, f"bol refused: {decision.message}", sent_at=sent_at)
            return True
        if decision.next is Next.STOP_RATE_LIMIT:
            self.stop(Stop(StopReason.RATE_LIMIT))
        elif decision.next is Next.STOP_AUTH:
            self.stop(Stop(StopReason.AUTH, decision.message))
            self.cut_polls(KEYS_REFUSED_WHILE_POLLING)
        elif decision.next is Next.STOP_NOT_BOL:
            assert decision.not_bol is not None
            self._not_bol(decision.not_bol)
        state = ItemState.SENDING if decision.in_doubt else ItemState.UNSENT
        self._writes.answer(job.order_item_id, state, message=decision.message, in_doubt=decision.in_doubt)
        return False

    def _not_bol(self, answer: NotBol) -> None:
        """A server that is not bol answered: send nothing more, follow nothing more."""
        self.stop(Stop(StopReason.NOT_BOL, self.backend.origin, times=1, answer=answer))
        self.cut_polls()

    def _retry_delay(self, attempts: int, started: float, decision: Decision) -> float | None:
        if self.stopped is not None:
            return 0.0  # the loop ends the row as the stop says
        wait = decision.wait_at_least
        if wait is not None and wait > self.policy.max_retry_after:
            return None
        delay = self.policy.retry.next_delay(attempts, self._clock() - started, self._rng, at_least=wait)
        if delay is not None and wait is not None:
            self.retry_after_waits += 1
            self._resume_at = max(self._resume_at, self._clock() + wait)  # every request waits, not only this row
        return delay

    def _give_up(self, job: SendJob, decision: Decision, attempts: int, sent_at: datetime | None) -> None:
        if decision.in_doubt:
            why = Text("{n} attempts brought no clear answer ({message})", n=attempts, message=decision.message)
            self._finish(job, RowStatus.UNKNOWN, Text(MAY_BE_CANCELLED, why=why), sent_at=sent_at)
            return
        self._finish(
            job,
            RowStatus.NOT_SENT,
            Text(
                "not sent: bol did not take it after {n} attempt(s) ({message}) and did not apply it; "
                "run the same sheet again later",
                n=attempts,
                message=decision.message,
            ),
            sent_at=sent_at,
        )

    def _stopped(self, job: SendJob, in_doubt: bool, sent_at: datetime | None = None) -> None:
        """End a row the stop left unsettled: NOT_SENT, or UNKNOWN when bol may have it."""
        assert self.stopped is not None
        if in_doubt:
            stop = self.stopped
            why = Text("the run stopped ({stop})", stop=Deferred(lambda lang: stop_text(stop, lang)))
            self._finish(job, RowStatus.UNKNOWN, Text(MAY_BE_CANCELLED, why=why), sent_at=sent_at)
        else:
            self._finish(job, RowStatus.NOT_SENT, self._stop_detail(), sent_at=sent_at)

    def _stop_detail(self) -> str:
        """The Detail of a row the stop left unsent."""
        stop = self.stopped
        return Deferred(lambda lang: not_sent(stop, lang)) if stop else ""

    def _accepted_now(self, job: SendJob, reply: Reply, sent_at: datetime | None, in_doubt: bool) -> None:
        self._never_left = 0
        self._taken.add(job.index)
        status = reply.process_status
        assert status is not None
        self._writes.answer(
            job.order_item_id,
            ItemState.ACCEPTED,
            http_status=reply.http_status,
            process_status_id=status.id,
            in_doubt=in_doubt,
        )
        if status.status.is_final:
            self._final(job, status.id, status.status, status.error_message, sent_at, in_doubt)
        elif not self.policy.follow:
            self._accepted(job, status.id, sent_at, NOT_FOLLOWED)
        else:
            self._follow(job, status.id, sent_at, in_doubt)

    def _follow(self, job: SendJob, process_id: str, sent_at: datetime | None, in_doubt: bool) -> None:
        task = asyncio.create_task(self._poll(job, process_id, sent_at, in_doubt))
        self._polls.add(task)
        task.add_done_callback(self._polls.discard)
        self._report()  # taken by bol, its end still to come: the progress shows it now

    async def _poll(self, job: SendJob, process_id: str, sent_at: datetime | None, in_doubt: bool) -> None:
        started: float | None = None  # the deadline runs from the first answer, not the wait for a slot
        delay = self.policy.poll_initial
        accepted_at = self._clock()
        first = self._first_poll
        scout = first is not None and first.enlist()
        then: float | None = None  # a wait of its own for the next ask (after an early one)
        try:
            while True:
                if first is not None and not scout and started is None:
                    await first.wait(accepted_at)  # the first poll: when the scout's process was final
                elif then is not None:
                    await self._sleep(then)
                    then = None
                else:
                    await self._sleep(first.shortest if scout and first is not None and started is None else delay)
                asked_at = self._clock()
                try:
                    reply = await self._status(process_id)
                except NetworkError:
                    reply = None
                if started is None:
                    started = self._clock()
                if reply is not None and reply.not_bol is None:
                    self._heard(asked_at)
                if reply is not None and reply.process_status is not None:
                    status = reply.process_status
                    if status.status.is_final:
                        if scout and first is not None:
                            first.learn(self._clock() - accepted_at)  # its answer's age: the safe side
                        self._final(job, process_id, status.status, status.error_message, sent_at, in_doubt)
                        return
                elif reply is not None and reply.not_bol is not None:
                    self._not_bol(reply.not_bol)
                    self._accepted(job, process_id, sent_at, POLLS_CUT)
                    return
                elif reply is not None and reply.http_status == 401:
                    refused = reply.error.message if reply.error else "HTTP 401"
                    self.stop(Stop(StopReason.AUTH, refused))
                    self._accepted(job, process_id, sent_at, KEYS_REFUSED_WHILE_POLLING)
                    self.cut_polls(KEYS_REFUSED_WHILE_POLLING)
                    return
                elif reply is not None and reply.http_status == 404:
                    self._accepted(
                        job,
                        process_id,
                        sent_at,
                        Text("bol no longer knows this process status; check the order item in the seller dashboard"),
                    )
                    return
                elapsed = self._clock() - started
                if elapsed >= self.policy.poll_deadline:
                    self._accepted(
                        job,
                        process_id,
                        sent_at,
                        Text(
                            "accepted by bol; still pending after {seconds:.0f} s: run the sheet again later to check",
                            seconds=elapsed,
                        ),
                    )
                    return
                if scout and first is not None and asked_at - accepted_at < self.policy.poll_initial:
                    delay = first.shortest  # the scout asks again soon, until it is as old as poll_initial
                    continue
                pending = reply is not None and reply.process_status is not None
                if first is not None and not scout and pending and asked_at - accepted_at < self.policy.poll_initial:
                    # Asked at the scout's age and still pending: bol is slower now. This row asks
                    # again when it is poll_initial old and backs off from there, as without the
                    # scout; the rows not yet asked wait poll_initial (one extra ask a row at most).
                    first.too_soon()
                    then = max(accepted_at + self.policy.poll_initial - self._clock(), 0.0)
                    continue
                if scout and first is not None:
                    scout = False
                    first.give_up()  # slower than poll_initial: the rest wait as long as ever
                delay = min(
                    delay * 2 or 0.05,
                    self.policy.poll_max_interval,
                    self.policy.poll_deadline - elapsed,
                )
        except asyncio.CancelledError:
            if job.index not in self._results:
                self._accepted(job, process_id, sent_at, self._polls_cut_detail)
            raise
        finally:
            if scout and first is not None:
                first.give_up()  # ended without learning (or learned: then nothing changes)

    async def _status(self, process_id: str) -> Reply:
        """One poll: a GET of its own, or a place in the next bulk query when the API has one."""
        if self._batcher is None:
            return await self._request(self.backend.process_status(process_id), urgent=False)
        return await self._batcher.ask(process_id)

    async def _bulk_status(self, process_ids: list[str]) -> StatusesReply:
        return await self._request(self.backend.process_statuses(process_ids), urgent=False)

    def _accepted(self, job: SendJob, process_id: str, sent_at: datetime | None, detail: str) -> None:
        self._finish(job, RowStatus.ACCEPTED, detail, process_id=process_id, sent_at=sent_at)

    def _final(
        self,
        job: SendJob,
        process_id: str,
        state: ProcessState,
        error: str | None,
        sent_at: datetime | None,
        in_doubt: bool,
    ) -> None:
        if state is ProcessState.SUCCESS:
            self._writes.answer(job.order_item_id, ItemState.CANCELLED, process_status_id=process_id)
            self._finish(job, RowStatus.CANCELLED, "", process_id=process_id, sent_at=sent_at)
            return
        message = error or f"process status {state.value}"
        if says_already_cancelled(message):
            # Our own earlier attempt did it (in doubt), or someone else did: either way it is cancelled.
            status, detail = (
                (RowStatus.CANCELLED, OWN_ATTEMPT)
                if in_doubt
                else (RowStatus.ALREADY_CANCELLED, Text(ELSEWHERE, bol=message))
            )
            self._writes.answer(job.order_item_id, ItemState.CANCELLED, process_status_id=process_id, message=message)
            self._finish(job, status, detail, process_id=process_id, sent_at=sent_at)
            return
        self._writes.answer(
            job.order_item_id, ItemState.FAILED, process_status_id=process_id, message=message, in_doubt=in_doubt
        )
        self._finish(job, RowStatus.FAILED, f"bol: {message}", process_id=process_id, sent_at=sent_at)

    def _finish(
        self,
        job: SendJob,
        status: RowStatus,
        detail: str,
        *,
        process_id: str | None = None,
        sent_at: datetime | None = None,
    ) -> None:
        if job.index not in self._results:
            self._ended[status] += 1
        self._results[job.index] = SendResult(job.index, status, detail, process_id, sent_at, job.sheet_row)
        self._report()

    def _heard(self, now: float) -> None:
        """bol answered a poll asked at ``now`` (the run's clock): the progress says so (at most
        once a second when nothing else changed)."""
        self._answered_at = _utcnow()
        if now - self._heard_reported >= 1.0:
            self._heard_reported = now
            self._report()

    def _report(self) -> None:
        if self._on_progress is not None:
            self._on_progress(
                Progress(
                    self.total,
                    dict(self._ended),
                    self._requests,
                    self.retry_after_waits,
                    len(self._taken),
                    self._answered_at,
                )
            )
