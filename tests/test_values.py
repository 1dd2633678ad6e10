"""Reading OrderItemId, ReasonCode and DateTime cells: each rule and its message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bulkcancel.check.values import parse_datetime, parse_order_item_id, parse_reason_code
from bulkcancel.i18n import Language
from bulkcancel.reasons import ReasonCode, parse_reason, suggest_reason

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2012345678", "2012345678"),
        ("  2012345678 ", "2012345678"),
        ("2012345678.0", "2012345678"),
        ("2012345678,00", "2012345678"),
        ("\u00a02012345678\u00a0", "2012345678"),
        ("002012345678", "2012345678"),
        ("2.012.345.678", "2012345678"),
        ("2,012,345,678", "2012345678"),
        ("1", "1"),
        ("123456789012345678", "123456789012345678"),
    ],
)
def test_valid_ids(text: str, value: str) -> None:
    parsed = parse_order_item_id(text)
    assert parsed.ok and parsed.value == value


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("2.01235E+09", "format the column as Text"),
        ("2,01235e+9", "scientific notation"),
        ("-2012345678", "not a whole number"),
        ("2012345678.5", "not a whole number"),
        ("abc", "not a whole number"),
        ("0", "not an order item id"),
        ("0000", "not an order item id"),
        ("1234567890123456789", "19 digits"),
        ("2012 345678", "spaces inside"),
        ("２０１２", "not a whole number"),
    ],
)
def test_invalid_ids(text: str, words: str) -> None:
    parsed = parse_order_item_id(text)
    assert not parsed.ok and words in (parsed.error or "")


def test_id_notes() -> None:
    assert "leading zeros" in (parse_order_item_id("0012").note or "")
    assert "thousands" in (parse_order_item_id("2.012.345.678").note or "")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("OUT_OF_STOCK", ReasonCode.OUT_OF_STOCK),
        ("out of stock", ReasonCode.OUT_OF_STOCK),
        (" Out-Of-Stock ", ReasonCode.OUT_OF_STOCK),
        ("requested by customer", ReasonCode.REQUESTED_BY_CUSTOMER),
        ("higher_shipcost", ReasonCode.HIGHER_SHIPCOST),
        ("klantverzoek", ReasonCode.REQUESTED_BY_CUSTOMER),
        ("Niet op voorraad", ReasonCode.OUT_OF_STOCK),
    ],
)
def test_reason_normalised(text: str, code: ReasonCode) -> None:
    assert parse_reason(text) is code
    assert parse_reason_code(text).value is code


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("OUT_OF_STOK", "OUT_OF_STOCK"),
        ("NOT_AVAILABLE_IN_TIME", "NOT_AVAIL_IN_TIME"),
        ("HIGHER_SHIP_COST", "HIGHER_SHIPCOST"),
        ("requested", "REQUESTED_BY_CUSTOMER"),
    ],
)
def test_unknown_reason_gets_did_you_mean(text: str, hint: str) -> None:
    parsed = parse_reason_code(text)
    assert not parsed.ok
    assert f"did you mean {hint}?" in (parsed.error or "")


def test_no_wild_guess_for_nonsense() -> None:
    assert suggest_reason("y") is None
    assert "did you mean" not in (parse_reason_code("zzzzzz").error or "")
    assert "empty" in (parse_reason_code(" ").error or "")


def test_twelve_codes() -> None:
    assert len(ReasonCode) == 12
    assert all(code.meaning() and code.meaning(Language.NL) != code.meaning() for code in ReasonCode)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2026-11-28T10:15:00+01:00",
            datetime(2026, 11, 28, 10, 15, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("2026-11-28T09:15:00Z", datetime(2026, 11, 28, 9, 15, tzinfo=UTC)),
        ("2026-11-28T10:15:00", datetime(2026, 11, 28, 10, 15, tzinfo=AMS)),
        ("2026-11-28 10:15", datetime(2026, 11, 28, 10, 15, tzinfo=AMS)),
        ("28-11-2026 10:15", datetime(2026, 11, 28, 10, 15, tzinfo=AMS)),
        ("28-11-2026 10:15:30", datetime(2026, 11, 28, 10, 15, 30, tzinfo=AMS)),
        ("28-11-2026", datetime(2026, 11, 28, tzinfo=AMS)),
        ("28/11/2026", datetime(2026, 11, 28, tzinfo=AMS)),
        ("46000", datetime(2025, 12, 9, tzinfo=AMS)),
    ],
)
def test_datetimes(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text, AMS, NOW)
    assert parsed.ok, parsed.error
    assert parsed.value == expected
    assert parsed.value is not None and parsed.value.utcoffset() == expected.utcoffset()


def test_empty_datetime_means_run_time() -> None:
    parsed = parse_datetime("  ", AMS, NOW)
    assert parsed.ok and parsed.value is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("31-12-2030 12:00", "in the future"),
        ("tomorrow", "dd-mm-yyyy"),
        ("31-02-2026", "dd-mm-yyyy"),
        ("2026-13-01", "dd-mm-yyyy"),
    ],
)
def test_bad_datetimes(text: str, words: str) -> None:
    parsed = parse_datetime(text, AMS, NOW)
    assert not parsed.ok and words in (parsed.error or "")


def test_ambiguous_day_month_is_noted() -> None:
    parsed = parse_datetime("03-04-2026", AMS, NOW)
    assert parsed.value == datetime(2026, 4, 3, tzinfo=AMS)
    assert "day-month-year" in (parsed.note or "") and "(3 April 2026)" in (parsed.note or "")


def test_daylight_saving_gap_and_overlap() -> None:
    gap = parse_datetime("29-03-2026 02:30", AMS, NOW)
    assert gap.value is not None and gap.value.isoformat() == "2026-03-29T03:30:00+02:00"
    assert "does not exist" in (gap.note or "")
    overlap = parse_datetime("25-10-2026 02:30", AMS, NOW)
    assert overlap.value is not None and overlap.value.utcoffset() == timedelta(hours=2)
    assert "happens twice" in (overlap.note or "")
