"""The networked part of a run: check against open orders, consent, canary, send.

Runs in one event loop with one client. Ctrl-C or SIGTERM stops scheduling; requests in
flight get ``interrupt_grace`` seconds; a second signal stops at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bulkcancel.backend import CancellationBackend, NetworkError, OpenOrderItem
from bulkcancel.errors import BulkCancelError, CredentialsError
from bulkcancel.i18n import Deferred, Text
from bulkcancel.journal.store import Journal
from bulkcancel.norm.standing import NotKnown, Standing, Unknown, Week
from bulkcancel.output.labels import not_sent
from bulkcancel.results import Stop, StopReason
from bulkcancel.send.plan import Plan
from bulkcancel.send.preflight import apply_check, fetch_open_items
from bulkcancel.send.sender import OnProgress, Sender, SendPolicy, SendResult
from bulkcancel.send.standing import plan_effect, with_promised_dates
from bulkcancel.statuses import RowStatus


@dataclass
class Hooks:
    """Where a run asks the person running it (the CLI) or tells them something."""

    confirm: Callable[[Plan], bool] | None = None
    # Asked before ``confirm`` when a production run would take the week above bol's cancellation
    # norm (``plan.norm``): True only when the person accepted the strike with the numbers shown.
    accept_strike: Callable[[Plan], bool] | None = None
    canary_ok: Callable[[list[SendResult]], bool] | None = None
    on_progress: OnProgress | None = None
    on_start: Callable[[], None] | None = None
    # Given, once sending starts, a function any thread may call to stop it as Ctrl-C does
    # (the upload page's Stop button): rows in flight end as Ctrl-C leaves them.
    on_stoppable: Callable[[Callable[[], None]], None] | None = None


@dataclass(frozen=True)
class CheckPolicy:
    """How the pre-flight against bol's open orders judges rows (``--check``)."""

    allow_reason_mismatch: bool = False
    max_order_pages: int = 150


@dataclass(frozen=True)
class ExecuteOptions:
    """What the networked part of a run needs to know, and nothing more."""

    policy: SendPolicy
    production: bool = False  # real customers: ask ``Hooks.confirm`` first
    dry_run: bool = False
    check: CheckPolicy | None = None  # None: no pre-flight
    canary: int = 0
    interrupt_grace: float = 10.0  # after Ctrl-C, how long requests in flight may take
    started: datetime = field(default_factory=lambda: datetime.now(UTC))  # the run's moment: bol's week of it
    accept_strike: bool = False  # production may take the week above bol's cancellation norm without asking


@dataclass
class Execution:
    """What the networked part produced."""

    results: dict[int, SendResult] = field(default_factory=dict)
    stop: Stop | None = None  # why sending stopped early
    check_notes: dict[int, str] = field(default_factory=dict)
    retries: int = 0
    rate_limit_waits: int = 0
    rate_limited: int = 0  # 429 answers
    standing: Standing | NotKnown = field(default_factory=lambda: NotKnown(Unknown.NOT_ASKED))  # read before sending
    open_items: dict[str, OpenOrderItem] | None = None  # bol's open orders, when --check fetched them


async def execute(
    plan: Plan,
    options: ExecuteOptions,
    open_backend: Callable[[], CancellationBackend],
    journal: Journal,
    run_id: str,
    hooks: Hooks,
) -> Execution:
    """Check, ask, and send ``plan``; rows the check refuses move into ``plan.settled``."""
    done = Execution()
    if options.dry_run and options.check is None:
        done.results = _dry_run(plan)
        plan.norm = plan_effect(plan, done.standing, None, options.started)
        return done
    backend = open_backend()
    try:
        if options.check is not None:
            done.open_items = await fetch_open_items(backend, options.check.max_order_pages)
            done.check_notes = apply_check(plan, done.open_items, options.check.allow_reason_mismatch)
            done.open_items = await with_promised_dates(backend, plan, done.open_items)
        done.standing = await backend.cancellation_standing(Week.of(options.started))
        plan.norm = plan_effect(plan, done.standing, done.open_items, options.started)
        if options.dry_run:
            done.results = _dry_run(plan, RowStatus.READY)  # a checked plan: what each row would get
            return done
        if options.production and plan.to_send:
            _consent(plan, options, hooks)
        if plan.jobs and options.check is None and not await _reachable(backend, plan, done):
            return done
        if hooks.on_start:
            hooks.on_start()
        sender = Sender(backend, journal, run_id, options.policy, on_progress=hooks.on_progress)
        sender.total = len(plan.jobs)
        with (
            _signals(sender, options.interrupt_grace, hooks.on_stoppable),
            contextlib.suppress(asyncio.CancelledError),
        ):
            await _send(sender, plan, options.canary, hooks)
        done.results, done.stop = sender.results, sender.stopped
        done.retries, done.rate_limit_waits = sender.retries, sender.retry_after_waits
        done.rate_limited = backend.rate_limited
        return done
    finally:
        await backend.aclose()


