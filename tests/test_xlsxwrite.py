"""The result workbook's writer (``output/xlsxwrite.py``), read back: what a spreadsheet shows
is exactly what was written (calamine decodes Excel's ``_xHHHH_`` escapes as Excel does;
openpyxl does not, so it reads the styles), text never turns into a formula, numbers and
times keep their type."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulkcancel.output.xlsxcells import DATE, NORMAL, WRAP, Cell
from bulkcancel.output.xlsxwrite import SheetSpec, Styles, write_sheets
from bulkcancel.sheet.cellsafe import clean_text


def written(
    path: Path, rows: list[list[Cell]], name: str = "Results", styles: Styles | None = None
) -> list[list[object]]:
    sheet = SheetSpec(
        name=name,
        header=["Row", "Value"],
        rows=[(row, NORMAL) for row in rows],
        count=len(rows),
        widths=[8, 40],
        column_styles=[NORMAL, WRAP],
    )
    write_sheets(str(path), [sheet], styles or Styles())
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == [name]
    return [[None if cell == "" else cell for cell in line] for line in book.get_sheet_by_name(name).to_python()]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=300))
def test_any_text_comes_back_exactly_as_excel_can_store_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "any.xlsx"
    values = written(path, [[2, text]])
    assert values[1] == [2, clean_text(text)]  # control characters Excel refuses are replaced, nothing else changes


def test_text_that_looks_like_escapes_or_markup_stays_literal(tmp_path: Path) -> None:
    tricky = ["_x0041_", "a\r\nb", "<b>&amp;</b>", '"quoted"', "tab\there", "_x005F_x0041_"]
    values = written(tmp_path / "tricky.xlsx", [[n, text] for n, text in enumerate(tricky, start=2)])
    assert [row[1] for row in values[1:]] == tricky


def test_text_that_starts_like_a_formula_stays_text_even_when_edited(tmp_path: Path) -> None:
    path = tmp_path / "formula.xlsx"
    written(path, [[2, '=HYPERLINK("http://x")'], [3, "+31 6 1234"], [4, "-1"], [5, "@SUM(A1)"], [6, "plain"]])
    sheet = openpyxl.load_workbook(path)["Results"]
    cells = [line[0] for line in sheet.iter_rows(min_row=2, min_col=2, max_col=2)]  # a wrapped column, as Detail
    assert all(cell.data_type == "s" for cell in cells)  # never a formula cell
    assert [bool(cell.quotePrefix) for cell in cells] == [True, True, True, True, False]
    assert all(cell.alignment.wrap_text for cell in cells)  # and still wrapped


def test_numbers_are_numbers_and_times_are_date_cells(tmp_path: Path) -> None:
    path = tmp_path / "types.xlsx"
    moment = datetime(2026, 11, 28, 10, 30)
    sheet = SheetSpec(
        name="Results",
        header=["Row", "Count", "Sent"],
        rows=[([2, 2.5, moment], NORMAL)],
        count=1,
        widths=[8, 8, 18],
        column_styles=[NORMAL, NORMAL, DATE],
    )
    write_sheets(str(path), [sheet], Styles())
    row = next(openpyxl.load_workbook(path)["Results"].iter_rows(min_row=2))
    assert [cell.value for cell in row] == [2, 2.5, moment]
    assert row[2].is_date and isinstance(row[0].value, int)


def test_empty_cells_stay_empty(tmp_path: Path) -> None:
    assert written(tmp_path / "empty.xlsx", [[2, None], [3, ""]])[1:] == [[2, None], [3, None]]


def test_each_fill_is_one_style() -> None:
    styles = Styles()
    green, red = styles.fill("FFC6EFCE"), styles.fill("FFFFC7CE")
    assert styles.fill("FFC6EFCE") == green and green != red and styles.fills == ["FFC6EFCE", "FFFFC7CE"]
