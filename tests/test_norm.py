"""bol's cancellation norm, pure: which cancellation counts, bol's week, the standing, a run's effect."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bulkcancel.norm.counting import Counting, bol_day, by_reason, counting, stored_counting
from bulkcancel.norm.standing import NormEffect, NotKnown, Standing, Unknown, Week, percent, percent_of
from bulkcancel.output.normwords import counting_cell, norm_json, norm_lines
from bulkcancel.reasons import ReasonCode

RBC = ReasonCode.REQUESTED_BY_CUSTOMER
PROMISED = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("reason", "asked", "promised", "confirmed", "expected", "counts"),
    [
        (ReasonCode.OUT_OF_STOCK, None, None, PROMISED, Counting.SELLER, True),
        (ReasonCode.OUT_OF_STOCK, True, PROMISED, PROMISED, Counting.SELLER, True),  # the seller's reason counts
        (ReasonCode.OTHER, False, None, PROMISED, Counting.SELLER, True),
        (RBC, False, PROMISED, date(2026, 12, 1), Counting.NOT_ASKED, True),  # the customer did not ask
        (RBC, True, PROMISED, date(2026, 12, 1), Counting.IN_TIME, False),  # before the promised date
        (RBC, True, PROMISED, PROMISED, Counting.IN_TIME, False),  # on it
        (RBC, True, PROMISED, date(2026, 12, 4), Counting.LATE, True),  # after it
        (RBC, True, None, date(2026, 12, 1), Counting.PROMISED_UNKNOWN, None),  # the date not known
        (RBC, None, PROMISED, date(2026, 12, 1), Counting.ASKED_UNKNOWN, None),  # not compared with bol
    ],
)
def test_what_counts(
    reason: ReasonCode, asked: bool | None, promised: date | None, confirmed: date, expected: Counting, counts: bool
) -> None:
    found = counting(reason, customer_asked=asked, promised=promised, confirmed=confirmed)
    assert found is expected
    assert found.counts is counts
    assert stored_counting(found.value) is found


def test_the_reason_alone_never_says_a_customer_request_does_not_count() -> None:
    assert by_reason(ReasonCode.OUT_OF_STOCK) is Counting.SELLER
    assert by_reason(RBC).counts is None
    assert stored_counting("") is None and stored_counting("nonsense") is None


def test_bols_day_and_week_are_amsterdams() -> None:
    late_sunday = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # Monday 00:30 in Amsterdam
    assert bol_day(late_sunday) == date(2026, 12, 7)
    assert Week.of(late_sunday) == Week(2026, 50)
    assert Week.of(datetime(2026, 12, 6, 22, 59, tzinfo=UTC)) == Week(2026, 49)
    assert Week.of(datetime(2027, 1, 1, 12, tzinfo=UTC)) == Week(2026, 53)  # ISO years cross new year


def test_the_scale_is_in_one_place() -> None:
    assert percent(0.02) == 2.0
    assert percent_of(15, 612) == 2.45
    assert percent_of(4, 612) == 0.65
    assert percent_of(1, 0) == 0.0


STANDING = Standing(Week(2026, 49), 4, 612, 0.02)


@pytest.mark.parametrize(
    ("standing", "this_run", "unsure", "strike", "may", "crosses"),
    [
        (STANDING, 7, 0, False, False, False),  # 11 of 612 = 1.80 %: within
        (STANDING, 11, 0, True, True, True),  # 15 of 612 = 2.45 %: a strike
        (STANDING, 8, 0, False, False, False),  # 12 of 612 = 1.96 %
        (STANDING, 9, 0, True, True, True),  # 13 of 612 = 2.12 %
        (Standing(Week(2026, 49), 0, 50, 0.02), 2, 0, False, False, False),  # 4 % but fewer than 3 items
        (Standing(Week(2026, 49), 0, 50, 0.02), 3, 0, True, True, True),  # 3 items, 6 %
        (Standing(Week(2026, 49), 0, 150, 0.02), 3, 0, False, False, False),  # 3 of 150 = 2 %: not above
        (Standing(Week(2026, 49), 4, 100, 0.02), 0, 0, True, True, False),  # struck already: this run adds none
        (STANDING, 7, 4, False, True, True),  # only if the unknown rows count
        (NotKnown(Unknown.NO_ENDPOINT), 500, 0, False, False, False),  # Plaza: never holds
    ],
)
def test_strike_and_crossing(
    standing: Standing | NotKnown, this_run: int, unsure: int, strike: bool, may: bool, crosses: bool
) -> None:
    effect = NormEffect(standing, this_run, unsure)
    assert (effect.strike, effect.may_strike, effect.crosses) == (strike, may, crosses)


def test_the_json_is_exactly_the_issues() -> None:
    effect = NormEffect(STANDING, 11)
    assert norm_json(effect) == {
        "known": True,
        "year": 2026,
        "week": 49,
        "numerator": 4,
        "denominator": 612,
        "this_run": 11,
        "after_percent": 2.45,
        "norm_percent": 2.0,
        "strike": True,
    }
    assert norm_json(NormEffect(NotKnown(Unknown.REFUSED, "HTTP 503 Service Unavailable"), 3)) == {
        "known": False,
        "why": "bol answered HTTP 503 Service Unavailable",
    }


def test_in_words_english_and_dutch() -> None:
    english = norm_lines(NormEffect(STANDING, 11), "en")
    assert english[0] == "This week (2026-W49): 4 of 612 items cancelled (0.65 %)."
    assert english[1] == "This run adds 11 that count: 15 of 612 (2.45 %), above bol's 2 % norm: expect a strike."
    assert english[-1].startswith("An estimate:")
    dutch = norm_lines(NormEffect(STANDING, 11), "nl")
    assert dutch[0] == "Deze week (2026-W49): 4 van 612 artikelen geannuleerd (0,65 %)."
    assert "15 van 612 (2,45 %), boven de norm van 2 % van bol: reken op een strike" in dutch[1]
    few = norm_lines(NormEffect(Standing(Week(2026, 49), 0, 50, 0.02), 2), "en", done=True)
    assert (
        few[1] == "This run added 2 that count: 2 of 50 (4 %), above 2 %, but bol measures from 3 items on: no strike."
    )
    within = norm_lines(NormEffect(STANDING, 1, 2), "en")
    assert "within bol's 2 % norm" in within[1] and within[2].startswith("2 more may count")
    unknown = norm_lines(NormEffect(NotKnown(Unknown.NO_ENDPOINT), 3), "nl")
    assert unknown == [
        "De stand van deze week is niet bekend: de Plaza API v2 heeft geen prestatie-indicator (de Retailer API v10 wel).",
        "Deze run voegt er 3 toe die meetellen.",
    ]


def test_every_counting_and_reason_has_both_languages() -> None:
    for found in Counting:
        assert counting_cell(found, "en") and counting_cell(found, "nl")
        assert counting_cell(found, "en") != counting_cell(found, "nl")
    assert counting_cell(None, "en") == ""
    for why in Unknown:
        lines_en = norm_lines(NormEffect(NotKnown(why, "x")), "en")
        lines_nl = norm_lines(NormEffect(NotKnown(why, "x")), "nl")
        assert lines_en != lines_nl and "{" not in lines_en[0] + lines_nl[0]
