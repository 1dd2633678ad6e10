"""The v10 performance indicator CANCELLATIONS: bol's answer read strictly, and the simulator's route."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bulkcancel.errors import ConfigError
from bulkcancel.norm.standing import NotKnown, Standing, Unknown, Week
from bulkcancel.retailer.client import RetailerClient
from bulkcancel.retailer.environments import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, ClientCredentials, resolve_target
from bulkcancel.retailer.indicator import parse_indicator
from bulkcancel.simulator.performance import WeekNumbers
from bulkcancel.simulator.retailer import RetailerConfig
from bulkcancel.simulator.scenario import Scenario, scenario_from_dict
from tests.conftest import Served

WEEK = Week(2026, 49)
SPEC_EXAMPLE = {  # bol's v10 spec (docs/bol-apis.md): week and year as strings, fractions
    "performanceIndicators": [
        {
            "name": "CANCELLATIONS",
            "type": "PERCENTAGE",
            "details": {
                "period": {"week": "49", "year": "2026"},
                "score": {
                    "conforms": True,
                    "numerator": 4,
                    "denominator": 612,
                    "value": 0.0065,
                    "distanceToNorm": 0.01,
                },
                "norm": {"condition": "<=", "value": 0.02},
            },
        }
    ]
}


def body(**changes: Any) -> bytes:
    data = json.loads(json.dumps(SPEC_EXAMPLE))
    details = data["performanceIndicators"][0]["details"]
    for key, value in changes.items():
        if value is None:
            details.pop(key)
        else:
            details[key] = value
    return json.dumps(data).encode()


def test_bols_answer_is_the_standing() -> None:
    assert parse_indicator(body(), WEEK) == Standing(WEEK, 4, 612, 0.02, 0.0065)


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (body(score=None), Unknown.NO_SCORE),  # bol leaves score out when it has none
        (body(score={"numerator": 0, "denominator": 0, "value": 0}), Unknown.NO_SCORE),
        (body(period={"week": "48", "year": "2026"}), Unknown.UNREADABLE),  # another week's
        (body(norm={"condition": "<=", "value": 2}), Unknown.UNREADABLE),  # a norm in percent: not guessed at
        (body(norm={"condition": ">=", "value": 0.02}), Unknown.UNREADABLE),
        (body(score={"numerator": 4, "denominator": 612, "value": 0.65}), Unknown.UNREADABLE),  # a percentage
        (body(score={"numerator": "four", "denominator": 612}), Unknown.UNREADABLE),
        (b"<html>502</html>", Unknown.UNREADABLE),
        (b'{"performanceIndicators": []}', Unknown.UNREADABLE),
        (b"{}", Unknown.UNREADABLE),
    ],
)
def test_anything_else_is_not_known(answer: bytes, why: Unknown) -> None:
    found = parse_indicator(answer, WEEK)
    assert isinstance(found, NotKnown) and found.why is why


def standing_of(sim: Served, week: Week = WEEK) -> Standing | NotKnown:
    async def read() -> Standing | NotKnown:
        target = resolve_target(None, sim.url)
        async with RetailerClient(target, ClientCredentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)) as client:
            return await client.cancellation_standing(week)

    return asyncio.run(read())


def test_the_simulator_answers_each_week_from_the_scenario(serve_retailer: Callable[..., Served]) -> None:
    weeks = (WeekNumbers(4, 612, 2026, 49), WeekNumbers(1, 300))
    sim = serve_retailer(Scenario(cancellation_weeks=weeks))
    assert standing_of(sim) == Standing(WEEK, 4, 612, 0.02, 0.0065)
    assert standing_of(sim, Week(2027, 1)) == Standing(Week(2027, 1), 1, 300, 0.02, 0.0033)  # every other week


def test_a_week_without_numbers_has_no_score(serve_retailer: Callable[..., Served]) -> None:
    found = standing_of(serve_retailer(Scenario()))
    assert isinstance(found, NotKnown) and found.why is Unknown.NO_SCORE


@pytest.mark.parametrize("status", [400, 500, 503])
def test_the_error_mode(serve_retailer: Callable[..., Served], status: int) -> None:
    sim = serve_retailer(Scenario(), RetailerConfig(settle_seconds=0, indicator_status=status))
    found = standing_of(sim)
    assert isinstance(found, NotKnown) and found.why is Unknown.REFUSED and f"HTTP {status}" in found.detail


def test_an_unreachable_server_is_not_known() -> None:
    found = standing_of(Served(None, "http://127.0.0.1:9"))  # type: ignore[arg-type]  # nothing listens there
    assert isinstance(found, NotKnown) and found.why is Unknown.UNREACHABLE


def test_the_route_is_paced_and_checks_its_query(serve_retailer: Callable[..., Served]) -> None:
    sim = serve_retailer(Scenario(cancellation_weeks=(WeekNumbers(4, 612),)))
    token = httpx.post(
        f"{sim.url}/token", auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET), data={"grant_type": "client_credentials"}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.retailer.v10+json"}
    path = f"{sim.url}/retailer/insights/performance/indicator"
    good = httpx.get(path, params={"name": "CANCELLATIONS", "year": "2026", "week": "49"}, headers=headers)
    assert good.status_code == 200 and good.headers["x-ratelimit-limit"] == "20"  # 20 a minute
    assert good.json()["performanceIndicators"][0]["details"]["period"] == {"week": "49", "year": "2026"}
    bad = httpx.get(path, params={"name": "CANCELLATIONS", "year": "2026"}, headers=headers)
    assert bad.status_code == 400 and bad.json()["violations"] == [{"name": "week", "reason": "must not be blank"}]


@pytest.mark.parametrize(
    "weeks", [{"numerator": 1}, [{"numerator": -1, "denominator": 3}], [{"numerator": True, "denominator": 3}]]
)
def test_a_broken_scenario_is_one_clear_error(weeks: Any) -> None:
    with pytest.raises(ConfigError, match="cancellation_weeks"):
        scenario_from_dict({"cancellation_weeks": weeks})
