"""Whether one cancellation counts against bol's cancellation norm: the rule, pure.

bol counts every cancellation except a customer's own request confirmed on or before the
item's promised delivery date; a customer's request confirmed after that date counts, and so
does ``REQUESTED_BY_CUSTOMER`` where the customer did not ask (docs/bol-apis.md, "The
cancellation norm"). Dates are bol's: the calendar day in Europe/Amsterdam.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bulkcancel.reasons import ReasonCode

BOL_ZONE = ZoneInfo("Europe/Amsterdam")  # bol's days and weeks


class Counting(StrEnum):
    """How one cancellation stands against the norm, and why (the value is what the journal keeps)."""

    SELLER = "seller"  # counts: a reason of the seller's (anything but REQUESTED_BY_CUSTOMER)
    NOT_ASKED = "not-asked"  # counts: REQUESTED_BY_CUSTOMER, but the customer did not ask
    LATE = "late"  # counts: the customer's request, confirmed after the promised delivery date
    IN_TIME = "in-time"  # does not count: the customer's request, confirmed on or before that date
    ASKED_UNKNOWN = "asked-unknown"  # not known: whether the customer asked (not compared with bol's orders)
    PROMISED_UNKNOWN = "promised-unknown"  # not known: the customer asked, the promised date is not known

    @property
    def counts(self) -> bool | None:
        """True: counts against the norm; False: does not; None: not known."""
        if self in (Counting.ASKED_UNKNOWN, Counting.PROMISED_UNKNOWN):
            return None
        return self is not Counting.IN_TIME


def bol_day(moment: datetime) -> date:
    """The calendar day of ``moment`` as bol counts it (Europe/Amsterdam)."""
    return moment.astimezone(BOL_ZONE).date()


def counting(reason: ReasonCode, *, customer_asked: bool | None, promised: date | None, confirmed: date) -> Counting:
    """Whether a cancellation with ``reason``, confirmed on bol's day ``confirmed``, counts.

    ``customer_asked``: whether bol lists a cancellation request of the customer for the item
    (None: not known); ``promised``: the item's promised delivery date (None: not known).
    """
    if reason is not ReasonCode.REQUESTED_BY_CUSTOMER:
        return Counting.SELLER
    if customer_asked is None:
        return Counting.ASKED_UNKNOWN
    if not customer_asked:
        return Counting.NOT_ASKED
    if promised is None:
        return Counting.PROMISED_UNKNOWN
    return Counting.IN_TIME if confirmed <= promised else Counting.LATE


def by_reason(reason: ReasonCode) -> Counting:
    """What the reason alone tells (nothing known about the customer or the date)."""
    return Counting.SELLER if reason is not ReasonCode.REQUESTED_BY_CUSTOMER else Counting.ASKED_UNKNOWN


def stored_counting(text: str) -> Counting | None:
    """A Counting as the journal keeps it (None for an empty or unknown value)."""
    try:
        return Counting(text) if text else None
    except ValueError:
        return None
