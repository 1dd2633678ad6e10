"""Cell values as text (``sheet/cells.py``): an id keeps every digit or is refused, never rounded."""

from __future__ import annotations

import math
from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulkcancel.check.values import parse_order_item_id
from bulkcancel.sheet.cells import CellFlag, cell_flag, cell_text, column_letter


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("0012345678", "0012345678"),  # text is kept as typed, leading zeros and all
        (" 2012345678 ", " 2012345678 "),
        (2012345678, "2012345678"),
        (2012345678.0, "2012345678"),  # Excel stores numbers as floats: the id's digits, no ".0"
        (999_999_999_999_999.0, "999999999999999"),  # 15 digits: every one is exact
        (1e15, "1E+15"),  # from 16 digits Excel may have lost digits: the scientific form, refused later
        (1234567890123450.0, "1.23456789012345E+15"),  # typed as 1234567890123456, kept with 15 digits
        (2.012345678901235e18, "2.01234567890123E+18"),
        (-1e16, "-1E+16"),
        (1.5, "1.5"),
        (-0.0, "0"),
        (True, "TRUE"),
        (False, "FALSE"),
        (datetime(2026, 11, 28, 10, 30, 15, 123456), "2026-11-28T10:30:15"),
        (date(2026, 11, 28), "2026-11-28"),
        (time(10, 30), "10:30:00"),
    ],
)
def test_a_cell_becomes_the_text_a_person_sees(value: object, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_number_that_is_no_number_never_becomes_digits(value: float) -> None:
    assert not cell_text(value).isdigit()


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_every_id_excel_can_hold_exactly_comes_back_with_the_same_digits(number: int) -> None:
    assert cell_text(float(number)) == str(number)


@given(st.integers(min_value=10**15, max_value=10**20))
def test_a_number_too_large_to_be_exact_is_refused_never_sent_rounded(number: int) -> None:
    parsed = parse_order_item_id(cell_text(float(number)))
    assert parsed.value is None and parsed.error is not None


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        (2012345678.5, CellFlag("decimal", "2012345678.5")),  # an id with decimals is no id
        (0.1, CellFlag("decimal", "0.1")),
        (2012345678.0, None),
        (2012345678, None),
        (math.nan, None),
        ("2012345678.5", None),  # text is judged by validation, not here
    ],
)
def test_a_number_with_decimals_is_flagged(value: object, flag: CellFlag | None) -> None:
    assert cell_flag(value) == flag


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ"), (702, "AAA")])
def test_column_letters_as_excel_names_them(index: int, letters: str) -> None:
    assert column_letter(index) == letters


@given(st.integers(min_value=0, max_value=16383))  # Excel's last column is XFD
def test_column_letters_count_like_excel(index: int) -> None:
    letters = column_letter(index)
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    assert number - 1 == index and letters.isupper()
