"""Write the result: every input row in input order with its outcome, plus Summary and Retry.

The workbook is written streaming (``xlsxwrite``) to a temporary file beside the target and
moved into place (``atomic``), so a failed write leaves an older result untouched. No cell
is ever a formula (see ``cellsafe``). CSV output is UTF-8 with a BOM so Excel shows accents.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from bulkcancel.output.atomic import write_atomically
from bulkcancel.output.xlsxwrite import write_workbook
from bulkcancel.results import ResultRow, RunSummary
from bulkcancel.sheet.cellsafe import guard_csv
from bulkcancel.sheet.headers import OUTCOME_COLUMNS, OUTCOME_HEADERS


def result_headers(input_headers: Sequence[str]) -> list[str]:
    """The Results sheet's header row; a sheet's own column named like ours gets "(sheet)" added."""
    own = [f"{name} (sheet)" if name in OUTCOME_COLUMNS else name for name in input_headers]
    return ["Row", *own, *OUTCOME_HEADERS]


def write_results(out: Path, headers: Sequence[str], rows: Sequence[ResultRow], summary: RunSummary) -> None:
    """Write the result as .xlsx (Results, Summary, Retry) or .csv (the Results table)."""
    if out.suffix.lower() == ".csv":
        write_atomically(out, lambda tmp: _write_csv(tmp, headers, rows))
        return

    write_atomically(out, lambda tmp: write_workbook(tmp, result_headers(headers), rows, summary))


def _csv_lines(headers: Sequence[str], rows: Sequence[ResultRow]) -> Iterator[list[str]]:
    yield [guard_csv(h) for h in result_headers(headers)]
    for row in rows:
        yield [guard_csv(v) for v in row.values()]


def _write_csv(tmp: Path, headers: Sequence[str], rows: Sequence[ResultRow]) -> None:
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(_csv_lines(headers, rows))
