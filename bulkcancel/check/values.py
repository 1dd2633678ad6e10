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

from bulkcancel.check.messages import Msg
from bulkcancel.reasons import ReasonCode, parse_reason, suggest_reason

T = TypeVar("T")

MAX_ID_DIGITS = 18  # bol ids are 10 digits; a long is at most 19
FUTURE_SLACK = timedelta(minutes=5)  # clocks of staff PCs drift
MAX_AGE = timedelta(days=730)  # a cancellation time two years old is a typo, not a cancellation
MAX_OFFSET = timedelta(hours=14)  # xs:dateTime allows -14:00 to +14:00, in whole minutes


@dataclass(frozen=True, slots=True)  # one per distinct cell: 100,000 ids (benchmarks/bench_sheets.py, peak memory)
class Parsed(Generic[T]):
    """A cell's value, or why it has none, and an optional note about the reading."""

    value: T | None = None
    error: Msg | None = None
    note: Msg | None = None

    @property
    def ok(self) -> bool:
        """Whether the cell could be used."""
        return self.error is None


_SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?e\+?\d+$", re.IGNORECASE)
_INTEGRAL_FLOAT = re.compile(r"^(\d+)[.,]0+$")
_THOUSANDS = re.compile(r"^\d{1,3}([.,\s\u00a0\u202f'])\d{3}(?:\1\d{3})*$")  # one separator throughout
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\ufeff\u200b]+")


def parse_order_item_id(text: str) -> Parsed[str]:
    """A positive whole number of at most 18 digits, as its canonical digits."""
    if text.isdigit() and text.isascii() and text[0] != "0" and len(text) <= MAX_ID_DIGITS:
        return Parsed(value=text)  # the common case: clean digits
    raw = _SPACES.sub(" ", text).strip()
    note = None
    if raw.startswith("'"):  # Excel's "keep this as text" mark, pasted along
        note, raw = Msg.make("note.apostrophe", raw=raw), raw[1:].strip()
    if not raw:
        return Parsed(error=Msg.make("id.empty"))
    if _SCIENTIFIC.match(raw):
        return Parsed(error=Msg.make("id.scientific", raw=raw))
    if " " in raw:
        compact = raw.replace(" ", "")
        if compact.isdigit() and not _THOUSANDS.match(raw):
            return Parsed(error=Msg.make("id.spaces", raw=raw))
    if _THOUSANDS.match(raw):
        digits = re.sub(r"\D", "", raw)
        note = Msg.make("note.thousands", raw=raw)
        raw = digits
    elif match := _INTEGRAL_FLOAT.match(raw):
        note, raw = Msg.make("note.float", raw=raw), match.group(1)
    if not raw.isascii() or not raw.isdigit():
        return Parsed(error=Msg.make("id.not_number", raw=text.strip()))
    canonical = raw.lstrip("0")
    if not canonical:
        return Parsed(error=Msg.make("id.zero"))
    if len(canonical) > MAX_ID_DIGITS:
        return Parsed(error=Msg.make("id.too_long", raw=raw, digits=len(canonical)))
    if canonical != raw:
        note = Msg.make("note.zeros", raw=raw)
    return Parsed(value=canonical, note=note)


def parse_reason_code(text: str) -> Parsed[ReasonCode]:
    """One of the 12 codes, forgiving case, spaces and hyphens."""
    raw = text.strip()
    if not raw:
        return Parsed(error=Msg.make("reason.empty"))
    code = parse_reason(raw)
    if code is not None:
        return Parsed(value=code)
    hint = suggest_reason(raw)
    if hint is None:
        return Parsed(error=Msg.make("reason.unknown", raw=raw))
    return Parsed(error=Msg.make("reason.unknown_hint", raw=raw, code=hint.value))


_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SERIAL = re.compile(r"^\d{5}([.,]\d+)?$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _naive(raw: str) -> tuple[datetime | None, Msg | None]:
    """A naive or aware datetime read from the accepted formats, and a note."""
    if match := _DMY.match(raw):
        day, month, year, hour, minute, second = match.groups()
        try:
            moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        except ValueError:
            return None, None
        note = None
        if int(day) <= 12 and int(month) <= 12 and day != month:
            note = Msg.make(
                "note.dmy",
                raw=raw,
                day=moment.day,
                year=moment.year,
                month=Msg.make(f"month.{moment.month}"),
            )
        return moment, note
    if _SERIAL.match(raw):
        serial = float(raw.replace(",", "."))
        if 20000 <= serial <= 80000:
            moment = _EXCEL_EPOCH + timedelta(days=serial)
            note = Msg.make("note.serial", raw=raw, moment=f"{moment:%d-%m-%Y %H:%M}")
            return moment.replace(microsecond=0), note
        return None, None
    try:
        return datetime.fromisoformat(raw.replace(" ", "T", 1) if "T" not in raw else raw), None
    except ValueError:
        return None, None


def localise(moment: datetime, zone: ZoneInfo) -> tuple[datetime, Msg | None]:
    """Attach ``zone`` to a naive time, noting a daylight-saving gap or overlap."""
    first = moment.replace(tzinfo=zone, fold=0)
    second = moment.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first, None
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != moment:  # the clocks jumped over this time
        shifted = first.astimezone(UTC).astimezone(zone)
        where = {"time": f"{moment:%H:%M}", "date": f"{moment:%d-%m-%Y}", "zone": zone.key}
        return shifted, Msg.make("note.gap", **where, sent=f"{shifted:%H:%M%z}")
    where = {"time": f"{moment:%H:%M}", "date": f"{moment:%d-%m-%Y}", "zone": zone.key}
    return first, Msg.make("note.overlap", **where)


def parse_datetime(text: str, zone: ZoneInfo, now: datetime) -> Parsed[datetime]:
    """An aware time from the last year up to now, with an offset bol takes; empty means
    "use the time of the run" (None)."""
    raw = text.strip()
    if not raw:
        return Parsed(value=None)
    moment, note = _naive(raw)
    if moment is None:
        return Parsed(error=Msg.make("dt.unreadable", raw=raw))
    if moment.tzinfo is None:
        moment, dst_note = localise(moment, zone)
        note = Msg.make("pair", first=note, second=dst_note) if note and dst_note else note or dst_note
    if moment > now + FUTURE_SLACK:
        return Parsed(error=Msg.make("dt.future", raw=raw))
    if moment < now - MAX_AGE:
        return Parsed(error=Msg.make("dt.old", raw=raw, days=MAX_AGE.days))
    offset = moment.utcoffset() or timedelta(0)
    if abs(offset) > MAX_OFFSET or offset.seconds % 60 or offset.microseconds:
        return Parsed(error=Msg.make("dt.offset", raw=raw, offset=_offset_text(offset)))
    return Parsed(value=moment, note=note)


def _offset_text(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    seconds = int(abs(offset).total_seconds())
    text = f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    return text + (f":{seconds % 60:02d}" if seconds % 60 else "")
