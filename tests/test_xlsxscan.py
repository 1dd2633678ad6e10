"""What calamine does not tell about an .xlsx (``sheet/xlsxscan.py``), from real workbooks made
with openpyxl: hidden and active sheets, hidden rows and columns, error cells, formulas
never calculated, and how far the cells reach."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from bulkcancel.errors import InputFileError
from bulkcancel.sheet.xlsxscan import SheetScan, column_index, read_book, scan_sheet


def test_sheets_in_tab_order_with_hidden_ones_and_the_active_tab(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Orders"
    book.create_sheet("Old").sheet_state = "hidden"
    book.create_sheet("Secret").sheet_state = "veryHidden"
    book.create_sheet("Notes")
    book.active = 3
    path = tmp_path / "tabs.xlsx"
    book.save(path)
    scanned = read_book(path)
    assert [(s.name, s.hidden) for s in scanned.sheets] == [
        ("Orders", False),
        ("Old", True),
        ("Secret", True),
        ("Notes", False),
    ]
    assert scanned.active == 3
    with zipfile.ZipFile(path) as archive:
        assert all(s.part in archive.namelist() for s in scanned.sheets)


def scanned(tmp_path: Path, fill: Callable[[Worksheet], None]) -> SheetScan:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    fill(sheet)
    path = tmp_path / "scan.xlsx"
    book.save(path)
    return scan_sheet(path, read_book(path).sheets[0].part)


def test_hidden_rows_and_columns(tmp_path: Path) -> None:
    def fill(sheet: Worksheet) -> None:
        for row in range(1, 8):
            sheet.append([row, "x", "y", "z"])
        sheet.row_dimensions[3].hidden = True
        sheet.row_dimensions[6].hidden = True
        sheet.column_dimensions.group("B", "C", hidden=True)

    scan = scanned(tmp_path, fill)
    assert scan.hidden_rows == {3, 6} and scan.hidden_columns == 2


def test_error_cells_and_formulas_without_a_saved_value(tmp_path: Path) -> None:
    def fill(sheet: Worksheet) -> None:
        sheet.append(["OrderItemId", "ReasonCode"])
        sheet.append(["#REF!", "OUT_OF_STOCK"])
        sheet.append(["=A2+1", "#N/A"])

    scan = scanned(tmp_path, fill)
    assert scan.errors == {(2, 0): "#REF!", (3, 1): "#N/A"}
    assert scan.no_value == {(3, 0)}


def test_the_extent_counts_a_stray_cell_far_away(tmp_path: Path) -> None:
    def fill(sheet: Worksheet) -> None:
        sheet["B2"] = "OrderItemId"
        sheet["XFD1048576"] = "x"

    scan = scanned(tmp_path, fill)
    assert (scan.first, scan.last) == ((2, 1), (1048576, 16383))
    assert scan.cells_spanned() == 1048575 * 16383  # what calamine would allocate


def test_hidden_rows_past_the_first_chunk_are_found(tmp_path: Path) -> None:
    """The XML is scanned a megabyte at a time, cut at cell boundaries: nothing is lost at a cut."""
    hidden = set(range(100, 60000, 997))
    attribute = ' hidden="1"'
    rows = "".join(
        f'<row r="{n}"{attribute if n in hidden else ""}><c r="A{n}"><v>{2012340000 + n}</v></c>'
        f'<c r="B{n}" t="e"><v>#N/A</v></c></row>'
        for n in range(1, 60001)
    )
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w") as archive:  # only the worksheet part: it is all the scan reads
        archive.writestr("xl/worksheets/sheet1.xml", f"<worksheet><sheetData>{rows}</sheetData></worksheet>")
    scan = scan_sheet(path, "xl/worksheets/sheet1.xml")
    assert len(rows) > 3 << 20  # several chunks
    assert scan.hidden_rows == hidden and len(scan.errors) == 60000
    assert (scan.first, scan.last) == ((1, 0), (60000, 1))


@pytest.mark.parametrize(("letters", "index"), [(b"A", 0), (b"Z", 25), (b"AA", 26), (b"XFD", 16383)])
def test_column_letters(letters: bytes, index: int) -> None:
    assert column_index(letters) == index


def test_a_truncated_workbook_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["OrderItemId"])
    book.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError) as refused:
        read_book(path)
    assert "cut.xlsx" in str(refused.value) and "\n" not in str(refused.value)
