"""The week's standing against bol's cancellation norm, and what a run does to it: values, pure.

bol's performance indicator ``CANCELLATIONS`` gives a week's numerator (items cancelled that
count), denominator (items ordered), value and norm as fractions (0.02 is the 2 % norm); the
percentages people read are made here and nowhere else (``percent``). A strike comes when 3 or
more items count in a week and they are more than the norm. Whether an item of an earlier week
moves this week's denominator is not published, so a run's effect is an estimate: the
standing's numerator plus the run's counted rows, over the same denominator
(docs/bol-apis.md, "The cancellation norm").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bulkcancel.norm.counting import BOL_ZONE

MIN_ITEMS = 3  # bol measures from 3 cancelled items in a week on
PERCENT_PER_FRACTION = 100  # bol's values are fractions of 1; people read percentages


def percent(fraction: float) -> float:
    """A fraction of bol's (0.0245) as the percentage people read (2.45)."""
    return round(fraction * PERCENT_PER_FRACTION, 2)


def percent_of(count: int, denominator: int) -> float:
    """``count`` of ``denominator`` as a percentage, rounded to 2 places (0 when there is no denominator)."""
    return round(PERCENT_PER_FRACTION * count / denominator, 2) if denominator > 0 else 0.0


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week as bol counts it (in Europe/Amsterdam)."""

    year: int
    week: int

    @classmethod
    def of(cls, moment: datetime) -> Week:
        """The week ``moment`` falls in, on bol's calendar (an aware datetime)."""
        iso = moment.astimezone(BOL_ZONE).isocalendar()
        return cls(iso.year, iso.week)


@dataclass(frozen=True)
class Standing:
    """bol's reading of one week: ``numerator`` of ``denominator`` items cancelled; ``norm`` and ``value``
    (bol's score, as it gave it; None when it gave none) are fractions."""

    week: Week
    numerator: int
    denominator: int
    norm: float = 0.02
    value: float | None = None


class Unknown(StrEnum):
    """Why the standing is not known."""

    NO_ENDPOINT = "no-endpoint"  # the API has no performance indicator (Plaza v2)
    NOT_ASKED = "not-asked"  # the run asked bol nothing (a dry run without --check)
    REFUSED = "refused"  # bol answered with an error
    UNREACHABLE = "unreachable"  # bol could not be reached
    UNREADABLE = "unreadable"  # bol's answer was not the indicator
    NO_SCORE = "no-score"  # bol has no score for the week (no items ordered yet)


@dataclass(frozen=True)
class NotKnown:
    """The standing could not be had: ``why``, and what bol said (an HTTP status, a title) in ``detail``."""

    why: Unknown
    detail: str = ""


@dataclass(frozen=True)
class NormEffect:
    """A run against the week's standing: ``this_run`` rows that count, ``unsure`` whose count is not known."""

    standing: Standing | NotKnown
    this_run: int = 0
    unsure: int = 0

    @property
    def known(self) -> Standing | None:
        """The standing, when bol gave it."""
        return self.standing if isinstance(self.standing, Standing) else None

    def _strike(self, cancelled: int) -> bool:
        known = self.known
        if known is None or known.denominator <= 0:
            return False
        return cancelled >= MIN_ITEMS and PERCENT_PER_FRACTION * cancelled / known.denominator > percent(known.norm)

    @property
    def after(self) -> int:
        """Items cancelled in the week that count, with this run's."""
        known = self.known
        return (known.numerator if known else 0) + self.this_run

    @property
    def strike(self) -> bool:
        """Whether the week ends above the norm with this run's counted rows."""
        return self._strike(self.after)

    @property
    def may_strike(self) -> bool:
        """Whether it would if every row whose count is not known counted too."""
        return self._strike(self.after + self.unsure)

    @property
    def crosses(self) -> bool:
        """Whether this run adds rows that (may) count to a week that ends (or may end) above the norm:
        what a production run must not do without the person saying so."""
        return self.this_run + self.unsure > 0 and self.may_strike
