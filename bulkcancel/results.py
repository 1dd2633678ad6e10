"""The outcome of a run as values: one ResultRow per input row, the run's record, the Summary.

Every stage after validation speaks these: the pipeline builds them, the journal stores and
rebuilds them, the output writes them, the CLI and ``run_sheet`` show them. A ``RunRecord`` is
everything the result says about a run beyond its rows (where it went, in which language and
time zone, with which options, why it stopped, how it ended), as typed fields: the journal keeps
it as columns, and a result rebuilt from it is the result that was written. Nothing here is
words: ``output/``, ``cli/`` and ``web/`` make them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from operator import attrgetter
from pathlib import PurePath
from zoneinfo import ZoneInfo

from bulkcancel.backend import NotBol
from bulkcancel.norm.counting import Counting, by_reason
from bulkcancel.norm.standing import NormEffect
from bulkcancel.reasons import ReasonCode
from bulkcancel.statuses import ExitCode, RowStatus
from bulkcancel.targets import Target


@dataclass(frozen=True, slots=True)  # one per row: no __dict__ (benchmarks/bench_sheets.py, peak memory)
class ResultRow:
    """One row of the result: where it was, what it held, and how it ended."""

    sheet_row: int
    cells: Sequence[str]
    status: RowStatus
    detail: str
    process_status_id: str = ""
    sent_as: ReasonCode | None = None  # the code sent (or, for READY, to be sent), whatever the sheet wrote
    time_given: datetime | None = None  # the DateTime given to bol with the cancellation
    sent_at: datetime | None = None  # when the request went out
    counting: Counting | None = None  # how it stands against bol's norm (None: from the reason alone)

    @property
    def norm_counting(self) -> Counting | None:
        """How this row's cancellation stands against bol's cancellation norm (None: none made)."""
        return norm_counting_of(self.status, self.sent_as, self.counting)

    @property
    def counts_against_score(self) -> bool | None:
        """Whether this row's cancellation counts against bol's norm (None: none made, or not known)."""
        found = self.norm_counting
        return None if found is None else found.counts


@dataclass(frozen=True)
class DroppedRow:
    """A row the person removed on the upload page before the check and the run: its row number and
    its cells as uploaded. It is not in the corrected sheet (nothing of it is sent), yet it is a row
    of the result, DROPPED, so the result still has every input row in input order."""

    sheet_row: int
    cells: tuple[str, ...]


SENT = frozenset({RowStatus.CANCELLED, RowStatus.ACCEPTED, RowStatus.UNKNOWN})  # a request went out and may stand
_SENT_OR_TO_SEND = SENT | {RowStatus.READY}


def norm_counting_of(status: RowStatus, sent_as: ReasonCode | None, counting: Counting | None) -> Counting | None:
    """How a row's cancellation stands against bol's norm, from its status, the code sent and what
    is known of it (None: none made); ``ResultRow.norm_counting``, for rows counted by these three."""
    if sent_as is None or status not in _SENT_OR_TO_SEND:
        return None
    return counting or by_reason(sent_as)


def norm_kinds(rows: Iterable[ResultRow]) -> Counter[tuple[RowStatus, ReasonCode | None, Counting | None]]:
    """How many rows have each (status, code sent, counting): what their standing against the norm
    follows from, counted without a call per row (a result has 100,000 rows)."""
    rows = list(rows)
    return Counter(zip(map(_status, rows), map(_sent_as, rows), map(_counting, rows), strict=True))


_status, _sent_as, _counting = attrgetter("status"), attrgetter("sent_as"), attrgetter("counting")


class StopReason(StrEnum):
    """Why sending stopped early (the journal keeps the value)."""

    RATE_LIMIT = "rate-limit"  # 409/41501: nothing more may go out today
    AUTH = "auth"  # 401: bol refused the keys
    UNREACHABLE = "unreachable"  # requests could not leave the machine
    NOT_BOL = "not-bol"  # a server that is not bol answered (a proxy's login page, an empty 200)
    JOURNAL = "journal"  # the journal could not be written (a full disk): nothing more may leave
    INTERRUPT = "interrupt"  # Ctrl-C, SIGTERM or the page's Stop button
    CANARY = "canary"  # the canary rows were not confirmed
    WAIT = "wait"  # bol's rate limit allows the next request only after ``backend.LONGEST_WAIT``


@dataclass(frozen=True)
class Stop:
    """Why a run stopped early, with what is known about it (words are made at the edges)."""

    reason: StopReason
    detail: str = ""  # AUTH: bol's refusal; UNREACHABLE, JOURNAL: the error, as it was raised; WAIT: the seconds
    times: int = 0  # UNREACHABLE: requests in a row that could not leave; NOT_BOL: 1 (0: found before the first)
    answer: NotBol | None = None  # NOT_BOL: what answered instead of bol (``detail``: where)


@dataclass(frozen=True)
class RunOptions:
    """The options of a run that its result reports or that change what it did."""

    dry_run: bool = False
    check: bool = False  # compared with bol's open orders first
    allow_reason_mismatch: bool = False
    follow: bool = True
    concurrency: int = 8
    canary: int = 0
    daily_budget: int = 5000
    sheet: str | None = None  # the worksheet chosen with --sheet


@dataclass(frozen=True)
class RunCounts:
    """How hard a run had to try (known once it ended)."""

    duration: float | None = None  # seconds from the start of the run to the result
    retries: int = 0  # cancellation attempts beyond the first, over all rows
    rate_limit_waits: int = 0  # Retry-After pauses
    rate_limited: int = 0  # 429 answers


@dataclass(frozen=True)
class RunRecord:
    """A run as its result describes it and the journal keeps it.

    ``target`` is None for a validation (nothing was to be sent); ``run_id`` is empty for a
    run the journal does not keep (a validation, a dry run). A journal from before the run
    record (schema 3) did not keep the options, the counts or the stop: they are None there.
    """

    run_id: str
    started_at: datetime  # timezone-aware
    target: Target | None
    timezone: str  # the run's --timezone: every time shown is in it
    lang: str  # the language of its result: "en" or "nl"
    input_path: str  # where the sheet was read (the journal's "run again" reads it there)
    input_name: str = ""  # the sheet as the Summary names it (the page: the uploaded file's name)
    account: str = ""  # the journal's key for the credentials (never a secret)
    input_sha256: str = ""
    out_path: str = ""
    headers: tuple[str, ...] = ()
    delimiter: str = ","  # the CSV sheet's own, which a CSV result keeps
    options: RunOptions | None = RunOptions()
    tool_version: str = ""
    stop: Stop | None = None
    counts: RunCounts | None = None
    norm: NormEffect | None = None  # the week's standing against bol's cancellation norm and this run's effect
    finished_at: datetime | None = None
    exit_code: ExitCode | None = None  # None: still running, or killed before it ended

    @property
    def zone(self) -> ZoneInfo:
        """The run's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def file_name(self) -> str:
        """The sheet's file name, without its folder."""
        return PurePath(self.input_name or self.input_path).name

    @property
    def dry_run(self) -> bool:
        """Whether nothing was meant to be sent."""
        return self.target is None or (self.options is not None and self.options.dry_run)


@dataclass(frozen=True)
class RunSummary:
    """What the Summary sheet says about the run, beyond the rows themselves."""

    run: RunRecord
    reasons: Counter[str]  # rows sent (or, in a plan, to send) per reason code
    norm: NormEffect | None = None  # the week's standing against bol's cancellation norm and the run's effect

    @property
    def lang(self) -> str:
        """The language of the result."""
        return self.run.lang

    @property
    def zone(self) -> ZoneInfo:
        """The run's time zone: every time shown is in it."""
        return self.run.zone

    @property
    def dry_run(self) -> bool:
        """NOT_SENT rows of a dry run need no attention: no Retry rows for them."""
        return self.run.dry_run


def summarize(run: RunRecord, rows: Sequence[ResultRow]) -> RunSummary:
    """The Summary of ``run``: its record (with the week's standing against the norm, which the
    journal keeps too) and the rows sent per reason code (a plan: to be sent)."""
    counted = {RowStatus.READY} if run.dry_run else SENT
    reasons: Counter[str] = Counter()
    for (status, sent_as, _), n in norm_kinds(rows).items():
        if sent_as and status in counted:
            reasons[sent_as.value] += n
    return RunSummary(run, reasons, run.norm)
