"""The outcome of a run as values: one ResultRow per input row, and what the Summary says.

Every stage after validation speaks these: the pipeline builds them, the journal stores and
rebuilds them, the output writes them, the CLI and ``run_sheet`` show them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from bulkcancel.norm.counting import Counting, by_reason
from bulkcancel.norm.standing import NormEffect
from bulkcancel.reasons import ReasonCode
from bulkcancel.statuses import RowStatus


@dataclass(frozen=True)
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
        if self.sent_as is None or self.status not in _SENT_OR_TO_SEND:
            return None
        return self.counting or by_reason(self.sent_as)

    @property
    def counts_against_score(self) -> bool | None:
        """Whether this row's cancellation counts against bol's norm (None: none made, or not known)."""
        found = self.norm_counting
        return None if found is None else found.counts


SENT = frozenset({RowStatus.CANCELLED, RowStatus.ACCEPTED, RowStatus.UNKNOWN})  # a request went out and may stand
_SENT_OR_TO_SEND = SENT | {RowStatus.READY}


@dataclass(frozen=True)
class RunSummary:
    """What the Summary sheet says about the run, beyond the rows themselves."""

    parameters: Sequence[tuple[str, str]]
    reasons: Counter[str]  # rows sent (or, in a plan, to send) per reason code
    dry_run: bool = False  # NOT_SENT rows of a dry run need no attention: no Retry rows for them
    lang: str = "en"
    zone: tzinfo = UTC  # the run's --timezone: every time shown is in it
    duration: float | None = None  # seconds from the start of the run to the result
    retries: int = 0  # cancellation attempts beyond the first, over all rows
    rate_limit_waits: int = 0  # Retry-After pauses
    rate_limited: int = 0  # 429 answers
    stopped: str = ""  # why the run stopped early, in words (empty: it did not)
    norm: NormEffect | None = None  # the week's standing against bol's cancellation norm and this run's effect
