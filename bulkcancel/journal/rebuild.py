"""The result workbook rebuilt from the journal alone, with zero requests (``bulkcancel report``).

Each run stores its record (``results.RunRecord``: target, zone, language, options, and at
its end the stop, the counts, the exit code) and every row when it starts (rows still to send
without a status) and again when it ends. The rebuilt result is the one the run wrote: the
same sheets, headers, cells and times in the run's zone. A run that was killed still has rows
without a status; their outcome is read from the item states the journal kept request by request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bulkcancel.errors import JournalError
from bulkcancel.i18n import Text, render
from bulkcancel.journal.records import ItemRecord, ItemState, RunRow
from bulkcancel.journal.store import Journal
from bulkcancel.norm.counting import stored_counting
from bulkcancel.reasons import ReasonCode
from bulkcancel.results import ResultRow, RunRecord
from bulkcancel.statuses import RowStatus

if TYPE_CHECKING:
    from bulkcancel.check.schema import RowCheck  # pandas and pandera: not needed to import

_FROM_ITEM = {
    ItemState.CANCELLED: (RowStatus.CANCELLED, ""),
    ItemState.ACCEPTED: (
        RowStatus.ACCEPTED,
        Text("accepted by bol; run the sheet again to learn the final status"),
    ),
    ItemState.FAILED: (RowStatus.FAILED, ""),
    ItemState.SENDING: (
        RowStatus.UNKNOWN,
        Text(
            "may already be cancelled: the run stopped while this row was being sent; run the sheet again to "
            "confirm (the journal makes sure it is not cancelled twice)"
        ),
    ),
    ItemState.UNSENT: (RowStatus.NOT_SENT, Text("not sent; run the sheet again")),
}


@dataclass(frozen=True)
class RebuiltRun:
    """A stored run: its record and its rows, as the result workbook shows them."""

    run: RunRecord
    rows: list[ResultRow]


def journal_rows(
    rows: Sequence[ResultRow], checks: Sequence[RowCheck], pending: set[int] | None = None
) -> list[RunRow]:
    """The stored rows of a run: final rows, or no status for rows still to be sent (``pending``: the
    indexes of their checks). A row without a check (DROPPED on the page: never sent) is stored as it is."""
    by_row = {check.sheet_row: check for check in checks}
    stored = []
    for index, row in enumerate(rows):
        check = by_row.get(row.sheet_row)
        if check is None and row.status is not RowStatus.DROPPED:
            raise ValueError(f"row {row.sheet_row} has no check")  # a bug: every other row was checked
        stored.append(
            RunRow(
                row_index=index,
                sheet_row=row.sheet_row,
                order_item_id=check.order_item_id if check else None,
                status=None if pending and check is not None and check.index in pending else row.status,
                detail=row.detail,
                process_status_id=row.process_status_id,
                sent_datetime=row.time_given.isoformat() if row.time_given else "",  # every digit: rebuilt exactly
                sent_at=row.sent_at.isoformat() if row.sent_at else "",
                cells=tuple(row.cells),
                sent_as=row.sent_as.value if row.sent_as else "",
                counting=row.counting.value if row.counting else "",
            )
        )
    return stored


def _settle(row: RunRow, record: ItemRecord | None, lang: str) -> RunRow:
    """A row the run had still to send, with what the journal learnt of its item (in the run's ``lang``)."""
    state = record.state if record else ItemState.UNSENT
    status, text = _FROM_ITEM[state]
    detail = (record.message or text) if record and state is ItemState.FAILED else render(text, lang)
    process_id = (record.process_status_id if record else None) or ""
    return replace(row, status=status, detail=detail, process_status_id=process_id)


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _reason(text: str) -> ReasonCode | None:
    try:
        return ReasonCode(text) if text else None
    except ValueError:
        return None


def rebuild(journal: Journal, run_id: str) -> RebuiltRun:
    """A stored run's record and rows; JournalError for an unknown run."""
    info = journal.run_info(run_id)
    if info is None:
        raise JournalError(Text("no run {run_id!r} in the journal {path}", run_id=run_id, path=journal.path))
    stored = journal.run_rows(run_id)
    unsettled = [r.order_item_id for r in stored if r.status is None and r.order_item_id]
    env = info.target.name.value if info.target else ""
    items = journal.items_of(env, info.account, unsettled)
    rows = []
    for row in stored:
        if row.status is None:
            row = _settle(row, items.get(row.order_item_id or ""), info.lang)
        assert row.status is not None
        rows.append(
            ResultRow(
                row.sheet_row,
                row.cells,
                row.status,
                row.detail,
                row.process_status_id,
                sent_as=_reason(row.sent_as),
                time_given=_moment(row.sent_datetime),
                sent_at=_moment(row.sent_at),
                counting=stored_counting(row.counting),
            )
        )
    return RebuiltRun(info, rows)
