"""Rows fixed on the page (check/edits.py, output/corrected.py): the corrected sheet, checked again.

Real workbooks and CSVs in tmp_path, read with the real reader; the corrected workbook
written and read back, so what is asserted is what a run of it would see.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bulkcancel.check.edits import EditError, Field, RowEdit, apply_edits, merge
from bulkcancel.check.schema import validate_sheet_rows
from bulkcancel.output.corrected import write_corrected
from bulkcancel.sheet.read import ReadLimits, Sheet, read_sheet
from bulkcancel.statuses import RowStatus
from tests.conftest import write_csv

ZONE = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HEADER = ["OrderItemId", "ReasonCode", "DateTime", "Note"]


def read(path: Path) -> Sheet:
    return read_sheet(path, None, ReadLimits(), {})


def statuses(sheet: Sheet) -> dict[int, RowStatus]:
    return {check.sheet_row: check.status for check in validate_sheet_rows(sheet, ZONE, NOW)}


def round_trip(sheet: Sheet, tmp_path: Path) -> Sheet:
    """The corrected sheet as a run reads it: written, then read back from the file."""
    return read(write_corrected(sheet, tmp_path / "_corrected.xlsx"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def upload(tmp_path: Path) -> Path:
    """A CSV with a title row, a blank row and three invalid rows among good ones."""
    return write_csv(
        tmp_path / "week.csv",
        [
            ["Cancellations week 48"],
            [],
            HEADER,
            ["2012345601", "OUT_OF_STOCK", "30-11-2026 09:00", "=1+1"],
            ["20123456O2", "OUT_OF_STOCK", "30-11-2026 09:00", "letter O"],
            [],
            ["2012345603", "OUT_OF_STOK", "30-11-2026 09:00", "typo"],
            ["2012345604", "OUT_OF_STOCK", "31-13-2026 09:00", "bad date"],
            ["2012345605", "OUT_OF_STOCK", "", "fine"],
        ],
    )


def test_two_fixes_and_a_drop_make_a_sheet_that_checks_ready_with_the_same_row_numbers(
    upload: Path, tmp_path: Path
) -> None:
    before = digest(upload)
    sheet = read(upload)
    assert statuses(sheet) == {4: "READY", 5: "INVALID", 7: "INVALID", 8: "INVALID", 9: "READY"}
    edits = [
        RowEdit(5, {Field.ORDER_ITEM_ID: " 2012345602 "}),
        RowEdit(7, {Field.REASON: "OUT_OF_STOCK"}),
        RowEdit(8, drop=True),
    ]
    edited = apply_edits(sheet, edits, "en")
    assert edited.dropped == (8,)
    assert edited.changed_rows == {5, 7}
    corrected = round_trip(edited.sheet, tmp_path)
    assert statuses(corrected) == {4: "READY", 5: "READY", 7: "READY", 9: "READY"}
    assert corrected.headers == [*HEADER, "Changed on the page"]
    by_row = dict(zip(corrected.row_numbers, corrected.rows, strict=True))
    assert by_row[5][:2] == ["2012345602", "OUT_OF_STOCK"]
    assert by_row[5][4] == "changed on the page: OrderItemId '20123456O2' to '2012345602'"
    assert by_row[7][4] == "changed on the page: ReasonCode 'OUT_OF_STOK' to 'OUT_OF_STOCK'"
    assert by_row[4] == ["2012345601", "OUT_OF_STOCK", "30-11-2026 09:00", "=1+1", ""]  # text stays text
    assert digest(upload) == before  # the upload is never changed
    assert statuses(sheet)[5] is RowStatus.INVALID  # nor is the sheet read from it


def test_edits_add_up_and_a_later_value_replaces_an_earlier_one() -> None:
    edits = merge({}, RowEdit(5, {Field.ORDER_ITEM_ID: "1"}))
    edits = merge(edits, RowEdit(5, {Field.REASON: "OTHER"}))
    edits = merge(edits, RowEdit(5, {Field.ORDER_ITEM_ID: "2012345602"}))
    assert edits[5] == RowEdit(5, {Field.ORDER_ITEM_ID: "2012345602", Field.REASON: "OTHER"})
    assert merge(edits, RowEdit(5, drop=True))[5].drop


def test_a_fix_that_is_still_wrong_stays_invalid_with_its_reason(upload: Path, tmp_path: Path) -> None:
    edited = apply_edits(read(upload), [RowEdit(8, {Field.DATETIME: "32-11-2026 09:00"})], "en")
    checks = {c.sheet_row: c for c in validate_sheet_rows(round_trip(edited.sheet, tmp_path), ZONE, NOW)}
    assert checks[8].status is RowStatus.INVALID
    assert "32-11-2026" in checks[8].detail


def test_an_unchanged_value_is_no_change(upload: Path) -> None:
    edited = apply_edits(read(upload), [RowEdit(4, {Field.ORDER_ITEM_ID: "2012345601"})], "en")
    assert edited.changes == ()
    assert edited.sheet.rows[0][4] == ""


def test_a_row_the_sheet_lacks_or_a_value_on_two_lines_is_refused(upload: Path) -> None:
    with pytest.raises(EditError, match="row 6 is not a row"):
        apply_edits(read(upload), [RowEdit(6, drop=True)], "en")  # the blank row
    with pytest.raises(EditError, match="one line"):
        apply_edits(read(upload), [RowEdit(5, {Field.ORDER_ITEM_ID: "2012345602\n2012345699"})], "en")


def test_a_dutch_sheet_says_what_changed_in_dutch(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "nl.csv",
        [["Bestelregel", "Reden", "Datum"], ["2012345601", "OUT_OF_STOK", "30-11-2026 09:00"]],
    )
    sheet = read(path)
    assert sheet.columns.dutch
    edited = apply_edits(sheet, [RowEdit(2, {Field.REASON: "OUT_OF_STOCK"})], "nl")
    corrected = round_trip(edited.sheet, tmp_path)
    assert corrected.headers[-1] == "Gewijzigd op de pagina"
    assert corrected.rows[0][-1] == "gewijzigd op de pagina: ReasonCode 'OUT_OF_STOK' naar 'OUT_OF_STOCK'"
    assert statuses(corrected) == {2: "READY"}


def test_a_time_for_a_sheet_without_a_datetime_column_adds_the_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "w.csv", [["OrderItemId", "ReasonCode"], ["20123456x1", "OTHER"], ["2012345602", "OTHER"]]
    )
    edited = apply_edits(
        read(path), [RowEdit(2, {Field.ORDER_ITEM_ID: "2012345601", Field.DATETIME: "30-11-2026 09:00"})], "en"
    )
    corrected = round_trip(edited.sheet, tmp_path)
    assert corrected.headers == ["OrderItemId", "ReasonCode", "DateTime", "Changed on the page"]
    checks = validate_sheet_rows(corrected, ZONE, NOW)
    assert [c.status for c in checks] == [RowStatus.READY, RowStatus.READY]
    assert checks[0].when == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert checks[1].when is None  # the other row still goes at the time of the run
    untouched = apply_edits(read(path), [RowEdit(3, {Field.DATETIME: " ", Field.REASON: "OTHER"})], "en")
    assert untouched.changes == () and "DateTime" not in untouched.sheet.headers


def _flagged_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["2012345601", "OTHER", None, "error cell"])
    sheet.cell(row=2, column=3).value, sheet.cell(row=2, column=3).data_type = "#REF!", "e"
    sheet.append(["2012345602", "OTHER", "=NOW()-1", "formula without a saved value"])
    sheet.append([2012345603.5, "OTHER", None, "decimals"])
    sheet.append(["2012345604", "OTHER", "=NOW()-1", "fixed"])
    book.save(path)
    return path


def test_cells_excel_flagged_stay_refused_unless_edited(tmp_path: Path) -> None:
    sheet = read(_flagged_workbook(tmp_path / "flags.xlsx"))
    original = {c.sheet_row: (c.status, c.detail) for c in validate_sheet_rows(sheet, ZONE, NOW)}
    assert {row: status for row, (status, _) in original.items()} == dict.fromkeys([2, 3, 4, 5], "INVALID")
    edited = apply_edits(sheet, [RowEdit(5, {Field.DATETIME: ""})], "en")  # the formula replaced by "now"
    corrected = round_trip(edited.sheet, tmp_path)
    again = {c.sheet_row: (c.status, c.detail) for c in validate_sheet_rows(corrected, ZONE, NOW)}
    assert again[5] == (RowStatus.READY, "")
    assert {row: again[row] for row in (2, 3, 4)} == {
        row: original[row] for row in (2, 3, 4)
    }  # same refusal, same words
    assert edited.changes[0].before == "" and edited.changes[0].after == ""  # the formula cell is text now


def test_the_changed_column_of_an_earlier_correction_is_reused(upload: Path, tmp_path: Path) -> None:
    first = round_trip(
        apply_edits(read(upload), [RowEdit(5, {Field.ORDER_ITEM_ID: "2012345602"})], "en").sheet, tmp_path
    )
    second = apply_edits(first, [RowEdit(7, {Field.REASON: "OUT_OF_STOCK"})], "en").sheet
    assert second.headers.count("Changed on the page") == 1
    notes = dict(zip(second.row_numbers, (row[-1] for row in second.rows), strict=True))
    assert notes[5].startswith("changed on the page: OrderItemId") and notes[7].startswith(
        "changed on the page: Reason"
    )
