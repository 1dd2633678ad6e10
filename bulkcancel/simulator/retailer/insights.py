"""``GET /retailer/insights/performance/indicator`` of the Retailer simulator (CANCELLATIONS only).

bol's shape (docs/bol-apis.md): week and year as strings, score and norm as fractions;
``score`` left out when the scenario has no numbers for the week. ``indicator_status`` in the
config answers every request with that HTTP status instead (the error mode).
"""

from __future__ import annotations

from typing import Any

from bulkcancel.simulator.performance import NORM, numbers_for
from bulkcancel.simulator.scenario import Scenario

NAMES = (
    "CANCELLATIONS",
    "FULFILMENT",
    "PHONE_AVAILABILITY",
    "RESPONSE_TIME",
    "CASE_ITEM_RATIO",
    "TRACK_AND_TRACE",
    "RETURNS",
    "REVIEWS",
)


def violations(params: dict[str, str]) -> list[tuple[str, str]]:
    """bol's violations for a query that does not meet the spec (name, year and week are required)."""
    found = []
    if params.get("name") not in NAMES:
        found.append(("name", f"Request contains invalid value(s): '{params.get('name')}'."))
    for key in ("year", "week"):
        if not params.get(key, "").isdigit():
            found.append((key, "must not be blank" if not params.get(key) else "must be a number"))
    if not found and not 1 <= int(params["week"]) <= 53:
        found.append(("week", "must be between 1 and 53"))
    return found


def indicator(scenario: Scenario, params: dict[str, str]) -> dict[str, Any]:
    """The answer for a valid query: the scenario's numbers of the week asked for."""
    year, week = int(params["year"]), int(params["week"])
    details: dict[str, Any] = {
        "period": {"week": f"{week:02d}", "year": str(year)},
        "norm": {"condition": "<=", "value": NORM},
    }
    numbers = numbers_for(scenario.cancellation_weeks, year, week) if params["name"] == "CANCELLATIONS" else None
    if numbers is not None and numbers.denominator > 0:
        value = round(numbers.numerator / numbers.denominator, 4)
        details["score"] = {
            "conforms": value <= NORM,
            "numerator": numbers.numerator,
            "denominator": numbers.denominator,
            "value": value,
            "distanceToNorm": round(NORM - value, 4),
        }
    return {"performanceIndicators": [{"name": params["name"], "type": "PERCENTAGE", "details": details}]}
