"""The result workbook rebuilt from the journal alone, with zero requests (``bulkcancel report``).

Each run stores every row when it starts (rows still to send as PENDING) and again when it
ends. A run that was killed has PENDING rows; their outcome is read from the item states
the journal kept request by request.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bulkcancel import journal as j
from bulkcancel.errors import JournalError
from bulkcancel.report import ResultRow, RunSummary
from bulkcancel.schema import RowCheck
from bulkcancel.statuses import RowStatus

PENDING = "PENDING"

_FROM_ITEM = {
    j.CANCELLED: (RowStatus.CANCELLED, ""),
    j.ACCEPTED: (
        RowStatus.ACCEPTED,
        "accepted by bol; run the sheet again to learn the final status",
    ),
    j.FAILED: (RowStatus.FAILED, ""),
    j.SENDING: (
        RowStatus.NOT_SENT,
        "the run stopped while this row was being sent; run the sheet "
        "again (the journal makes sure it is not cancelled twice)",
    ),
    j.UNSENT: (RowStatus.NOT_SENT, "not sent; run the sheet again"),
}


def journal_rows(
    rows: Sequence[ResultRow], checks: Sequence[RowCheck], pending: set[int] | None = None
) -> list[tuple[Any, ...]]:
    """The run_rows records for a run: final rows, or PENDING for rows still to be sent."""
    records = []
    for index, (row, check) in enumerate(zip(rows, checks, strict=True)):
        status = PENDING if pending and index in pending else row.status.value
        records.append(
            (
                index,
                row.sheet_row,
                check.order_item_id,
                status,
                row.detail,
                row.process_status_id,
                row.sent_datetime,
                row.sent_at,
                list(row.cells),
            )
        )
    return records


def rebuild(journal: j.Journal, run_id: str) -> tuple[dict[str, Any], list[str], list[ResultRow], RunSummary]:
    """(run info, headers, rows, summary) of a stored run; JournalError for an unknown run."""
    info = journal.run_info(run_id)
    if info is None:
        raise JournalError(f"no run {run_id!r} in the journal {journal.path}")
    stored = journal.run_rows(run_id)
    items = journal.items_of(info["env"], info["seller"], [r[2] for r in stored if r[3] == PENDING])
    rows = []
    for _index, sheet_row, item_id, status, detail, ps_id, sent_dt, sent_at, cells in stored:
        if status == PENDING:
            record = items.get(item_id)
            state = record.state if record else j.UNSENT
            row_status, text = _FROM_ITEM[state]
            detail = (record.message or text) if state == j.FAILED and record else text
            ps_id = (record.process_status_id if record else None) or ""
            status = row_status.value
        rows.append(
            ResultRow(
                sheet_row,
                cells,
                RowStatus(status),
                detail or "",
                ps_id or "",
                sent_dt or "",
                sent_at or "",
            )
        )
    params = [(str(k), str(v)) for k, v in json.loads(info["params"] or "{}").items()]
    params.append(("Rebuilt from the journal", str(journal.path)))
    summary = RunSummary(params, Counter())
    return info, json.loads(info["headers"] or "[]"), rows, summary


def default_report_path(info: dict[str, Any]) -> Path:
    """Where the run meant to write its result."""
    return Path(info["out_path"])
