"""The result workbook as .xlsx, written streaming with XlsxWriter.

Why XlsxWriter: in constant-memory mode it writes 100,000 result rows several times faster
than openpyxl's write-only mode (benchmarks/bench_sheets.py), and ``write_string`` never
turns text into a formula, a number or a link. Sheets: Results (every row), Summary, Retry
(the rows that need attention, in the same columns, ready to be fed back in).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter

from bulkcancel.cellsafe import clean_text
from bulkcancel.statuses import RowStatus

if TYPE_CHECKING:
    from bulkcancel.report import ResultRow, RunSummary

COLOURS = {
    RowStatus.CANCELLED: "#C6EFCE",
    RowStatus.ACCEPTED: "#DDEBF7",
    RowStatus.READY: "#E2EFDA",
    RowStatus.SKIPPED: "#EDEDED",
    RowStatus.DUPLICATE: "#FFF2CC",
    RowStatus.NOT_SENT: "#FCE4D6",
    RowStatus.FAILED: "#FFC7CE",
    RowStatus.INVALID: "#FFC7CE",
}
_OPTIONS = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}


def write_workbook(path: Path, names: Sequence[str], rows: Sequence[ResultRow], summary: RunSummary) -> None:
    """Write Results, Summary and Retry to ``path``."""
    book = xlsxwriter.Workbook(str(path), _OPTIONS)
    bold = book.add_format({"bold": True})
    fills = {status: book.add_format({"bg_color": colour}) for status, colour in COLOURS.items()}
    _rows_sheet(book, "Results", names, rows, bold, fills)
    _summary_sheet(book, rows, summary, bold, fills)
    _rows_sheet(book, "Retry", names, [row for row in rows if row.status.needs_attention], bold, fills)
    book.close()


def _rows_sheet(
    book: Any,
    title: str,
    names: Sequence[str],
    rows: Sequence[ResultRow],
    bold: Any,
    fills: dict[RowStatus, Any],
) -> None:
    sheet = book.add_worksheet(title)
    sample = [row.values() for row in rows[:500]]
    for col, name in enumerate(names):
        longest = max([len(name)] + [len(values[col]) for values in sample])
        sheet.set_column(col, col, min(max(longest + 2, 8), 60))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), len(names) - 1)
    for col, name in enumerate(names):
        sheet.write_string(0, col, clean_text(name), bold)
    status_col = len(names) - 5
    for number, row in enumerate(rows, start=1):
        for col, value in enumerate(row.values()):
            if value:
                sheet.write_string(
                    number, col, clean_text(value), fills[row.status] if col == status_col else None
                )


def _summary_sheet(
    book: Any, rows: Sequence[ResultRow], summary: RunSummary, bold: Any, fills: dict[RowStatus, Any]
) -> None:
    sheet = book.add_worksheet("Summary")
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 60)
    counts = Counter(row.status for row in rows)
    line = 0

    def put(*cells: object, fmt: Any = None) -> None:
        nonlocal line
        for col, cell in enumerate(cells):
            if isinstance(cell, int):
                sheet.write_number(line, col, cell)
            elif cell:
                sheet.write_string(line, col, clean_text(str(cell)), fmt if col == 0 else None)
        line += 1

    put("Status", "Rows", fmt=bold)
    for status in RowStatus:
        if counts[status]:
            put(status.value, counts[status], fmt=fills[status])
    put("Total", len(rows), fmt=bold)
    line += 1
    put("ReasonCode", "Rows sent or to send", fmt=bold)
    for reason, count in sorted(summary.reasons.items()):
        put(reason, count)
    line += 1
    put("Run", fmt=bold)
    for key, value in summary.parameters:
        put(key, value)
