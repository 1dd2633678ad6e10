"""Cell values as the text a person sees, never type-inferred: IDs keep their digits."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

EXACT_BELOW = 1e15  # Excel stores 15 significant digits: every whole number below this is exact


def cell_text(value: object) -> str:
    """The text for one cell read from a workbook.

    An integral number becomes its digits (``2012345678.0`` -> ``2012345678``), a date cell
    an ISO timestamp. Excel keeps 15 significant digits, so a number of 16 digits or more may
    have lost its last ones: it gets the scientific form (``1.23456789012345E+15``), which
    validation refuses instead of sending a rounded ID.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and abs(value) >= EXACT_BELOW:
            mantissa, exponent = f"{value:.14E}".split("E")  # the 15 digits Excel kept
            return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value).upper() if "e" in repr(value) else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class CellFlag:
    """Why a cell's text is not a value to use: an Excel error it shows, a formula whose
    result was never saved, or a number with decimals (never an id, whatever it looks like)."""

    kind: Literal["error", "no_value", "decimal"]
    shown: str


def cell_flag(value: object) -> CellFlag | None:
    """The flag for a value read from a workbook cell, if it needs one."""
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        return CellFlag("decimal", repr(value))
    return None


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
