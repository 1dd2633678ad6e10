"""Uploads and jobs: what the page checked, and the runs it started, one at a time per journal.

A job is ``pipeline.run`` in the runner's worker thread; the page only observes it (a
snapshot the run's progress hook keeps current), so closing or refreshing the tab changes
nothing. Jobs wait in line: the second upload's job says how many are ahead of it.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bulkcancel.errors import BulkCancelError
from bulkcancel.pipeline import Outcome, run
from bulkcancel.send.execute import Hooks
from bulkcancel.send.plan import Plan
from bulkcancel.send.sender import Progress
from bulkcancel.settings import Settings
from bulkcancel.statuses import RowStatus

log = logging.getLogger("bulkcancel.web")


def new_id() -> str:
    """A random id for an upload or a job (never a path from the request)."""
    return secrets.token_urlsafe(12)


@dataclass
class Upload:
    """One uploaded sheet and what the check said about it."""

    id: str
    name: str  # the name the user gave it (shown, never used as a path)
    path: Path
    sheet: str | None = None  # --sheet (the Retry sheet of a result run again)
    checked: Outcome | None = None
    error: str = ""
    plan: dict[str, Any] | None = None  # what the comparison with bol's open orders said
    columns: dict[str, str] = field(default_factory=dict)  # header -> role, picked on the page
    candidates: list[str] = field(default_factory=list)  # headers to pick from when detection failed


@dataclass
class Job:
    """One run started from the page."""

    id: str
    upload: Upload
    confirmed: int  # the number of cancellations the person confirmed
    out: Path
    seq: int = 0  # place in line
    state: str = "queued"  # queued, running, done, failed
    progress: Progress | None = None
    outcome: Outcome | None = None
    message: str = ""
    started: float | None = None
    ended: float | None = None
    stop_requested: bool = False
    _stop: Any = None  # the run's thread-safe stop function, once sending started
    version: int = 0  # grows with every change the page should see
    changed_at: float = 0.0  # time.time() of the last change (the page's event latency is measured from it)

    def touch(self) -> None:
        """Something the page shows changed."""
        self.version += 1
        self.changed_at = time.time()

    def snapshot(self, ahead: int) -> dict[str, Any]:
        """What the progress page shows, as JSON."""
        progress = self.progress
        done = progress.done if progress else 0
        total = progress.total if progress else 0
        elapsed = (self.ended or time.monotonic()) - self.started if self.started else 0.0
        rate = done / elapsed if elapsed > 0 and done else 0.0
        left = (total - done) / rate if rate and total > done else None
        counts = {s.value: n for s, n in (progress.ended.items() if progress else ())}
        if self.outcome is not None:
            counts = {s.value: n for s, n in self.outcome.counts().items()}
        return {
            "state": self.state,
            "ahead": ahead,
            "done": done,
            "total": total,
            "counts": counts,
            "requests": progress.requests if progress else 0,
            "rate_limit_waits": progress.rate_limit_waits if progress else 0,
            "rate": round(rate, 1),
            "seconds_left": round(left) if left is not None else None,
            "message": self.message,
            "stopping": self.stop_requested and self.state == "running",
            "exit_code": int(self.outcome.exit_code) if self.outcome else None,
            "run_id": self.outcome.run_id if self.outcome else None,
            "version": self.version,
            "changed_at": self.changed_at,
        }


@dataclass
class Runner:
    """Runs jobs one after the other in a worker thread (one journal, one run at a time)."""

    settings: Settings
    jobs: dict[str, Job] = field(default_factory=dict)
    _line: queue.Queue[Job | None] = field(default_factory=queue.Queue)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker thread."""
        self._thread = threading.Thread(target=self._work, name="bulkcancel-jobs", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 30.0) -> None:
        """Stop the running job (as Ctrl-C would) and the worker."""
        for job in list(self.jobs.values()):
            self.stop(job.id)
        self._line.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def submit(self, upload: Upload, confirmed: int, out: Path) -> Job:
        """Queue a run of ``upload``."""
        with self._lock:
            job = Job(new_id(), upload, confirmed, out, seq=len(self.jobs))
            self.jobs[job.id] = job
        self._line.put(job)
        return job

    def ahead_of(self, job: Job) -> int:
        """How many jobs run or wait before ``job``."""
        with self._lock:
            if job.state != "queued":
                return 0
            return sum(
                1 for other in self.jobs.values() if other.state in ("queued", "running") and other.seq < job.seq
            )

    def busy(self) -> bool:
        """Whether a job is running now (its journal run has no end yet, and is not interrupted)."""
        with self._lock:
            return any(job.state == "running" for job in self.jobs.values())

    def stop(self, job_id: str) -> bool:
        """Ask a job to stop sending (a queued job is dropped from the line)."""
        job = self.jobs.get(job_id)
        if job is None or job.state not in ("queued", "running"):
            return False
        job.stop_requested = True
        job.touch()
        if job._stop is not None:
            job._stop()
        return True

    def _work(self) -> None:
        while (job := self._line.get()) is not None:
            if job.stop_requested:
                job.state, job.message = "failed", "stopped before it started: nothing was sent"
                job.touch()
                continue
            self._run(job)

    def _run(self, job: Job) -> None:
        job.state, job.started = "running", time.monotonic()
        job.touch()

        def confirm(plan: Plan) -> bool:
            return plan.to_send <= job.confirmed  # never more than the person confirmed

        def on_progress(progress: Progress) -> None:
            job.progress = progress
            job.touch()

        def on_stoppable(stop: Any) -> None:
            job._stop = stop
            if job.stop_requested:
                stop()

        hooks = Hooks(
            confirm=confirm,
            canary_ok=lambda results: False,
            on_progress=on_progress,
            on_stoppable=on_stoppable,
        )
        settings = replace(
            self.settings,
            out=job.out,
            sheet=job.upload.sheet,
            force=True,
            columns=tuple(job.upload.columns.items()),
        )
        try:
            job.outcome = run(job.upload.path, settings, hooks)
            job.message = job.outcome.message
            job.state = "done"
        except BulkCancelError as exc:
            job.state, job.message = "failed", str(exc)
        except Exception as exc:  # a bug must show on the page, not kill the worker
            log.exception("job %s failed", job.id)
            job.state, job.message = "failed", f"the run failed ({type(exc).__name__}); the journal has every row sent"
        finally:
            job.ended = time.monotonic()
            job.touch()


def counts_of(outcome: Outcome) -> dict[str, int]:
    """Rows per status, in the order of ``RowStatus``."""
    counts = outcome.counts()
    return {status.value: counts[status] for status in RowStatus if counts[status]}
