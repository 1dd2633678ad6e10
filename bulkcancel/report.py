"""Write the result: every input row in input order with its outcome, plus Summary and Retry.

The workbook is written streaming (openpyxl write-only) to a temporary file beside the
target and moved into place, so a failed write leaves an older result untouched. No cell
is ever a formula (see ``cellsafe``). CSV output is UTF-8 with a BOM so Excel shows accents.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bulkcancel.cellsafe import clean_text, guard_csv
from bulkcancel.errors import OutputError
from bulkcancel.statuses import RowStatus

OUTCOME_HEADERS = ("Status", "Detail", "ProcessStatusId", "SentDateTime", "SentAt")

COLOURS = {
    RowStatus.CANCELLED: "C6EFCE",
    RowStatus.ACCEPTED: "DDEBF7",
    RowStatus.READY: "E2EFDA",
    RowStatus.SKIPPED: "EDEDED",
    RowStatus.DUPLICATE: "FFF2CC",
    RowStatus.NOT_SENT: "FCE4D6",
    RowStatus.FAILED: "FFC7CE",
    RowStatus.INVALID: "FFC7CE",
}
_FILLS = {status: PatternFill("solid", start_color=rgb, end_color=rgb) for status, rgb in COLOURS.items()}
_BOLD = Font(bold=True)
_EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


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


def result_headers(input_headers: Sequence[str]) -> list[str]:
    """The Results sheet's header row."""
    return ["Row", *input_headers, *OUTCOME_HEADERS]


def _text_cell(sheet: WriteOnlyWorksheet, text: str, fill: PatternFill | None = None) -> object:
    text = clean_text(text)
    if fill is None and not text.startswith("=") and text not in _EXCEL_ERRORS:
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # text, never a formula or an error value
    if fill is not None:
        cell.fill = fill
    return cell


def _header(sheet: WriteOnlyWorksheet, names: Sequence[str]) -> list[object]:
    cells: list[object] = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=clean_text(name))
        cell.data_type = "s"
        cell.font = _BOLD
        cells.append(cell)
    return cells


def _widths(sheet: WriteOnlyWorksheet, headers: Sequence[str], rows: Sequence[ResultRow]) -> None:
    sample = rows[:500]
    for col, name in enumerate(headers):
        longest = max([len(name)] + [len(r.values()[col]) for r in sample]) if sample else len(name)
        dimension = sheet.column_dimensions[get_column_letter(col + 1)]  # type: ignore[attr-defined]
        dimension.width = min(max(longest + 2, 8), 60)


def _results_sheet(book: Workbook, title: str, headers: Sequence[str], rows: Sequence[ResultRow]) -> None:
    sheet = book.create_sheet(title)
    names = result_headers(headers)
    _widths(sheet, names, rows)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(rows) + 1}"
    sheet.append(_header(sheet, names))
    status_col = 1 + len(headers)
    for row in rows:
        sheet.append(
            [
                _text_cell(sheet, value, _FILLS[row.status] if i == status_col else None)
                for i, value in enumerate(row.values())
            ]
        )


def _summary_sheet(book: Workbook, rows: Sequence[ResultRow], summary: RunSummary) -> None:
    sheet = book.create_sheet("Summary")
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60
    counts = Counter(row.status for row in rows)
    sheet.append(_header(sheet, ["Status", "Rows"]))
    for status in RowStatus:
        if counts[status]:
            sheet.append([_text_cell(sheet, status.value, _FILLS[status]), counts[status]])
    sheet.append(["Total", len(rows)])
    sheet.append([])
    sheet.append(_header(sheet, ["ReasonCode", "Rows sent or to send"]))
    for reason, count in sorted(summary.reasons.items()):
        sheet.append([reason, count])
    sheet.append([])
    sheet.append(_header(sheet, ["Run", ""]))
    for key, value in summary.parameters:
        sheet.append([_text_cell(sheet, key), _text_cell(sheet, value)])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _replace(out: Path, write: object) -> None:
    """Write through ``write(tmp_path)`` to a temporary file, then move it over ``out``."""
    directory = out.parent if str(out.parent) else Path()
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
        os.close(handle)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write in {directory} ({exc.strerror})") from None
    tmp = Path(tmp_name)
    try:
        write(tmp)  # type: ignore[operator]
        tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{out}: cannot be written ({exc.strerror}); is it open in Excel?") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_results(out: Path, headers: Sequence[str], rows: Sequence[ResultRow], summary: RunSummary) -> None:
    """Write the result as .xlsx (Results, Summary, Retry) or .csv (the Results table)."""
    if out.suffix.lower() == ".csv":
        _replace(out, lambda tmp: _write_csv(tmp, headers, rows))
        return

    def write_xlsx(tmp: Path) -> None:
        book = Workbook(write_only=True)
        _results_sheet(book, "Results", headers, rows)
        _summary_sheet(book, rows, summary)
        # Rows to fix and run again; fed back in, the outcome columns are ignored.
        _results_sheet(book, "Retry", headers, [row for row in rows if row.status.needs_attention])
        book.save(tmp)

    _replace(out, write_xlsx)


def _csv_lines(headers: Sequence[str], rows: Sequence[ResultRow]) -> Iterator[list[str]]:
    yield [guard_csv(h) for h in result_headers(headers)]
    for row in rows:
        yield [guard_csv(v) for v in row.values()]


def _write_csv(tmp: Path, headers: Sequence[str], rows: Sequence[ResultRow]) -> None:
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(_csv_lines(headers, rows))
