"""Sheets as back offices make them: damaged IDs, hidden rows, merged headers, formulas, Dutch."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulkcancel import validate_sheet
from bulkcancel.check.schema import validate_sheet_rows
from bulkcancel.pipeline import validate
from bulkcancel.settings import Settings
from bulkcancel.sheet.read import read_sheet
from bulkcancel.statuses import RowStatus
from tests.conftest import read_results, write_csv, write_xlsx

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def test_damage_is_explained_per_row_and_summarised(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "d.csv",
        [
            ["OrderItemId", "ReasonCode", "DateTime"],
            ["2.01235E+09", "OTHER", ""],
            ["2012345678.0", "OTHER", ""],
            ["2.012.345.679", "OTHER", ""],
            ["\u00a02012345680 ", "OTHER", ""],
            ["'2012345681", "OTHER", "46000"],
            ["2012345682", "OTHER", "03-04-2026"],
        ],
    )
    outcome = validate(path, Settings(), write=False)
    details = [row.detail for row in outcome.rows]
    assert [row.status for row in outcome.rows] == [RowStatus.INVALID] + [RowStatus.READY] * 5
    assert "format the column as Text" in details[0]
    assert "arrived as a number with decimals" in details[1]
    assert "thousands separators removed" in details[2]
    assert details[3] == ""  # a stray non-breaking space is simply trimmed
    assert "apostrophe" in details[4] and "Excel date number 46000 read as 09-12-2025" in details[4]
    assert "read as day-month-year (3 April 2026)" in details[5]
    summary = "\n".join(outcome.notes)
    for words in (
        "1 row(s) have IDs in scientific notation",
        "1 ID(s) arrived as numbers",
        "1 ID(s) had thousands separators",
        "1 date(s) were Excel date numbers",
        "1 date(s) could be day-month or month-day",
    ):
        assert words in summary


def test_hidden_rows_and_columns_are_read_and_reported(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ["OrderItemId", "ReasonCode", "Secret"],
        ["2012345601", "OTHER", "a"],
        ["2012345602", "OTHER", "b"],
        ["2012345603", "OTHER", "c"],
    ):
        sheet.append(row)
    sheet.row_dimensions[3].hidden = True
    sheet.column_dimensions["C"].hidden = True
    book.save(tmp_path / "h.xlsx")
    outcome = validate(tmp_path / "h.xlsx", Settings(), write=False)
    assert [row.status for row in outcome.rows] == [RowStatus.READY] * 3
    assert outcome.rows[1].detail == "this row is hidden in the sheet"
    assert any("1 hidden row(s) were read too (rows 3)" in n for n in outcome.notes)
    assert any("1 hidden column(s)" in n for n in outcome.notes)


def test_merged_header_cells_and_formula_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Cancellations week 48", None, None])
    sheet.merge_cells("A1:C1")
    sheet.append(["OrderItemId", "ReasonCode", "Total"])
    sheet.append(["2012345601", "OTHER", "=1+1"])  # a formula: no cached value was stored
    book.save(tmp_path / "m.xlsx")
    parsed = read_sheet(tmp_path / "m.xlsx")
    assert parsed.headers == ["OrderItemId", "ReasonCode", "Total"]
    assert parsed.rows == [["2012345601", "OTHER", ""]]  # the cached value, never the formula


def test_formula_cell_cached_value_is_used(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    write_xlsx(path, [["OrderItemId", "ReasonCode"], ["=2012345600+1", "OTHER"]], formulas=True)
    # Put a cached value in, as Excel would when it saves.
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(
        "<f>2012345600+1</f><v></v>", "<f>2012345600+1</f><v>2012345601</v>"
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert read_sheet(path).rows == [["2012345601", "OTHER"]]


def test_dutch_headers_give_dutch_hints(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "nl.csv",
        [
            ["Orderregel", "Reden", "Datum"],
            ["abc", "uitverkoch", "morgen"],
            ["2012345601", "OTHER", ""],
            ["2012345601", "OTHER", ""],
        ],
        delimiter=";",
    )
    rows = validate_sheet(path)
    assert rows.columns[0] == "Rij" and "Toelichting" in rows.columns  # Dutch headers too
    assert "is geen geheel getal" in rows["Toelichting"][0]
    assert "is geen van de 12 codes van bol" in rows["Toelichting"][0]
    assert "geen datum en tijd" in rows["Toelichting"][0]
    assert rows["Toelichting"][2] == "zelfde OrderItemId als rij 3; niet twee keer verstuurd"
    english = validate_sheet(path, lang="en")
    assert "is not a whole number" in english["Detail"][0]


def test_daylight_saving_times_are_noted_and_sent_with_offset(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dst.csv",
        [
            ["OrderItemId", "ReasonCode", "DateTime"],
            ["2012345601", "OTHER", "29-03-2026 02:30"],
            ["2012345602", "OTHER", "25-10-2026 02:30"],
            ["2012345603", "OTHER", "2026-11-28T10:00:00Z"],
        ],
    )
    checks = validate_sheet_rows(read_sheet(path), AMS, NOW)
    assert checks[0].when is not None and checks[0].when.isoformat() == "2026-03-29T03:30:00+02:00"
    assert "does not exist" in checks[0].detail
    assert "happens twice" in checks[1].detail
    assert checks[2].when is not None and checks[2].when.utcoffset().total_seconds() == 0


def test_two_sheets_pick_the_one_with_the_header_even_below_titles(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Cover"
    cover.append(["Weekly report"])
    data = book.create_sheet("Week 48")
    for row in (["Stock-outs"], [], ["OrderItemId", "ReasonCode"], [2012345601, "OTHER"]):
        data.append(row)
    book.save(tmp_path / "two.xlsx")
    parsed = read_sheet(tmp_path / "two.xlsx")
    assert (parsed.sheet_name, parsed.row_numbers) == ("Week 48", [4])
    assert parsed.notes == []  # the only sheet with a table: nothing to say about the choice


typed_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
    max_size=40,
).filter(lambda text: text == text.strip())
# The one documented exception: in CSV, a ' before = + - @ is the formula guard and is dropped.
typed_text = typed_text.filter(lambda text: not (text.startswith("'") and text[1:2] in "=+-@"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=st.lists(typed_text, min_size=1, max_size=4), as_csv=st.booleans())
def test_any_typed_text_survives_read_result_read(tmp_path: Path, notes: list[str], as_csv: bool) -> None:
    rows = [["OrderItemId", "ReasonCode", "Note"]] + [
        [str(2012345600 + n), "OTHER", note] for n, note in enumerate(notes)
    ]
    source = tmp_path / ("in.csv" if as_csv else "in.xlsx")
    if as_csv:
        write_csv(source, rows)
    else:
        write_xlsx(source, rows)
    out = tmp_path / ("out.csv" if as_csv else "out.xlsx")
    validate(source, Settings(out=out))
    assert [row[2] for row in read_sheet(source).rows] == notes
    assert [row[2] for row in read_sheet(out).rows] == notes


def test_results_workbook_columns_keep_the_input_order(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "x.csv",
        [["Extra", "ReasonCode", "OrderItemId", "Zzz"], ["e", "OTHER", "2012345601", "z"]],
    )
    validate(path, Settings())
    row = read_results(tmp_path / "x-checked.xlsx")[0]
    assert list(row)[:5] == ["Row", "Extra", "ReasonCode", "OrderItemId", "Zzz"]
    assert (row["Extra"], row["Zzz"], row["Status"]) == ("e", "z", "READY")
