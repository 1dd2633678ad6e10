"""The corrected sheet as a workbook: what runs after rows were fixed on the page.

Each row goes to its own row number (the header just above the first row, within the rows
a header is looked for), so the rows the check, the run and the result name are the rows
the person saw in the upload. Cells are text, never formulas; a cell the reader flagged
and nobody edited is written as it came (an Excel error stays that error, a formula
without a saved result stays one, a number with decimals stays that number), so reading
the corrected workbook refuses it exactly as the upload was refused. Written beside and
moved into place (``atomic``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bulkcancel.output.atomic import write_atomically
from bulkcancel.sheet.cells import CellFlag
from bulkcancel.sheet.cellsafe import clean_text
from bulkcancel.sheet.headers import HEADER_SEARCH_ROWS
from bulkcancel.sheet.read import Sheet

if TYPE_CHECKING:  # openpyxl only when the workbook is written (tests/test_imports.py)
    from collections.abc import Callable

    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

_NO_VALUE_FORMULA = "=NA()"  # a formula with no saved result, as the upload's was


def _text(new: Callable[..., Cell], sheet: WriteOnlyWorksheet, value: str) -> Cell:
    cell = new(sheet, value=clean_text(value))
    cell.data_type = "s"  # text, even when it starts like a formula
    return cell


def _flagged(new: Callable[..., Cell], sheet: WriteOnlyWorksheet, flag: CellFlag, text: str) -> Cell:
    if flag.kind == "error":
        cell = new(sheet, value=flag.shown or text or "#N/A")
        cell.data_type = "e"
        return cell
    if flag.kind == "no_value":
        return new(sheet, value=_NO_VALUE_FORMULA)
    return new(sheet, value=float(flag.shown))


def write_corrected(sheet: Sheet, path: Path) -> Path:
    """Write ``sheet`` (its headers and rows, at their row numbers) to the workbook ``path``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    out: WriteOnlyWorksheet = book.create_sheet(sheet.sheet_name or "Sheet1")
    first = sheet.row_numbers[0] if sheet.row_numbers else 2
    header_row = max(1, min(first - 1, HEADER_SEARCH_ROWS))
    line = 1
    for _ in range(header_row - 1):
        out.append([])
        line += 1
    out.append([_text(WriteOnlyCell, out, header) for header in sheet.headers])
    line += 1
    for index, (number, cells) in enumerate(zip(sheet.row_numbers, sheet.rows, strict=True)):
        while line < number:
            out.append([])
            line += 1
        out.append(
            [
                _flagged(WriteOnlyCell, out, flag, text)
                if (flag := sheet.flags.get((index, column)))
                else _text(WriteOnlyCell, out, text)
                for column, text in enumerate(cells)
            ]
        )
        line += 1
    write_atomically(path, book.save)
    return path
