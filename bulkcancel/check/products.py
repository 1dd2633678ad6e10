"""Checking a products sheet (``bulkcancel stockouts``): each row's EAN, units in stock and reason.

The same rules as an order sheet's: every cell is text, an EAN Excel showed in scientific
notation (``8.71234E+12``) has lost digits and is refused with the fix, a repeated EAN is a
duplicate, and a row is READY only when every cell is. ``gtin13`` is the one form EANs
are compared in, the sheet's and bol's alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bulkcancel.check.messages import Msg
from bulkcancel.check.values import Parsed, parse_reason_code
from bulkcancel.i18n import Text
from bulkcancel.reasons import ReasonCode
from bulkcancel.sheet.cells import CellFlag
from bulkcancel.statuses import RowStatus

DEFAULT_REASON = ReasonCode.OUT_OF_STOCK
_SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?e\+?\d+$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\ufeff\u200b]+")
_WHOLE = re.compile(r"^\+?(\d+)(?:[.,]0+)?$")


def check_digit(body: str) -> int:
    """The GS1 check digit of the digits before it (weights 3 and 1 from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gtin13(text: str) -> str:
    """An EAN in the form EANs are compared in: 13 digits for a UPC (12) or a GTIN-14 starting with 0."""
    digits = text.strip()
    if len(digits) == 12 and digits.isdigit():
        return "0" + digits
    if len(digits) == 14 and digits.startswith("0") and digits.isdigit():
        return digits[1:]
    return digits


def parse_ean(text: str) -> Parsed[str]:
    """8 or 13 digits (a 12-digit UPC or a GTIN-14 starting with 0 read as its 13) with a right check digit."""
    raw = _SPACES.sub("", text)
    note = None
    if raw.startswith("'"):
        note, raw = Msg.make("note.apostrophe", raw=raw), raw[1:]
    if not raw:
        return Parsed(error=Msg.make("ean.empty"))
    if _SCIENTIFIC.match(raw):
        return Parsed(error=Msg.make("ean.scientific", raw=text.strip()))
    if match := re.match(r"^(\d+)[.,]0+$", raw):
        note, raw = Msg.make("note.float", raw=raw), match.group(1)
    if not (raw.isascii() and raw.isdigit()):
        return Parsed(error=Msg.make("ean.not_number", raw=text.strip()))
    if len(raw) not in (8, 12, 13, 14):
        return Parsed(error=Msg.make("ean.length", raw=raw, digits=len(raw)))
    if int(raw[-1]) != check_digit(raw[:-1]):
        return Parsed(error=Msg.make("ean.check_digit", raw=raw, expected=check_digit(raw[:-1])))
    ean = gtin13(raw)
    if len(raw) == 12:
        note = Msg.make("note.ean_zero", raw=raw, ean=ean)
    return Parsed(value=ean, note=note)


def parse_units(text: str) -> Parsed[int]:
    """Units still in stock: a whole number of 0 or more; empty is 0."""
    raw = _SPACES.sub("", text)
    if not raw:
        return Parsed(value=0)
    match = _WHOLE.match(raw.removeprefix("-"))
    if match is None or len(match.group(1)) > 9:
        return Parsed(error=Msg.make("units.not_number", raw=text.strip()))
    value = int(match.group(1))
    if raw.startswith("-") and value:
        return Parsed(error=Msg.make("units.negative", raw=text.strip()))
    return Parsed(value=value)


def parse_product_reason(text: str) -> Parsed[ReasonCode]:
    """A product's reason: empty is OUT_OF_STOCK; REQUESTED_BY_CUSTOMER is an item's, never a product's."""
    if not text.strip():
        return Parsed(value=DEFAULT_REASON)
    parsed = parse_reason_code(text)
    if parsed.value is ReasonCode.REQUESTED_BY_CUSTOMER:
        return Parsed(error=Msg.make("reason.customer_product"))
    return parsed


@dataclass(frozen=True)
class Product:
    """One READY row of a products sheet."""

    sheet_row: int
    ean: str  # as gtin13 gives it
    units: int
    reason: ReasonCode
    note: str


@dataclass(frozen=True)
class ProductCheck:
    """One row of a products sheet, checked: READY with its product, else INVALID or DUPLICATE and why."""

    sheet_row: int
    status: RowStatus
    problems: tuple[Msg, ...]
    product: Product | None


def _flagged(flag: CellFlag | None, column: str) -> Msg | None:
    if flag is None or flag.kind == "decimal":
        return None
    return Msg.make("cell.error" if flag.kind == "error" else "cell.no_value", column=column, shown=flag.shown)


def check_products(
    eans: Sequence[str],
    units: Sequence[str],
    reasons: Sequence[str],
    notes: Sequence[str],
    row_numbers: Sequence[int],
    flags: Sequence[tuple[CellFlag | None, CellFlag | None]] = (),
) -> list[ProductCheck]:
    """Check every row (``flags``: the EAN and units cells' workbook flags, per row)."""
    checks: list[ProductCheck] = []
    first_row: dict[str, int] = {}
    for index, sheet_row in enumerate(row_numbers):
        ean_flag, units_flag = flags[index] if index < len(flags) else (None, None)
        ean = parse_ean(eans[index])
        count = parse_units(units[index])
        reason = parse_product_reason(reasons[index])
        problems = [
            problem
            for problem in (
                _flagged(ean_flag, "EAN") or ean.error,
                _flagged(units_flag, Text("units in stock")) or count.error,
                reason.error,
            )
            if problem is not None
        ]
        if problems or ean.value is None or count.value is None or reason.value is None:
            checks.append(ProductCheck(sheet_row, RowStatus.INVALID, tuple(problems), None))
            continue
        if ean.value in first_row:
            duplicate = Msg.make("product.duplicate", row=first_row[ean.value])
            checks.append(ProductCheck(sheet_row, RowStatus.DUPLICATE, (duplicate,), None))
            continue
        first_row[ean.value] = sheet_row
        product = Product(sheet_row, ean.value, count.value, reason.value, notes[index].strip())
        checks.append(ProductCheck(sheet_row, RowStatus.READY, (), product))
    return checks
