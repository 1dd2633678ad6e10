"""Send cancellations concurrently, retry what may succeed, and follow each to its end.

At most ``concurrency`` requests are in flight (``slots``: one limit around every HTTP
call; waiting cancellations go before waiting status polls). Each attempt is journaled
before it leaves and its answer after (``groupcommit``: one commit per turn of the event
loop). A rate limit (409/41501) or rejected keys (401) stop all sending at once; the rows
not yet sent end NOT_SENT. A 200 is followed by polling its process status, with growing
pauses, until SUCCESS, FAILURE or TIMEOUT, or until the deadline (ACCEPTED).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from bulkcancel.backend import CancellationBackend, NetworkError, ProcessState, Reply
from bulkcancel.journal.groupcommit import GroupCommit
from bulkcancel.journal.records import ItemState
from bulkcancel.journal.store import Journal
from bulkcancel.logs import logger
from bulkcancel.plaza.documents import format_plaza_datetime
from bulkcancel.reasons import ReasonCode
from bulkcancel.send.retry import RetryPolicy, is_retryable_status
from bulkcancel.send.slots import Slots
from bulkcancel.statuses import RowStatus

RATE_LIMITED = (
    "not sent: bol's rate limit for cancellations was reached (HTTP 409, 41501); run the same sheet again tomorrow"
)
NOT_FOLLOWED = "accepted by bol (not followed to the end: --no-follow); run the sheet again later to check"
ALREADY_CANCELLED = re.compile(r"already\s+(been\s+)?cancel", re.IGNORECASE)


@dataclass(frozen=True)
class SendJob:
    """One row to send, or (with ``follow_up_id``) one earlier send to follow up."""

    index: int
    order_item_id: str
    reason: ReasonCode
    when: datetime
    follow_up_id: str | None = None
    in_doubt: bool = False  # an earlier attempt may have reached bol


@dataclass(frozen=True)
class SendResult:
    """How one row ended."""

    index: int
    status: RowStatus
    detail: str
    process_status_id: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class SendPolicy:
    """How hard and how long to try."""

    concurrency: int = 8
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    poll_initial: float = 1.0
    poll_max_interval: float = 30.0
    poll_deadline: float = 120.0
    follow: bool = True  # poll each accepted cancellation to its final status


class StopReason(Enum):
    """Why sending stopped early (None while it has not)."""

    RATE_LIMIT = "rate-limit"  # 409/41501: nothing more may go out today
    AUTH = "auth"  # 401: bol refused the keys
    INTERRUPT = "interrupt"  # Ctrl-C or SIGTERM
    CANARY = "canary"  # the canary rows were not confirmed


Sleep = Callable[[float], Awaitable[None]]
Event = Callable[[str], None]


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
        on_event: Event | None = None,
    ) -> None:
        self.backend, self.run_id, self.policy = backend, run_id, policy
        self._writes = GroupCommit(journal)
        self._sleep, self._rng, self._clock = sleep, rng or random.Random(), clock
        self._on_event = on_event or (lambda kind: None)
        self._slots = Slots(policy.concurrency)
        self.stop_reason: StopReason | None = None
        self.stop_message = ""
        self._results: dict[int, SendResult] = {}
        self._polls: set[asyncio.Task[None]] = set()

    @property
    def results(self) -> dict[int, SendResult]:
        """Every row that has ended so far, by row index."""
        return dict(self._results)

    def stop(self, reason: StopReason, message: str) -> None:
        """Send nothing more; requests in flight finish."""
        if self.stop_reason is None:
            self.stop_reason, self.stop_message = reason, message

    async def run(self, jobs: Iterable[SendJob]) -> dict[int, SendResult]:
        """Send every job (or leave it NOT_SENT when stopped); results by row index."""
        queue = iter(jobs)
        workers = [asyncio.create_task(self._worker(queue)) for _ in range(self.policy.concurrency)]
        try:
            await asyncio.gather(*workers)
            while self._polls:
                await asyncio.gather(*list(self._polls))
        finally:
            for task in [*workers, *self._polls]:
                task.cancel()
            self._writes.flush()
        self._writes.close()
        return self._results

    def cut_polls(self) -> None:
        """Stop following processes: each open one ends ACCEPTED (an interrupt)."""
        for task in list(self._polls):
            task.cancel()

    async def _worker(self, queue: Iterable[SendJob]) -> None:
        for job in queue:
            if self.stop_reason is not None:
                self._results[job.index] = SendResult(job.index, RowStatus.NOT_SENT, self.stop_message)
                continue
            if job.follow_up_id:
                self._follow(job, job.follow_up_id, None, job.in_doubt)
                continue
            await self._send(job)

    async def _request(self, call: Coroutine[Any, Any, Reply], *, urgent: bool) -> Reply:
        """One HTTP call within the limit; cancellations (``urgent``) before status polls."""
        try:
            await self._slots.acquire(urgent)
        except BaseException:
            call.close()  # never started
            raise
        try:
            return await call
        finally:
            self._slots.release()

    async def _send(self, job: SendJob) -> None:
        started, attempts, in_doubt = self._clock(), 0, job.in_doubt
        sent_dt = format_plaza_datetime(job.when)
        last_problem = ""
        while True:
            if self.stop_reason is not None:
                self._finish(job, RowStatus.NOT_SENT, self.stop_message)
                return
            attempts += 1
            await self._writes.intend(job.order_item_id, self.run_id, job.reason.value, sent_dt)
            if self.stop_reason is not None:  # stopped while the intent was being committed
                self._writes.answer(
                    job.order_item_id, ItemState.SENDING if in_doubt else ItemState.UNSENT, message=self.stop_message
                )
                self._finish(job, RowStatus.NOT_SENT, self.stop_message)
                return
            logger.debug("cancel %s %s attempt %d", job.order_item_id, job.reason.value, attempts)
            sent_at = _utcnow()
            self._on_event("sent")
            try:
                reply = await self._request(self.backend.cancel(job.order_item_id, job.reason, job.when), urgent=True)
            except NetworkError as exc:
                logger.debug("cancel %s: %s", job.order_item_id, exc)
                in_doubt = in_doubt or exc.maybe_delivered
                last_problem = str(exc)
                if not in_doubt:
                    self._writes.answer(job.order_item_id, ItemState.UNSENT, message=last_problem)
            else:
                logger.debug("cancel %s -> HTTP %d", job.order_item_id, reply.http_status)
                if reply.process_status is not None:
                    status = reply.process_status
                    self._writes.answer(
                        job.order_item_id,
                        ItemState.ACCEPTED,
                        http_status=reply.http_status,
                        process_status_id=status.id,
                    )
                    self._on_event("accepted")
                    if status.status.is_final:
                        self._final(job, status.id, status.status, status.error_message, sent_at, in_doubt)
                    elif not self.policy.follow:
                        self._accepted(job, status.id, sent_at, NOT_FOLLOWED)
                    else:
                        self._follow(job, status.id, sent_at, in_doubt)
                    return
                error = reply.error
                assert error is not None
                message = f"{error.message} (HTTP {reply.http_status})"
                if error.is_rate_limit or reply.http_status == 401:
                    # Nothing more can go out today (409/41501) or with these keys (401).
                    if error.is_rate_limit:
                        self.stop(StopReason.RATE_LIMIT, RATE_LIMITED)
                    else:
                        self.stop(StopReason.AUTH, f"not sent: bol refused the API keys: {error.message}")
                elif not (is_retryable_status(reply.http_status) or 200 <= reply.http_status < 300):
                    self._writes.answer(
                        job.order_item_id, ItemState.FAILED, http_status=reply.http_status, message=message
                    )
                    self._finish(job, RowStatus.FAILED, f"bol refused: {message}", sent_at=sent_at)
                    return
                else:  # 5xx, or a 2xx we could not read: it may or may not have been applied
                    in_doubt = in_doubt or reply.http_status != 503
                    last_problem = message
                self._writes.answer(
                    job.order_item_id,
                    ItemState.SENDING if in_doubt else ItemState.UNSENT,
                    http_status=reply.http_status,
                    message=message,
                )
                if self.stop_reason is not None:
                    continue
            delay = self.policy.retry.next_delay(attempts, self._clock() - started, self._rng)
            if delay is None:
                self._finish(
                    job,
                    RowStatus.FAILED,
                    f"no clear answer from bol after {attempts} attempts "
                    f"({last_problem}); run the sheet again: the journal makes sure it is "
                    "not cancelled twice",
                    sent_at=sent_at,
                )
                return
            await self._sleep(delay)

    def _follow(self, job: SendJob, process_id: str, sent_at: datetime | None, in_doubt: bool) -> None:
        task = asyncio.create_task(self._poll(job, process_id, sent_at, in_doubt))
        self._polls.add(task)
        task.add_done_callback(self._polls.discard)

    async def _poll(self, job: SendJob, process_id: str, sent_at: datetime | None, in_doubt: bool) -> None:
        started: float | None = None  # the deadline runs from the first answer, not the wait for a slot
        delay = self.policy.poll_initial
        try:
            while True:
                await self._sleep(delay)
                try:
                    reply = await self._request(self.backend.process_status(process_id), urgent=False)
                except NetworkError:
                    reply = None
                if started is None:
                    started = self._clock()
                if reply is not None and reply.process_status is not None:
                    status = reply.process_status
                    if status.status.is_final:
                        self._final(job, process_id, status.status, status.error_message, sent_at, in_doubt)
                        return
                elif reply is not None and reply.http_status == 404:
                    self._accepted(
                        job,
                        process_id,
                        sent_at,
                        "bol no longer knows this process status; check the order item in the seller dashboard",
                    )
                    return
                elapsed = self._clock() - started
                if elapsed >= self.policy.poll_deadline:
                    self._accepted(
                        job,
                        process_id,
                        sent_at,
                        f"accepted by bol; still pending after {elapsed:.0f} s: run the sheet again later to check",
                    )
                    return
                delay = min(
                    delay * 2 or 0.05,
                    self.policy.poll_max_interval,
                    self.policy.poll_deadline - elapsed,
                )
        except asyncio.CancelledError:
            self._accepted(
                job,
                process_id,
                sent_at,
                "accepted by bol; the run stopped before the final status: run the sheet again to check",
            )
            raise

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
            self._on_event("cancelled")
            return
        message = error or f"process status {state.value}"
        if in_doubt and ALREADY_CANCELLED.search(message):
            self._writes.answer(job.order_item_id, ItemState.CANCELLED, process_status_id=process_id, message=message)
            self._finish(
                job,
                RowStatus.CANCELLED,
                "cancelled by an earlier attempt whose answer was lost (bol now says: already cancelled)",
                process_id=process_id,
                sent_at=sent_at,
            )
            self._on_event("cancelled")
            return
        self._writes.answer(job.order_item_id, ItemState.FAILED, process_status_id=process_id, message=message)
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
        if status is RowStatus.FAILED:
            self._on_event("failed")
        self._results[job.index] = SendResult(job.index, status, detail, process_id, sent_at)