def _consent(plan: Plan, options: ExecuteOptions, hooks: Hooks) -> None:
    """A production run goes on only when the person confirmed it, and accepted a strike it would cause."""
    crosses = plan.norm is not None and plan.norm.crosses
    if crosses and not options.accept_strike and not (hooks.accept_strike and hooks.accept_strike(plan)):
        raise BulkCancelError(
            Text(
                "nothing was sent: this run would take the week's cancellations above bol's norm (expect a "
                "strike), and that was not accepted"
            )
        )
    if not (hooks.confirm and hooks.confirm(plan)):
        raise BulkCancelError(Text("nothing was sent: the production run was not confirmed"))


async def _reachable(backend: CancellationBackend, plan: Plan, done: Execution) -> bool:
    """One cheap authenticated request before the first cancellation (``--check`` made its own).

    A server that cannot be reached, or one whose answer is not bol's (a proxy's login page,
    an empty 200, an HTML error page), leaves every row NOT_SENT, in a second instead of five
    retries per row; keys it refuses stop the run before anything is sent.
    """
    try:
        reply = await backend.probe(plan.jobs[0].order_item_id)
    except NetworkError as exc:
        _none_sent(plan, done, Stop(StopReason.UNREACHABLE, str(exc)))  # times 0: before the first cancellation
        return False
    if reply.not_bol is not None:  # times 0: before the first cancellation
        _none_sent(plan, done, Stop(StopReason.NOT_BOL, reply.not_bol.origin or backend.origin, answer=reply.not_bol))
        return False
    if reply.http_status == 401:
        refused = reply.error.message if reply.error else "HTTP 401"
        raise CredentialsError(Text("bol refused the API keys: {refused}; nothing was sent", refused=refused))
    return True


def _none_sent(plan: Plan, done: Execution, stop: Stop) -> None:
    done.stop = stop
    detail = Deferred(lambda lang: not_sent(stop, lang))
    done.results = {job.index: SendResult(job.index, RowStatus.NOT_SENT, detail) for job in plan.jobs}


async def _send(sender: Sender, plan: Plan, canary: int, hooks: Hooks) -> None:
    if canary <= 0:
        await sender.run(plan.jobs)
        return
    first = [job for job in plan.jobs if not job.follow_up_id][:canary]
    chosen = {job.index for job in first}
    rest = [job for job in plan.jobs if job.index not in chosen]
    results = await sender.run(first)
    if sender.stopped is None and rest:
        canary_results = [results[job.index] for job in first]
        if hooks.canary_ok is None or not hooks.canary_ok(canary_results):
            sender.stop(Stop(StopReason.CANARY))
    await sender.run(rest)


def _dry_run(plan: Plan, status: RowStatus = RowStatus.NOT_SENT) -> dict[int, SendResult]:
    results = {}
    for job in plan.jobs:
        would = (
            Text("dry run: would follow up the earlier send")
            if job.follow_up_id
            else Text("dry run: would send {reason}", reason=job.reason.value)
        )
        results[job.index] = SendResult(job.index, status, would)
    return results


@contextlib.contextmanager
def _signals(
    sender: Sender, grace: float, on_stoppable: Callable[[Callable[[], None]], None] | None = None
) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    interrupts = 0

    def on_signal() -> None:
        nonlocal interrupts
        interrupts += 1
        sender.stop(Stop(StopReason.INTERRUPT))
        sender.cut_polls()
        if task is not None:
            # The first signal gives requests in flight a short grace; the second stops now.
            loop.call_later(grace if interrupts == 1 else 0, task.cancel)

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # only the main thread has them
            loop.add_signal_handler(sig, on_signal)
    if on_stoppable is not None:

        def stop_from_any_thread() -> None:
            loop.call_soon_threadsafe(on_signal)

        on_stoppable(stop_from_any_thread)
    try:
        yield
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)
