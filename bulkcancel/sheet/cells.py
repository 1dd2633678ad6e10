"""Cell values as the text a person sees, never type-inferred: IDs keep their digits."""

from __future__ import annotations

import math
from datetime import date, datetime, time


def cell_text(value: object) -> str:
    """The text for one cell read from a workbook.

    An integral number becomes its digits (``2012345678.0`` -> ``2012345678``), a date cell
    an ISO timestamp; a number too large to hold every digit keeps Excel's scientific form so
    validation can refuse it instead of sending a rounded ID.
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
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).upper() if "e" in repr(value) else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
