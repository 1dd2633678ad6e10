"""A worksheet's rows (``output/xlsxcells.py``): written a block at a time, column by column, with
shortcuts for repeated and plain values, yet every row is exactly the cells written one by one."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulkcancel.output import xlsxcells
from bulkcancel.output.xlsxcells import DATE, NORMAL, WRAP, Cell, RowWriter, cell, lines
from bulkcancel.sheet.cells import column_letter

WIDTHS = [8.0, 12.0, 30.0, 16.0, 19.0]
STYLES = [NORMAL, NORMAL, WRAP, DATE, NORMAL]
VALUES = st.one_of(
    st.sampled_from(["READY", "OUT_OF_STOCK", "", "yes", "=SUM(A1)", "-1", "a & b", "_x0041_", "x\r\ny", " 12 "]),
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
)


def one_by_one(rows: Sequence[tuple[Sequence[Cell], int]], styled_column: int) -> Iterator[str]:
    """The rows as the plain definition says: each cell by ``cell``, each row sized for its wrapped text."""
    for number, (values, row_style) in enumerate(rows, start=2):
        high = max([lines(values[n], WIDTHS[n]) for n in range(len(values)) if STYLES[n] == WRAP] or [1])
        height = f' ht="{15 * high}" customHeight="1"' if high > 1 else ""
        cells = (
            cell(f"{column_letter(n)}{number}", value, row_style if n == styled_column else STYLES[n])
            for n, value in enumerate(values)
        )
        yield f'<row r="{number}"{height}>{"".join(cells)}</row>'


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 3 rows and 4 kept texts a column: every way through the writer in a short sheet
    (the same for every example: a function-scoped fixture is safe here)."""
    monkeypatch.setattr(xlsxcells, "_BLOCK", 3)
    monkeypatch.setattr(xlsxcells, "_SAME_CELLS", 4)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.lists(VALUES, max_size=5), st.sampled_from([NORMAL, 7, 8])), max_size=12),
    st.sampled_from([-1, 0, 1]),
)
def test_every_row_is_its_cells_written_one_by_one(
    small_blocks: None, rows: list[tuple[list[Cell], int]], styled_column: int
) -> None:
    letters = [column_letter(n) for n in range(len(STYLES))]
    written = list(RowWriter(letters, STYLES, WIDTHS, styled_column).rows(rows))
    assert written == list(one_by_one(rows, styled_column))


def test_a_long_table_of_repeated_and_distinct_values(small_blocks: None) -> None:
    rows: list[tuple[Sequence[Cell], int]] = [
        ([n, f"20{n:08d}", ["READY", "INVALID"][n % 2], "" if n % 3 else "a longer detail " * 3, None], 7 + n % 2)
        for n in range(2, 40)
    ]
    rows[20] = ([22, "=cmd|' /C calc'!A0", "READY", "x<y>&z", datetime(2026, 11, 28, 10, 30)], 7)
    letters = [column_letter(n) for n in range(len(STYLES))]
    written = list(RowWriter(letters, STYLES, WIDTHS, 2).rows(rows))
    assert written == list(one_by_one(rows, 2))
    assert '<c r="B22" s="4" t="inlineStr"><is><t xml:space="preserve">=cmd' in written[20]  # quotePrefix: stays text
