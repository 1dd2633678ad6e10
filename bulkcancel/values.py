"""Reading one cell's text as an OrderItemId, a ReasonCode or a DateTime: pure functions.

Each ``parse_*`` returns a ``Parsed``: the value, or the error a person can act on, plus a
note when the reading needed explaining (leading zeros dropped, a daylight-saving gap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from bulkcancel.reasons import ReasonCode, parse_reason, suggest_reason

T = TypeVar("T")

MAX_ID_DIGITS = 18  # bol ids are 10 digits; a long is at most 19
FUTURE_SLACK = timedelta(minutes=5)  # clocks of staff PCs drift


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A cell's value, or why it has none, and an optional note about the reading."""

    value: T | None = None
    error: str | None = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the cell could be used."""
        return self.error is None


_SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?e\+?\d+$", re.IGNORECASE)
_INTEGRAL_FLOAT = re.compile(r"^(\d+)[.,]0+$")
_THOUSANDS = re.compile(r"^\d{1,3}([.,\s\u00a0\u202f']\d{3})+$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\ufeff\u200b]+")

ID_TEXT_FIX = "format the column as Text and paste the IDs again"


def parse_order_item_id(text: str) -> Parsed[str]:
    """A positive whole number of at most 18 digits, as its canonical digits."""
    raw = _SPACES.sub(" ", text).strip()
    if not raw:
        return Parsed(error="OrderItemId is empty: fill in the order item's id from bol")
    note = None
    if _SCIENTIFIC.match(raw):
        return Parsed(
            error=f"OrderItemId {raw!r} is in scientific notation, so Excel has lost "
            f"its last digits: {ID_TEXT_FIX}"
        )
    if " " in raw:
        compact = raw.replace(" ", "")
        if compact.isdigit() and not _THOUSANDS.match(raw):
            return Parsed(error=f"OrderItemId {raw!r} has spaces inside; remove them")
    if _THOUSANDS.match(raw):
        digits = re.sub(r"\D", "", raw)
        note = f"thousands separators removed from {raw!r}"
        raw = digits
    elif match := _INTEGRAL_FLOAT.match(raw):
        raw = match.group(1)
    if not raw.isascii() or not raw.isdigit():
        return Parsed(
            error=f"OrderItemId {text.strip()!r} is not a whole number; use the digits "
            "only, e.g. 2012345678"
        )
    canonical = raw.lstrip("0")
    if not canonical:
        return Parsed(error="OrderItemId 0 is not an order item id")
    if len(canonical) > MAX_ID_DIGITS:
        return Parsed(
            error=f"OrderItemId {raw!r} has {len(canonical)} digits, more than an order "
            "item id has; check you copied the right column"
        )
    if canonical != raw:
        note = f"leading zeros removed from {raw!r}"
    return Parsed(value=canonical, note=note)


def parse_reason_code(text: str) -> Parsed[ReasonCode]:
    """One of the 12 codes, forgiving case, spaces and hyphens."""
    raw = text.strip()
    if not raw:
        return Parsed(error="ReasonCode is empty: choose one of the 12 codes (see the template)")
    code = parse_reason(raw)
    if code is not None:
        return Parsed(value=code)
    hint = suggest_reason(raw)
    did_you_mean = f"; did you mean {hint.value}?" if hint else ""
    return Parsed(error=f"ReasonCode {raw!r} is not one of bol's 12 codes{did_you_mean}")


_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SERIAL = re.compile(r"^\d{5}([.,]\d+)?$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _naive(raw: str) -> tuple[datetime | None, str | None]:
    """A naive or aware datetime read from the accepted formats, and a note."""
    if match := _DMY.match(raw):
        day, month, year, hour, minute, second = match.groups()
        try:
            moment = datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
        except ValueError:
            return None, None
        note = None
        if int(day) <= 12 and int(month) <= 12 and day != month:
            note = f"{raw!r} read as day-month-year ({moment:%d %B %Y})"
        return moment, note
    if _SERIAL.match(raw):
        serial = float(raw.replace(",", "."))
        if 20000 <= serial <= 80000:
            moment = _EXCEL_EPOCH + timedelta(days=serial)
            return moment.replace(
                microsecond=0
            ), f"Excel date number {raw} read as {moment:%d-%m-%Y %H:%M}"
        return None, None
    try:
        return datetime.fromisoformat(raw.replace(" ", "T", 1) if "T" not in raw else raw), None
    except ValueError:
        return None, None


def localise(moment: datetime, zone: ZoneInfo) -> tuple[datetime, str | None]:
    """Attach ``zone`` to a naive time, noting a daylight-saving gap or overlap."""
    first = moment.replace(tzinfo=zone, fold=0)
    second = moment.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first, None
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != moment:  # the clocks jumped over this time
        shifted = first.astimezone(UTC).astimezone(zone)
        return (
            shifted,
            f"{moment:%H:%M} does not exist on {moment:%d-%m-%Y} in {zone.key} (clocks went "
            f"forward); sent as {shifted:%H:%M%z}",
        )
    return (
        first,
        f"{moment:%H:%M} happens twice on {moment:%d-%m-%Y} in {zone.key}; the first "
        "(summer time) is sent",
    )


def parse_datetime(text: str, zone: ZoneInfo, now: datetime) -> Parsed[datetime]:
    """An aware time not in the future; empty means "use the time of the run" (None)."""
    raw = text.strip()
    if not raw:
        return Parsed(value=None)
    moment, note = _naive(raw)
    if moment is None:
        return Parsed(
            error=f"DateTime {raw!r} is not a date and time we read; write it as "
            "dd-mm-yyyy hh:mm (e.g. 28-11-2026 14:30) or leave it empty for now"
        )
    if moment.tzinfo is None:
        moment, dst_note = localise(moment, zone)
        note = "; ".join(n for n in (note, dst_note) if n) or None
    if moment > now + FUTURE_SLACK:
        return Parsed(
            error=f"DateTime {raw!r} is in the future; a cancellation time cannot be "
            "later than now (leave it empty to use the time of the run)"
        )
    return Parsed(value=moment, note=note)
