"""What the results step shows of a finished run: its rows filtered and searched, how it went, what next.

Pure: an ``Outcome`` in, values out; the template turns them into words. The filter is a
``RowStatus`` (never a label's text), the search a part of an OrderItemId.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bulkcancel.results import ResultRow
from bulkcancel.statuses import ExitCode, RowStatus, exit_code_for

PAGE_ROWS = 500  # rows of the results table per page

# How each status is marked on the page: an error to act on, a note (harmless), or fine.
ERRORS = frozenset({RowStatus.INVALID, RowStatus.FAILED})
NOTES = frozenset({RowStatus.DUPLICATE, RowStatus.NOT_SENT, RowStatus.UNKNOWN, RowStatus.ACCEPTED, RowStatus.DROPPED})


def level(status: RowStatus, detail: str = "") -> str:
    """``error``, ``note`` or ``ok``: the row's mark (shown as a word and a colour, never a colour alone)."""
    if status in ERRORS:
        return "error"
    if status in NOTES or detail:
        return "note"
    return "ok"


def parse_status(text: str) -> RowStatus | None:
    """The status a filter names (``?status=FAILED``); None for none or one that is not a status."""
    return RowStatus.__members__.get(text.strip().upper()) if text else None


def search_text(text: str) -> str:
    """What a search for an id looks for: its digits (spaces and dots a paste brings are ignored)."""
    return "".join(char for char in text if char.isdigit())[:18]


@dataclass(frozen=True)
class Shown:
    """One page of the results table: which rows, and where they sit among those that match."""

    rows: list[ResultRow]
    matching: int  # rows that match the filter and the search
    total: int
    page: int
    pages: int
    first: int  # 1-based position of the first row shown among the matching (0 when none)


def select(rows: Sequence[ResultRow], id_column: int, status: RowStatus | None, query: str, page: int = 1) -> Shown:
    """The rows with ``status`` (all when None) whose OrderItemId holds ``query``'s digits, page ``page``."""
    wanted = search_text(query)
    matching = [
        row
        for row in rows
        if (status is None or row.status is status)
        and (not wanted or (id_column < len(row.cells) and wanted in search_text(row.cells[id_column])))
    ]
    pages = max(1, -(-len(matching) // PAGE_ROWS))
    number = min(max(page, 1), pages)
    start = (number - 1) * PAGE_ROWS
    shown = matching[start : start + PAGE_ROWS]
    return Shown(shown, len(matching), len(rows), number, pages, start + 1 if shown else 0)


def to_retry(rows: Sequence[ResultRow]) -> int:
    """Rows the Retry sheet holds (those that need attention): 0 means no Retry is offered."""
    return sum(1 for row in rows if row.status.needs_attention)


def verdict(rows: Sequence[ResultRow]) -> ExitCode:
    """How the run went, as the exit code the command line would give it."""
    return exit_code_for([row.status for row in rows])


def counts(rows: Sequence[ResultRow]) -> dict[RowStatus, int]:
    """Rows per status, in the order of ``RowStatus``, only those present."""
    found = Counter(row.status for row in rows)
    return {status: found[status] for status in RowStatus if found[status]}
