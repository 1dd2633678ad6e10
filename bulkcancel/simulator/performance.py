"""The simulated account's cancellation standing per week, from the scenario file::

    "cancellation_weeks": [
      {"year": 2026, "week": 49, "numerator": 4, "denominator": 612},
      {"numerator": 1, "denominator": 300}          # every week the file does not list
    ]

Without an entry for a week, bol's answer leaves ``score`` out (it has no score yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bulkcancel.errors import ConfigError

NORM = 0.02  # bol's cancellation norm, a fraction (2 %)


@dataclass(frozen=True)
class WeekNumbers:
    """A week's items cancelled that count (``numerator``) of items ordered (``denominator``)."""

    numerator: int
    denominator: int
    year: int | None = None  # None: the numbers of every week not listed
    week: int | None = None


def _whole(raw: dict[str, Any], key: str) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"scenario cancellation_weeks: {key} must be a whole number >= 0 in {raw!r}")
    return value


def weeks_from(raw: Any) -> tuple[WeekNumbers, ...]:
    """The ``cancellation_weeks`` of a scenario file (a ConfigError for a broken entry)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        raise ConfigError("scenario cancellation_weeks must be a list of objects")
    weeks = []
    for entry in raw:
        dated = "year" in entry or "week" in entry
        weeks.append(
            WeekNumbers(
                _whole(entry, "numerator"),
                _whole(entry, "denominator"),
                _whole(entry, "year") if dated else None,
                _whole(entry, "week") if dated else None,
            )
        )
    return tuple(weeks)


def numbers_for(weeks: tuple[WeekNumbers, ...], year: int, week: int) -> WeekNumbers | None:
    """The numbers of ``year``/``week``: its own entry, else the undated one, else None."""
    for entry in weeks:
        if (entry.year, entry.week) == (year, week):
            return entry
    return next((entry for entry in weeks if entry.year is None), None)
