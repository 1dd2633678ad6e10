"""Jobs: the runs the page started, one at a time per journal, and what the page sees of them.

A job is ``pipeline.run`` in the runner's worker thread; the page only observes it (a
snapshot the run's progress hook keeps current), so closing or refreshing the tab changes
nothing. Jobs wait in line: the second upload's job says how many are ahead of it.

Every change to a job goes through ``Job.update`` under the job's lock, and wakes whoever
watches it (the events stream of each open progress page): nothing polls.
"""

from __future__ import annotations

import enum
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulkcancel.errors import BulkCancelError
from bulkcancel.i18n import Text, render
from bulkcancel.pipeline import Outcome, run
from bulkcancel.send.execute import Hooks
from bulkcancel.send.plan import Plan
from bulkcancel.send.sender import Progress
from bulkcancel.settings import Settings
from bulkcancel.statuses import RowStatus
from bulkcancel.web.uploads import Upload, hide_paths, new_id

log = logging.getLogger("bulkcancel.web")


class JobState(enum.Enum):
    """Where a job is: waiting in line, sending, or ended (with a result, or without one)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def ended(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED)

    @property
    def open(self) -> bool:
        """Queued or running: it can still be stopped."""
        return not self.ended


Watcher = Callable[[], None]


@dataclass(eq=False)
class Job:
    """One run started from the page; read it with ``snapshot``, change it with ``update``."""

    id: str
    upload: Upload
    confirmed: int  # the number of cancellations the person confirmed
    out: Path
    accept_strike: bool = False  # the person ticked that this run may take the week above bol's norm
    seq: int = 0  # place in line
    state: JobState = JobState.QUEUED
    progress: Progress | None = None
    outcome: Outcome | None = None
    message: str = ""  # an i18n.Text (or Joined, Deferred): shown in the language of whoever looks
    started: float | None = None
    ended: float | None = None
    stop_requested: bool = False
    stop_run: Callable[[], None] | None = None  # the run's thread-safe stop, once sending started
    version: int = 0  # grows with every change the page should see
    changed_at: float = 0.0  # time.time() of the last change (the page's event latency is measured from it)
    clock: Callable[[], float] = time.monotonic
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _watchers: set[Watcher] = field(default_factory=set, repr=False)

    def update(self, **changes: Any) -> None:
        """Change the job's fields (under its lock) and wake every watcher."""
        with self._lock:
            for name, value in changes.items():
                if not hasattr(self, name) or name.startswith("_"):
                    raise AttributeError(name)
                setattr(self, name, value)
            self.version += 1
            self.changed_at = time.time()
            watchers = list(self._watchers)
        for wake in watchers:
            wake()

    def watch(self, wake: Watcher) -> None:
        """Call ``wake`` (from any thread) after every change."""
        with self._lock:
            self._watchers.add(wake)

    def unwatch(self, wake: Watcher) -> None:
        with self._lock:
            self._watchers.discard(wake)

    def request_stop(self) -> bool:
        """Ask the job to stop sending; False when it has ended already."""
        with self._lock:
            if self.state.ended:
                return False
            stop = self.stop_run
            self.update(stop_requested=True)
        if stop is not None:
            stop()
        return True

    def snapshot(self, ahead: int, lang: str = "en") -> dict[str, Any]:
        """What the progress page shows, as JSON, its words in ``lang`` (read under the lock: one consistent moment)."""
        with self._lock:
            progress, outcome, state = self.progress, self.outcome, self.state
            started, ended = self.started, self.ended
            message, stopping = self.message, self.stop_requested and state is JobState.RUNNING
            version, changed_at = self.version, self.changed_at
        done = progress.done if progress else 0  # rows with their final status (confirmed, refused, not sent)
        sent = max(progress.sent, 0) if progress else 0  # rows bol has taken
        total = progress.total if progress and progress.total else self.confirmed  # known before sending starts
        elapsed = (ended or self.clock()) - started if started else 0.0
        rate = sent / elapsed if elapsed > 0 and sent else 0.0
        left = (total - sent) / rate if rate and total > sent and state is JobState.RUNNING else None
        counts = {s.value: n for s, n in (progress.ended.items() if progress else ())}
        if outcome is not None:
            counts = {s.value: n for s, n in outcome.counts().items()}
        return {
            "state": state.value,
            "queued": state is JobState.QUEUED,
            "finished": state.ended,
            "ahead": ahead,
            "done": done,
            "sent": sent,
            "answered_at": progress.answered_at.isoformat() if progress and progress.answered_at else None,
            "total": total,
            "counts": counts,
            "requests": progress.requests if progress else 0,
            "rate_limit_waits": progress.rate_limit_waits if progress else 0,
            "rate": round(rate, 1),
            "seconds_left": round(left) if left is not None else None,
            "message": hide_paths(str(render(message, lang)), (self.upload.source, self.upload.source_name)),
            "stopping": stopping,
            "exit_code": int(outcome.exit_code) if outcome else None,
            "run_id": outcome.run_id if outcome else None,
            "version": version,
            "changed_at": changed_at,
        }


