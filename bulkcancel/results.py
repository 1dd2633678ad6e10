"""The outcome of a run as values: one ResultRow per input row, and what the Summary says.

Every stage after validation speaks these: the pipeline builds them, the journal stores and
rebuilds them, the output writes them, the CLI and ``run_sheet`` show them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bulkcancel.statuses import RowStatus


@dataclass(frozen=True)
class ResultRow:
    """One row of the result: where it was, what it held, and how it ended."""

    sheet_row: int
    cells: Sequence[str]
    status: RowStatus
    detail: str
    process_status_id: str = ""
    sent_datetime: str = ""
    sent_at: str = ""

    def values(self) -> list[str]:
        """Row number, original cells and outcome, as text."""
        return [
            str(self.sheet_row),
            *self.cells,
            self.status.value,
            self.detail,
            self.process_status_id,
            self.sent_datetime,
            self.sent_at,
        ]


@dataclass(frozen=True)
class RunSummary:
    """What the Summary sheet says about the run."""

    parameters: Sequence[tuple[str, str]]
    reasons: Counter[str]
    dry_run: bool = False  # NOT_SENT rows of a dry run need no attention: no Retry rows for them
