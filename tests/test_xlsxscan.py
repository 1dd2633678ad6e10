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


def _spelled(tmp_path: Path, name: str, quote: str, eq: str, prefix: str) -> SheetScan:
    """One worksheet (hidden rows 3 and 5, hidden columns C:D, an error cell, a formula never
    calculated, a stray cell at Z900) in one of the spellings XML allows."""

    def tag(element: str, attributes: str, body: str | None = None) -> str:
        spelled = attributes.replace('="', eq + quote).replace('"', quote)
        opened = f"<{prefix}{element} {spelled}"
        return f"{opened}/>" if body is None else f"{opened}>{body}</{prefix}{element}>"

    rows = []
    for n in range(1, 7):
        cells = tag("c", f'r="A{n}"', f"<{prefix}v>{2012340000 + n}</{prefix}v>")
        if n == 2:
            cells += tag("c", 'r="B2" t="e"', f"<{prefix}v>#REF!</{prefix}v>")
        if n == 4:
            cells += tag("c", 'r="B4"', f"<{prefix}f>A4+1</{prefix}f>")
        rows.append(tag("row", f'r="{n}"' + (' hidden="1"' if n in (3, 5) else ""), cells))
    rows.append(tag("row", 'r="900"', tag("c", 'r="Z900"', f"<{prefix}v>1</{prefix}v>")))
    columns = tag("cols", "", tag("col", 'min="3" max="4" hidden="true"'))
    xmlns = f' xmlns:{prefix[:-1]}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"' if prefix else ""
    part = (
        f"<{prefix}worksheet{xmlns}>{columns}<{prefix}sheetData>{''.join(rows)}</{prefix}sheetData></{prefix}worksheet>"
    )
    path = tmp_path / f"{name}.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", part)
    return scan_sheet(path, "xl/worksheets/sheet1.xml")


@pytest.mark.parametrize(
    ("quote", "eq", "prefix"),
    [('"', "=", ""), ("'", "=", ""), ('"', " = ", ""), ("'", "\n=\t", ""), ('"', "=", "x:"), ("'", " =", "s:")],
    ids=["excel", "single-quotes", "blanks", "single-and-blanks", "prefixed", "all-of-them"],
)
def test_every_spelling_xml_allows_is_scanned_alike(tmp_path: Path, quote: str, eq: str, prefix: str) -> None:
    """A row hidden with hidden='1' (or x:row, or hidden = "1") is as hidden as Excel's spelling:
    the class of hostile sheet that would otherwise pass a hidden row, an error or a far cell unseen."""
    scan = _spelled(tmp_path, "spelled", quote, eq, prefix)
    assert scan.hidden_rows == {3, 5} and scan.hidden_columns == 2
    assert scan.errors == {(2, 1): "#REF!"} and scan.no_value == {(4, 1)}
    assert (scan.first, scan.last) == ((1, 0), (900, 25))


def test_a_reference_in_a_cells_attributes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "refs.xlsx"
    part = '<worksheet><sheetData><row r="1" hidden="&#49;"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", part)
    with pytest.raises(InputFileError) as refused:
        scan_sheet(path, "xl/worksheets/sheet1.xml")
    assert "refs.xlsx" in str(refused.value) and "character references" in str(refused.value)


@pytest.mark.parametrize(
    "far",
    ['<c r="Z0001048576">', '<c r="z1048576">', '<c\tr="Z1048576">', '<c\nr = "Z1048576">'],
    ids=["leading-zeros", "lower-case", "tab", "line-break"],
)
def test_a_far_cell_in_any_spelling_calamine_reads_is_in_the_extent(tmp_path: Path, far: str) -> None:
    path = tmp_path / "far.xlsx"
    part = f'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">{far}<v>1</v></c></row></sheetData></worksheet>'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", part)
    scan = scan_sheet(path, "xl/worksheets/sheet1.xml")
    assert (scan.first, scan.last) == ((1, 0), (1048576, 25))


def test_an_attribute_that_only_ends_in_r_is_not_a_cell(tmp_path: Path) -> None:
    path = tmp_path / "validation.xlsx"
    part = (
        '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
        '<dataValidations><dataValidation error="XFD1" sqref="A1"/></dataValidations></worksheet>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", part)
    scan = scan_sheet(path, "xl/worksheets/sheet1.xml")
    assert (scan.first, scan.last) == ((1, 0), (1, 0))


@pytest.mark.parametrize(
    ("cell", "no_value"),
    [
        ('<c r="B2" t="str"><f>IF(A2="","","x")</f><v></v></c>', False),  # Excel, LibreOffice: a saved ""
        ('<c r="B2" s="1" t=\'str\'><f>IF(A2="","","x")</f><v/></c>', False),
        ('<c r="B2"><f>A2+1</f><v></v></c>', True),  # openpyxl: never calculated
        ('<c r="B2" t="str"><f>A2&amp;"x"</f></c>', True),  # no <v> at all
    ],
    ids=["excel-empty-string", "single-quoted", "openpyxl-uncalculated", "no-value-element"],
)
def test_a_formula_whose_saved_result_is_the_empty_string_has_a_value(
    tmp_path: Path, cell: str, no_value: bool
) -> None:
    path = tmp_path / "formulas.xlsx"
    part = f'<worksheet><sheetData><row r="2"><c r="A2"><v>1</v></c>{cell}</row></sheetData></worksheet>'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", part)
    scan = scan_sheet(path, "xl/worksheets/sheet1.xml")
    assert scan.no_value == ({(2, 1)} if no_value else set())
