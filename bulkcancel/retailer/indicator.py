"""The v10 performance indicator ``CANCELLATIONS``: the query and its answer, read strictly.

``GET /retailer/insights/performance/indicator?name=CANCELLATIONS&year=Y&week=W`` answers
``{"performanceIndicators": [{"name", "type", "details": {"period": {"week", "year"},
"score": {"numerator", "denominator", "value", ...}, "norm": {"condition", "value"}}}]}``;
``score`` is left out when bol has no score for the week, and week and year come as strings
(docs/bol-apis.md). Anything else is not the standing: it is not guessed at.
"""

from __future__ import annotations

import json
from typing import Any

from bulkcancel.norm.standing import NotKnown, Standing, Unknown, Week

INDICATOR_PATH = "/retailer/insights/performance/indicator"
NAME = "CANCELLATIONS"
VALUE_TOLERANCE = 0.001  # bol's value may be rounded; a percentage (100 times more) is far outside this


def indicator_params(week: Week) -> dict[str, str]:
    """The query for one week's cancellations (ISO year and week, as bol's strings)."""
    return {"name": NAME, "year": str(week.year), "week": str(week.week)}


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_indicator(body: bytes, week: Week) -> Standing | NotKnown:
    """The week's standing from a 200 answer, or why it cannot be read from it."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return NotKnown(Unknown.UNREADABLE, "not JSON")
    indicators = data.get("performanceIndicators") if isinstance(data, dict) else None
    if not isinstance(indicators, list):
        return NotKnown(Unknown.UNREADABLE, "no performanceIndicators")
    found = [i for i in indicators if isinstance(i, dict) and i.get("name") == NAME]
    if len(found) != 1 or not isinstance(details := found[0].get("details"), dict):
        return NotKnown(Unknown.UNREADABLE, f"no single {NAME} indicator")
    period = _mapping(details.get("period"))
    if (_int(period.get("year")), _int(period.get("week"))) != (week.year, week.week):
        return NotKnown(Unknown.UNREADABLE, f"the answer is not for {week.year}-W{week.week:02d}")
    norm = _mapping(details.get("norm"))
    norm_value = _number(norm.get("value"))
    if norm.get("condition") != "<=" or norm_value is None or not 0 < norm_value < 1:
        return NotKnown(Unknown.UNREADABLE, f"an unexpected norm {norm!r}")
    score = details.get("score")
    if score is None:
        return NotKnown(Unknown.NO_SCORE, f"{week.year}-W{week.week:02d}")
    if not isinstance(score, dict):
        return NotKnown(Unknown.UNREADABLE, "score is not an object")
    numerator, denominator = _int(score.get("numerator")), _int(score.get("denominator"))
    if numerator is None or denominator is None or numerator < 0 or denominator < 0:
        return NotKnown(Unknown.UNREADABLE, "score without a whole numerator and denominator")
    if denominator == 0:
        return NotKnown(Unknown.NO_SCORE, f"{week.year}-W{week.week:02d}: no items ordered")
    value = _number(score.get("value"))
    if value is not None and abs(value - numerator / denominator) > VALUE_TOLERANCE:
        # value is numerator over denominator as a fraction; anything else (a percentage) is another scale
        return NotKnown(Unknown.UNREADABLE, f"a score value {value!r} that is not {numerator}/{denominator}")
    return Standing(week, numerator, denominator, norm_value, value)
