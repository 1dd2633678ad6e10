"""Write the result: every input row in input order with its outcome, plus Summary and Retry.

The workbook is written streaming (``xlsxwrite``, ``workbook``) to a temporary file beside
the target and moved into place (``atomic``), so a failed write leaves an older result
untouched. No cell is ever a formula (see ``cellsafe``). In the workbook times are Excel
date cells in the run's time zone; the CSV keeps the exact ISO values. CSV output is UTF-8
with a BOM so Excel shows accents, with the input's delimiter (``;`` in, ``;`` out), so a
Dutch Excel shows columns, not one long line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from bulkcancel.output.atomic import write_atomically
from bulkcancel.output.normwords import counting_cell
from bulkcancel.output.workbook import write_workbook
from bulkcancel.results import ResultRow, RunSummary
from bulkcancel.sheet.cellsafe import guard_csv
from bulkcancel.sheet.headers import OUTCOME_COLUMNS, OUTCOME_HEADERS, ROW_HEADER


def result_headers(input_headers: Sequence[str], lang: str = "en") -> list[str]:
    """The Results sheet's header row; a sheet's own column named like ours gets "(sheet)" added."""
    own = [f"{name} (sheet)" if name in OUTCOME_COLUMNS else name for name in input_headers]
    return [ROW_HEADER.get(lang, "Row"), *own, *OUTCOME_HEADERS.get(lang, OUTCOME_HEADERS["en"])]


def _iso(value: datetime | None, zone: tzinfo) -> str:
    return value.astimezone(zone).isoformat(timespec="milliseconds") if value else ""


def row_texts(row: ResultRow, lang: str, zone: tzinfo) -> list[str]:
    """One result row as text: what the CSV and ``run_sheet``'s DataFrame hold (exact ISO times)."""
    return [
        str(row.sheet_row),
        *row.cells,
        row.status.value,
        row.detail,
        row.sent_as.value if row.sent_as else "",
        counting_cell(row.norm_counting, lang),
        _iso(row.time_given, zone),
        _iso(row.sent_at, zone),
        row.process_status_id,
    ]


def write_results(
    out: Path, headers: Sequence[str], rows: Sequence[ResultRow], summary: RunSummary, delimiter: str = ","
) -> None:
    """Write the result as .xlsx (Results, Summary, Retry) or .csv (the Results table)."""
    names = result_headers(headers, summary.lang)
    if out.suffix.lower() == ".csv":
        write_atomically(out, lambda tmp: _write_csv(tmp, names, rows, summary, delimiter))
        return
    write_atomically(out, lambda tmp: write_workbook(tmp, names, rows, summary))


def _csv_lines(names: Sequence[str], rows: Sequence[ResultRow], summary: RunSummary) -> Iterator[list[str]]:
    yield [guard_csv(h) for h in names]
    for row in rows:
        yield [guard_csv(v) for v in row_texts(row, summary.lang, summary.zone)]


def _write_csv(tmp: Path, names: Sequence[str], rows: Sequence[ResultRow], summary: RunSummary, delimiter: str) -> None:
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(_csv_lines(names, rows, summary))
