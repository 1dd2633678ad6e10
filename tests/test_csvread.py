"""CSV files as text (``sheet/csvread.py``): the encodings Excel saves, the delimiter that splits
the header, and every record numbered as the person sees it, or one line saying which quote is open."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulkcancel.errors import InputFileError
from bulkcancel.sheet.csvread import MAX_FIELD_LINES, csv_rows, decode, delimiter_of

TEXT = "OrderItemId;ReasonCode;Opmerking\r\n2012345678;OUT_OF_STOCK;café\r\n"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "UTF-8 with BOM"),  # Excel's "CSV UTF-8"
        (TEXT.encode("utf-16"), "UTF-16"),  # Excel's "Unicode text", with its BOM
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "UTF-16"),
        (TEXT.encode("cp1252"), "Windows-1252"),  # Excel's plain "CSV" on Windows: é is one byte
    ],
)
def test_every_encoding_excel_saves_reads_the_same_text(raw: bytes, encoding: str) -> None:
    assert decode(Path("orders.csv"), raw) == (TEXT, encoding)


def test_cut_off_utf16_is_one_line_naming_the_file() -> None:
    with pytest.raises(InputFileError) as refused:
        decode(Path("orders.csv"), TEXT.encode("utf-16")[:-1])
    assert "orders.csv" in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("OrderItemId;ReasonCode\n2012345678;OUT_OF_STOCK\n", ";"),  # Dutch Excel
        ("OrderItemId,ReasonCode\n2012345678,OUT_OF_STOCK\n", ","),
        ("OrderItemId\tReasonCode\n2012345678\tOUT_OF_STOCK\n", "\t"),
        ("Export van 1,5 dagen\n\nOrderItemId;ReasonCode\n1;OTHER\n", ";"),  # the header below a title line
        # a title line full of commas above the table: the delimiter that splits the header wins
        ("Export, bol.com, week 48, 2026\nOrderItemId;ReasonCode;Note\n1;OTHER;a, b\n", ";"),
    ],
)
def test_the_delimiter_is_the_one_that_splits_the_header(text: str, delimiter: str) -> None:
    assert delimiter_of(text) == delimiter


@pytest.mark.parametrize(("text", "delimiter"), [("a;b;c\n1;2;3\n", ";"), ("a,b\n1,2\n", ","), ("", ",")])
def test_without_a_header_the_most_likely_delimiter(text: str, delimiter: str) -> None:
    assert delimiter_of(text) == delimiter


def rows_of(tmp_path: Path, text: str) -> tuple[list[tuple[int, list[str]]], list[str]]:
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8", newline="")
    notes: list[str] = []
    _, rows = csv_rows(path, notes)
    return list(rows), notes


def test_a_value_with_line_breaks_is_one_row_and_said(tmp_path: Path) -> None:
    rows, notes = rows_of(tmp_path, 'OrderItemId;ReasonCode;Note\n1;OTHER;"two\nlines"\n2;OTHER;x\n')
    assert rows == [
        (1, ["OrderItemId", "ReasonCode", "Note"]),
        (2, ["1", "OTHER", "two\nlines"]),
        (3, ["2", "OTHER", "x"]),
    ]
    assert len(notes) == 1 and "lines 2-3" in str(notes[0])


def test_formula_guards_written_by_bulkcancel_are_undone(tmp_path: Path) -> None:
    rows, _ = rows_of(tmp_path, "OrderItemId;ReasonCode;Note\n1;OTHER;'=SUM(A1)\n2;OTHER;'plain\n")
    assert [cells[2] for _, cells in rows[1:]] == ["=SUM(A1)", "'plain"]


def test_a_quote_left_open_names_the_line_where_it_opened(tmp_path: Path) -> None:
    body = "".join(f"{n};OTHER;x\n" for n in range(MAX_FIELD_LINES + 5))
    with pytest.raises(InputFileError) as refused:
        rows_of(tmp_path, f'OrderItemId;ReasonCode;Note\n1;OTHER;"never closed\n{body}')
    message = str(refused.value)
    assert "orders.csv: line 2:" in message and "\n" not in message


def test_a_quote_inside_a_value_is_refused_not_guessed(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as refused:
        rows_of(tmp_path, 'OrderItemId;ReasonCode\n1;"OUT"_OF_STOCK\n')
    assert "line 2" in str(refused.value)