@dataclass
class Runner:
    """Runs jobs one after the other in a worker thread (one journal, one run at a time)."""

    settings: Settings
    jobs: dict[str, Job] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    _line: queue.Queue[Job | None] = field(default_factory=queue.Queue)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker thread."""
        self._thread = threading.Thread(target=self._work, name="bulkcancel-jobs", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 30.0) -> None:
        """Stop the running job (as Ctrl-C would) and the worker."""
        for job in self.listed():
            job.request_stop()
        self._line.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def submit(self, upload: Upload, confirmed: int, out: Path, accept_strike: bool = False) -> Job:
        """Queue a run of ``upload``; ``accept_strike``: the person accepted a strike (bol's cancellation norm)."""
        with self._lock:
            job = Job(new_id(), upload, confirmed, out, accept_strike, seq=len(self.jobs), clock=self.clock)
            self.jobs[job.id] = job
        self._line.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self.jobs.get(job_id)

    def listed(self) -> list[Job]:
        with self._lock:
            return list(self.jobs.values())

    def ahead_of(self, job: Job) -> int:
        """How many jobs run or wait before ``job``."""
        if job.state is not JobState.QUEUED:
            return 0
        return sum(1 for other in self.listed() if other.state.open and other.seq < job.seq)

    def busy(self) -> bool:
        """Whether a job is running now (its journal run has no end yet, and is not interrupted)."""
        return any(job.state is JobState.RUNNING for job in self.listed())

    def stop(self, job_id: str) -> bool:
        """Ask a job to stop sending (a queued job is dropped from the line)."""
        job = self.get(job_id)
        return job is not None and job.request_stop()

    def _work(self) -> None:
        while (job := self._line.get()) is not None:
            with job._lock:
                dropped = job.stop_requested
                if dropped:
                    job.update(state=JobState.FAILED, message=Text("stopped before it started: nothing was sent"))
                else:
                    job.update(state=JobState.RUNNING, started=self.clock())
            if not dropped:
                self._run(job)

    def _run(self, job: Job) -> None:
        def confirm(plan: Plan) -> bool:
            return plan.to_send <= job.confirmed  # never more than the person confirmed

        def on_stoppable(stop: Callable[[], None]) -> None:
            with job._lock:
                job.update(stop_run=stop)
                stop_now = job.stop_requested
            if stop_now:
                stop()

        hooks = Hooks(
            confirm=confirm,
            accept_strike=lambda plan: job.accept_strike,  # the run holds a strike the person did not accept
            canary_ok=lambda results: False,
            on_progress=lambda progress: job.update(progress=progress),
            on_stoppable=on_stoppable,
        )
        settings = job.upload.settings(self.settings, job.out)
        try:
            outcome = run(job.upload.source, settings, hooks)
            job.update(outcome=outcome, message=outcome.message, state=JobState.DONE, ended=self.clock())
        except BulkCancelError as exc:
            said = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)  # an i18n.Text
            job.update(state=JobState.FAILED, message=said, ended=self.clock())
        except Exception as exc:  # a bug must show on the page, not kill the worker
            log.exception("job %s failed", job.id)
            message = Text("the run failed ({error}); the journal has every row sent", error=type(exc).__name__)
            job.update(state=JobState.FAILED, message=message, ended=self.clock())


def counts_of(outcome: Outcome) -> dict[str, int]:
    """Rows per status, in the order of ``RowStatus``."""
    counts = outcome.counts()
    return {status.value: counts[status] for status in RowStatus if counts[status]}
