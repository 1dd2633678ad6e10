"""Which row is a header row (``sheet/headers.py``): ``first_header`` judges blocks of rows at once
and must find exactly the row that ``looks_like_header`` finds row by row, whatever the cells."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulkcancel.errors import InputFileError
from bulkcancel.sheet import headers
from bulkcancel.sheet.headers import first_header, looks_like_header
from bulkcancel.sheet.read import ReadLimits, read_sheet
from tests.conftest import write_csv

CELLS = st.one_of(
    st.sampled_from(
        [
            "OrderItemId",
            "order item id",
            " Reason ",
            "reden",
            "ReasonCode\x00",  # a NUL inside a cell: the join of a block is ambiguous
            "\x00",
            "Order\x00ItemId",
            "DateTime",
            "OUT_OF_STOCK",
            "",
            "  ",
            "x" * 41,
            "Reason" + " " * 35,  # 41 characters: never a header cell
            "2012345678",
            "28-11-2026 10:00",
            "Order1ItemId",  # a digit: never a header cell
            "Reason٣",  # an Arabic-Indic digit is a digit too
        ]
    ),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELLS, max_size=5), max_size=14), st.integers(min_value=1, max_value=4))
def test_first_header_finds_the_row_looks_like_header_finds(rows: list[list[str]], block: int) -> None:
    expected = next((i for i, row in enumerate(rows) if looks_like_header(row)), None)
    saved = headers._BLOCK
    headers._BLOCK = block  # small blocks: a header in the second, third, ... block too
    try:
        assert first_header(rows) == expected
    finally:
        headers._BLOCK = saved


def _sheet(rows: int, header_at: int | None) -> list[list[str]]:
    lines = [["OrderItemId", "ReasonCode", "Note"]]
    for n in range(rows):
        lines.append(
            ["Order item", "Reason", "again"]
            if n == header_at
            else [str(2_100_000_000 + n), "OUT_OF_STOCK", f"row {n}"]
        )
    return lines


def test_a_second_header_far_down_a_big_sheet_is_named_by_its_row(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "big.csv", _sheet(12_000, header_at=11_000))
    with pytest.raises(InputFileError, match="row 11002 is a second header row"):
        read_sheet(sheet)
    assert len(read_sheet(write_csv(tmp_path / "fine.csv", _sheet(12_000, header_at=None))).rows) == 12_000


def test_a_second_header_within_the_row_limit_is_said_before_the_limit(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "w.csv", _sheet(20, header_at=3))
    with pytest.raises(InputFileError, match="row 5 is a second header row"):
        read_sheet(sheet, limits=ReadLimits(max_rows=5))
    with pytest.raises(InputFileError, match="more than 2 rows"):
        read_sheet(sheet, limits=ReadLimits(max_rows=2))  # the header row is beyond the limit: the limit is said
