"""Sheets that damaged, tricky or hostile, read exactly or refused in one line (the trust issue, part 2)."""

from __future__ import annotations

import os
import sqlite3
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bulkcancel.errors import InputFileError
from bulkcancel.sheet.read import read_sheet
from tests.conftest import bulkcancel, read_results, write_csv, write_xlsx

HEADER = ["OrderItemId", "ReasonCode", "DateTime"]


def one_line_error(result: Any, words: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and words in lines[0], lines
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr


def test_a_hidden_sheet_is_never_read_when_the_active_one_holds_the_table(
    serve: Callable[..., Any], tmp_path: Path
) -> None:
    sim = serve()
    book = openpyxl.Workbook()
    old = book.active
    assert old is not None
    old.title = "oud"
    old.append(HEADER)
    old.append(["2012345000", "OUT_OF_STOCK", ""])
    old.sheet_state = "hidden"
    week = book.create_sheet("Deze week")
    week.append(HEADER)
    week.append(["2012345111", "OUT_OF_STOCK", ""])
    book.active = 1
    book.save(tmp_path / "w.xlsx")
    result = bulkcancel("run", str(tmp_path / "w.xlsx"), "--base-url", sim.url, "--quiet")
    assert result.returncode == 0, result.stderr
    assert sim.cancelled_ids() == ["2012345111"]  # last week's hidden item is left alone


def test_a_table_only_on_a_hidden_sheet_is_refused_unless_named(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.append(["Nothing here"])
    old = book.create_sheet("oud")
    old.append(HEADER)
    old.append(["2012345000", "OUT_OF_STOCK", ""])
    old.sheet_state = "hidden"
    book.save(tmp_path / "w.xlsx")
    with pytest.raises(InputFileError, match="the only table of order items is on hidden sheet 'oud'"):
        read_sheet(tmp_path / "w.xlsx")
    named = read_sheet(tmp_path / "w.xlsx", "oud")
    assert named.rows[0][0] == "2012345000" and "hidden in the workbook" in named.notes[0]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_second_header_row_stops_the_read(serve: Callable[..., Any], tmp_path: Path, kind: str) -> None:
    sim = serve()
    rows = [
        HEADER,
        ["2012345601", "OUT_OF_STOCK", ""],
        ["OrderId", "ReasonCode", "DateTime", "OrderItemId"],
        ["4123456701", "OUT_OF_STOCK", "", "2012345602"],
    ]
    sheet = write_csv(tmp_path / "w.csv", rows) if kind == "csv" else write_xlsx(tmp_path / "w.xlsx", rows)
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    one_line_error(result, "row 3 is a second header row (the first is row 1)")
    assert sim.cancelled_ids() == []  # neither table's ids, and never an OrderId


def test_a_number_cell_with_decimals_is_never_an_id(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = write_xlsx(
        tmp_path / "w.xlsx",
        [
            HEADER,
            [201.234, "OTHER", ""],
            [12.345, "OTHER", ""],
            ["2.012.345.678", "OTHER", ""],
            [2012345601, "OTHER", ""],
        ],
    )
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    rows = read_results(tmp_path / "w-results.xlsx")
    assert [r["Status"] for r in rows] == ["INVALID", "INVALID", "CANCELLED", "CANCELLED"]
    assert "201.234 is a number with decimals" in str(rows[0]["Detail"])
    assert sorted(sim.cancelled_ids()) == ["2012345601", "2012345678"]  # never 201234 or 12345
    assert result.returncode == 1


@pytest.mark.parametrize(
    ("text", "valid"),
    [("2.012.345.678", True), ("2,012,345,678", True), ("2 012 345 678", True), ("2.012,345.678", False)],
)
def test_thousands_separators_in_text_only_when_consistent(tmp_path: Path, text: str, valid: bool) -> None:
    from bulkcancel import validate_sheet

    frame = validate_sheet(write_csv(tmp_path / "w.csv", [HEADER, [text, "OTHER", ""]], delimiter=";"))
    assert frame["Status"][0] == ("READY" if valid else "INVALID")


def test_an_unclosed_quote_stops_the_read_where_it_opened(tmp_path: Path) -> None:
    sheet = tmp_path / "w.csv"
    sheet.write_text(
        'OrderItemId,ReasonCode,Note\n2012345601,OTHER,ok\n2012345602,OTHER,"quote never closed\n'
        "2012345603,OTHER,x\n2012345604,OTHER,y\n2012345605,OTHER,z\n"
    )
    one_line_error(bulkcancel("validate", str(sheet)), "line 3:")


def test_a_quoted_value_over_too_many_lines_is_refused(tmp_path: Path) -> None:
    sheet = tmp_path / "w.csv"
    rows = "".join(f"2012345{n:03d},OTHER,x\n" for n in range(30))
    sheet.write_text(f'OrderItemId,ReasonCode,Note\n2012345999,OTHER,"opened\n{rows}",closed\n')
    one_line_error(bulkcancel("validate", str(sheet)), "runs over")


def _with_error_cells(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for n, shown in enumerate(["#REF!", "#N/A", "#DIV/0!"]):
        sheet.append([f"201234560{n}", "OTHER", None])
        cell = sheet.cell(row=n + 2, column=3)
        cell.value, cell.data_type = shown, "e"
    sheet.append(["2012345609", "OTHER", "=NOW()-1"])  # openpyxl saves formulas without a value
    book.save(path)
    return path


def test_excel_error_cells_and_unsaved_formulas_are_invalid(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = _with_error_cells(tmp_path / "w.xlsx")
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    rows = read_results(tmp_path / "w-results.xlsx")
    assert [r["Status"] for r in rows] == ["INVALID"] * 4
    assert [str(r["Detail"]).split(":")[0] for r in rows[:3]] == [
        "DateTime shows the Excel error #REF!",
        "DateTime shows the Excel error #N/A",
        "DateTime shows the Excel error #DIV/0!",
    ]
    assert "open the file in Excel and save it" in str(rows[3]["Detail"])
    assert sim.cancelled_ids() == [] and result.returncode == 1


@pytest.mark.parametrize(
    ("when", "words"),
    [
        ("1850-01-01", "more than 730 days ago"),
        ("0001-01-01", "more than 730 days ago"),
        ("2026-11-30T10:00:00+15:00", "offset +15:00"),
        ("2026-11-30T10:00:00+01:00:30", "offset +01:00:30"),
    ],
)
def test_dates_bol_would_refuse_are_refused_offline(tmp_path: Path, when: str, words: str) -> None:
    from bulkcancel import validate_sheet

    frame = validate_sheet(write_csv(tmp_path / "w.csv", [HEADER, ["2012345601", "OTHER", when]]))
    assert frame["Status"][0] == "INVALID" and words in frame["Detail"][0]


def test_a_stray_cell_far_out_is_refused_before_calamine_allocates(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["2012345601", "OTHER", ""])
    sheet["XFD1048576"] = "x"
    book.save(tmp_path / "w.xlsx")
    assert (tmp_path / "w.xlsx").stat().st_size < 10_000
    one_line_error(bulkcancel("validate", str(tmp_path / "w.xlsx")), "cells as far out as XFD1048576")


def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "w.csv"
    os.mkfifo(fifo)
    one_line_error(bulkcancel("validate", str(fifo)), "is not a regular file")


def _central_entry(data: bytes, name: str) -> int:
    """Where the central-directory header of ``name`` starts."""
    end = data.rfind(b"PK\x05\x06")
    position = struct.unpack("<I", data[end + 16 : end + 20])[0]
    while data[position : position + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[position + 28 : position + 34])
        if data[position + 46 : position + 46 + name_len] == name.encode():
            return position
        position += 46 + name_len + extra_len + comment_len
    raise AssertionError(f"{name} not in the zip")


def _damage(good: Path, out: Path, how: str) -> Path:
    """A copy of ``good`` whose worksheet entry is damaged in one way."""
    member = "xl/worksheets/sheet1.xml"
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo(member)
    local, central = info.header_offset, _central_entry(bytes(data), member)
    name_len, extra_len = struct.unpack("<HH", data[local + 26 : local + 30])
    start = local + 30 + name_len + extra_len
    if how == "crc":  # the stored checksum does not match the data
        wrong = struct.pack("<I", (info.CRC + 1) & 0xFFFFFFFF)
        data[local + 14 : local + 18] = wrong
        data[central + 16 : central + 20] = wrong
    elif how == "deflate":  # the compressed stream is garbage half way
        middle = start + info.compress_size // 2
        data[middle : middle + 16] = b"\xff" * 16
    elif how == "sizes":  # the headers say the part unpacks to less than it does
        smaller = struct.pack("<I", info.file_size // 3)
        data[local + 22 : local + 26] = smaller
        data[central + 24 : central + 28] = smaller
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize("how", ["crc", "deflate", "sizes"])
def test_a_damaged_zip_is_one_line(tmp_path: Path, how: str) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER] + [[f"20123456{n:02d}", "OTHER", ""] for n in range(60)])
    bad = _damage(good, tmp_path / "bad.xlsx", how)
    result = bulkcancel("validate", str(bad))
    assert result.returncode == 2, result.stdout
    one_line_error(result, "bad.xlsx")


def test_utf16_with_an_odd_byte_count_is_one_line(tmp_path: Path) -> None:
    sheet = tmp_path / "w.csv"
    sheet.write_bytes("OrderItemId,ReasonCode\n2012345601,OTHER\n".encode("utf-16") + b"\x00")
    one_line_error(bulkcancel("validate", str(sheet)), "UTF-16 text that is cut off")


def test_a_file_name_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    name = os.fsdecode(b"week-\xff.csv")
    one_line_error(bulkcancel("validate", str(tmp_path / name)), "no such file")
    write_csv(tmp_path / name, [HEADER, ["2012345601", "OTHER", ""]])
    done = bulkcancel("validate", str(tmp_path / name))
    assert done.returncode == 0, done.stderr


def test_a_journal_of_another_program_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "notes.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes(text)")
    sheet = write_csv(tmp_path / "w.csv", [HEADER, ["2012345601", "OTHER", ""]])
    result = bulkcancel("run", str(sheet), "--journal", str(other), "--quiet")
    one_line_error(result, "is another program's database")
    with sqlite3.connect(other) as db:  # and it was left as it was
        assert [row[0] for row in db.execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_the_users_own_status_and_row_columns_are_kept(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = write_csv(
        tmp_path / "w.csv", [["Row", "OrderItemId", "ReasonCode", "Status"], ["7", "2012345601", "OTHER", "te doen"]]
    )
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    assert result.returncode == 0, result.stderr
    row = read_results(tmp_path / "w-results.xlsx")[0]
    assert (row["Row (sheet)"], row["Status (sheet)"], row["Status"]) == ("7", "te doen", "CANCELLED")


def test_formula_like_text_gets_the_quote_prefix(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = write_csv(
        tmp_path / "w.csv", [["OrderItemId", "ReasonCode", "Note"], ["2012345601", "OTHER", "=cmd|' /C calc'!A0"]]
    )
    bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    cell = openpyxl.load_workbook(tmp_path / "w-results.xlsx")["Results"]["D2"]
    assert cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s" and cell.quotePrefix


def test_credentials_in_the_base_url_are_refused_and_never_printed(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "w.csv", [HEADER, ["2012345601", "OTHER", ""]])
    result = bulkcancel("run", str(sheet), "--base-url", "https://user:s3cr3t-pass@plazaapi.bol.com", "--verbose")
    one_line_error(result, "holds a user name or password")
    assert "s3cr3t-pass" not in result.stdout + result.stderr
