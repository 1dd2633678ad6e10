"""Reading real .xlsx and .csv files: text cells, header discovery, aliases, and refusals."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from bulkcancel.errors import ColumnError, InputFileError
from bulkcancel.sheet.headers import map_columns, role_of
from bulkcancel.sheet.read import ReadLimits, read_sheet
from tests.conftest import bulkcancel, write_csv, write_xlsx

HEADER = ["OrderItemId", "ReasonCode", "DateTime", "Note"]


def test_xlsx_cells_are_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "in.xlsx",
        [
            HEADER,
            [2012345678, "OUT_OF_STOCK", datetime(2026, 11, 28, 10, 15), "int id and date cell"],
            [2012345679.0, "OTHER", None, 3.5],
            ["0012", "OTHER", "", True],
            [1.2345678901234567e16, "OTHER", None, None],
        ],
    )
    sheet = read_sheet(path)
    assert sheet.kind == "xlsx"
    assert sheet.rows[0] == [
        "2012345678",
        "OUT_OF_STOCK",
        "2026-11-28T10:15:00",
        "int id and date cell",
    ]
    assert sheet.rows[1] == ["2012345679", "OTHER", "", "3.5"]
    assert sheet.rows[2] == ["0012", "OTHER", "", "TRUE"]
    assert sheet.rows[3][0].endswith("E+16")  # kept visibly damaged, never rounded to digits
    assert sheet.row_numbers == [2, 3, 4, 5]


def test_header_below_title_rows_and_blank_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "in.xlsx",
        [
            ["Week 48 stock-outs"],
            [],
            ["Prepared by back office"],
            ["order item id", "reason", "date", "Warehouse"],
            ["2012345678", "OUT_OF_STOCK", "", "Tilburg"],
            [None, None, None, None],
            ["2012345679", "OTHER", "", "Venlo"],
            [],
            [],
        ],
    )
    sheet = read_sheet(path)
    assert sheet.headers == ["order item id", "reason", "date", "Warehouse"]
    assert sheet.row_numbers == [5, 7]
    assert sheet.rows[1] == ["2012345679", "OTHER", "", "Venlo"]


def test_sheet_with_the_header_is_picked_and_sheet_option(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["Read me first"])
    data = book.create_sheet("Data")
    data.append(HEADER)
    data.append(["2012345678", "OTHER", "", ""])
    other = book.create_sheet("Other")
    other.append(HEADER)
    other.append(["2099999999", "OTHER", "", ""])
    book.save(tmp_path / "multi.xlsx")
    with pytest.raises(InputFileError, match="sheets 'Data', 'Other' each hold a table of order items; choose one"):
        read_sheet(tmp_path / "multi.xlsx")  # neither is the active sheet: which one is meant is not known
    assert read_sheet(tmp_path / "multi.xlsx", "Other").rows[0][0] == "2099999999"
    book.active = 2
    book.save(tmp_path / "active.xlsx")
    chosen = read_sheet(tmp_path / "active.xlsx")
    assert chosen.sheet_name == "Other" and "also hold(s) a table" in chosen.notes[0]
    with pytest.raises(InputFileError, match="no sheet 'Nope'; the sheets are 'Notes', 'Data', 'Other'"):
        read_sheet(tmp_path / "multi.xlsx", "Nope")


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [
        (",", "utf-8"),
        (";", "utf-8"),
        ("\t", "utf-8"),
        (";", "utf-8-sig"),
        (";", "cp1252"),
        (",", "utf-16"),
    ],
)
def test_csv_delimiters_and_encodings(tmp_path: Path, delimiter: str, encoding: str) -> None:
    path = write_csv(
        tmp_path / "in.csv",
        [
            ["OrderItemId", "ReasonCode", "DateTime", "Opmerking"],
            ["2012345678", "OUT_OF_STOCK", "28-11-2026 10:15", "Crème brûlée, €12,95"],
            ["2012345679", "OTHER", "", 'quoted "text"\nwith a newline'],
        ],
        delimiter=delimiter,
        encoding=encoding,
    )
    sheet = read_sheet(path)
    assert sheet.headers[0] == "OrderItemId"  # no BOM left in the first header
    assert sheet.rows[0] == [
        "2012345678",
        "OUT_OF_STOCK",
        "28-11-2026 10:15",
        "Crème brûlée, €12,95",
    ]
    assert sheet.rows[1][3] == 'quoted "text"\nwith a newline'
    assert sheet.row_numbers == [2, 3]  # rows as Excel shows the file: the quoted line break is inside row 3
    assert sheet.notes == ["row 3 (lines 3-4 of the file) holds a quoted value with line breaks"]


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("OrderItemId", "OrderItemId"),
        ("order item id", "OrderItemId"),
        ("ORDER_ITEM_ID", "OrderItemId"),
        ("orderitem", "OrderItemId"),
        ("Orderregel-ID", "OrderItemId"),
        ("Bestelregelnummer", "OrderItemId"),
        ("ReasonCode", "ReasonCode"),
        ("reason", "ReasonCode"),
        ("Reden", "ReasonCode"),
        ("Reason_Code", "ReasonCode"),
        ("DateTime", "DateTime"),
        ("date", "DateTime"),
        ("Datum", "DateTime"),
        ("date time", "DateTime"),
        ("Note", None),
        ("Status ", None),
    ],
)
def test_header_aliases(header: str, role: str | None) -> None:
    assert role_of(header) == role


def test_missing_column_names_headers_and_closest(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", [["OrderItemId", "Reasn", "Note"], ["1", "OTHER", ""]])
    with pytest.raises(ColumnError) as caught:
        read_sheet(path)
    message = str(caught.value)
    assert "no ReasonCode column" in message
    assert "'OrderItemId', 'Reasn', 'Note'" in message
    assert "did you mean 'Reasn'?" in message


def test_two_id_columns_refused() -> None:
    with pytest.raises(ColumnError, match="'OrderItemId', 'order item id' both look like OrderItemId"):
        map_columns(["OrderItemId", "ReasonCode", "order item id"], "x.csv")


def test_outcome_columns_of_a_result_workbook_are_dropped(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            [
                "Row",
                "OrderItemId",
                "ReasonCode",
                "Note",
                "Status",
                "Detail",
                "ProcessStatusId",
                "SentDateTime",
                "SentAt",
            ],
            ["2", "2012345678", "OTHER", "n", "FAILED", "bol: no", "1", "x", "y"],
        ],
    )
    sheet = read_sheet(path)
    assert sheet.headers == ["OrderItemId", "ReasonCode", "Note"]
    assert sheet.rows == [["2012345678", "OTHER", "n"]]


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 50_000_000)
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (
            lambda p: (p.with_suffix(".csv").write_bytes(b"") and None) or p.with_suffix(".csv"),
            "empty",
        ),
        (
            lambda p: (
                p.with_suffix(".xlsx").write_text("OrderItemId,ReasonCode\n1,OTHER\n"),
                p.with_suffix(".xlsx"),
            )[1],
            "looks like a CSV file: rename it to .csv",
        ),
        (
            lambda p: (
                p.with_suffix(".xlsx").write_bytes(b"PK\x03\x04broken"),
                p.with_suffix(".xlsx"),
            )[1],
            "damaged or truncated",
        ),
        (
            lambda p: (
                p.with_suffix(".xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
                p.with_suffix(".xlsx"),
            )[1],
            "password-protected",
        ),
        (
            lambda p: (p.with_suffix(".xls").write_bytes(b"junk\x00\x01"), p.with_suffix(".xls"))[1],
            ".xls files are not read",
        ),
        (
            lambda p: (
                p.with_suffix(".dat").write_bytes(bytes(range(256)) * 10),
                p.with_suffix(".dat"),
            )[1],
            "neither an .xlsx workbook nor a CSV",
        ),
        (lambda p: _zip_bomb(p.with_suffix(".xlsx")), "compressed suspiciously well"),
        (
            lambda p: (
                p.with_suffix(".csv").write_text("OrderItemId,ReasonCode\n"),
                p.with_suffix(".csv"),
            )[1],
            "no order items below it",
        ),
        (
            lambda p: (p.with_suffix(".csv").write_text("a,b\n1,2\n"), p.with_suffix(".csv"))[1],
            "no OrderItemId column",
        ),
        (lambda p: p.with_suffix(".csv"), "no such file"),
        (lambda p: p.parent, "is a folder"),
    ],
    ids=[
        "empty",
        "csv-renamed-xlsx",
        "truncated-zip",
        "encrypted",
        "xls",
        "binary",
        "zip-bomb",
        "header-only",
        "headerless",
        "missing",
        "folder",
    ],
)
def test_files_that_are_not_sheets(tmp_path: Path, make: object, words: str) -> None:
    path = make(tmp_path / "input")  # type: ignore[operator]
    with pytest.raises(InputFileError) as caught:
        read_sheet(path)
    assert words in str(caught.value)
    assert str(path) in str(caught.value)


def test_size_caps_are_settings(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", [["OrderItemId", "ReasonCode"]] + [["1", "OTHER"]] * 20)
    with pytest.raises(InputFileError, match="more than 10 rows"):
        read_sheet(path, limits=ReadLimits(max_rows=10))
    with pytest.raises(InputFileError, match="larger than the limit"):
        read_sheet(path, limits=ReadLimits(max_file_bytes=50))


def _ods(path: Path, rows: list[list[str]]) -> Path:
    """A minimal OpenDocument spreadsheet, written by hand (no writer library needed)."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>' for value in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="Blad1">{cells}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def test_opendocument_sheets_are_read(tmp_path: Path) -> None:
    path = _ods(tmp_path / "export.ods", [["Orderregel", "Reden"], ["2012345678", "OUT_OF_STOCK"]])
    sheet = read_sheet(path)
    assert (sheet.kind, sheet.sheet_name, sheet.rows, sheet.row_numbers) == (
        "ods",
        "Blad1",
        [["2012345678", "OUT_OF_STOCK"]],
        [2],
    )


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "bulkcancel stockouts turns it"), ("nl", "bulkcancel stockouts maakt")]
)
def test_a_products_sheet_given_to_validate_points_to_stockouts(tmp_path: Path, lang: str, words: str) -> None:
    """A products sheet (EAN, units) is not an order sheet: the one line says which command reads it."""
    sheet = write_xlsx(tmp_path / "products.xlsx", [["EAN", "Units left"], ["8712345678906", "2"]])
    result = bulkcancel("validate", str(sheet), "--lang", lang)
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr
