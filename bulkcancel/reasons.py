"""The 12 Plaza v2 cancellation reason codes, what they mean, and how to read them from a sheet."""

from __future__ import annotations

import difflib
import re
from enum import StrEnum

from bulkcancel.i18n import N_, Language, gettext


class ReasonCode(StrEnum):
    """A cancellation reason as bol.com spells it (order as in the Plaza v2 clients)."""

    OUT_OF_STOCK = "OUT_OF_STOCK"
    REQUESTED_BY_CUSTOMER = "REQUESTED_BY_CUSTOMER"
    BAD_CONDITION = "BAD_CONDITION"
    HIGHER_SHIPCOST = "HIGHER_SHIPCOST"
    INCORRECT_PRICE = "INCORRECT_PRICE"
    NOT_AVAIL_IN_TIME = "NOT_AVAIL_IN_TIME"
    NO_BOL_GUARANTEE = "NO_BOL_GUARANTEE"
    ORDERED_TWICE = "ORDERED_TWICE"
    RETAIN_ITEM = "RETAIN_ITEM"
    TECH_ISSUE = "TECH_ISSUE"
    UNFINDABLE_ITEM = "UNFINDABLE_ITEM"
    OTHER = "OTHER"

    def meaning(self, lang: str = Language.EN) -> str:
        """A one-line explanation for people filling in the sheet, in ``lang``."""
        return gettext(lang, MEANINGS[self])


MEANINGS: dict[ReasonCode, str] = {
    ReasonCode.OUT_OF_STOCK: N_("Out of stock, or sold through another channel"),
    ReasonCode.REQUESTED_BY_CUSTOMER: N_("Confirms the customer's own cancellation request"),
    ReasonCode.BAD_CONDITION: N_("The item is no longer in good condition"),
    ReasonCode.HIGHER_SHIPCOST: N_("Shipping costs turned out higher than expected"),
    ReasonCode.INCORRECT_PRICE: N_("The offer's price was wrong"),
    ReasonCode.NOT_AVAIL_IN_TIME: N_("The item cannot be delivered in time"),
    ReasonCode.NO_BOL_GUARANTEE: N_("The item is not covered by the bol.com guarantee"),
    ReasonCode.ORDERED_TWICE: N_("The customer ordered the same item twice"),
    ReasonCode.RETAIN_ITEM: N_("The seller wants to keep the item"),
    ReasonCode.TECH_ISSUE: N_("A technical problem on the seller's side"),
    ReasonCode.UNFINDABLE_ITEM: N_("The item cannot be found in the warehouse"),
    ReasonCode.OTHER: N_("Another reason"),
}

# Words staff type instead of the code; keys are normalised like the input.
_ALIASES: dict[str, ReasonCode] = {
    "CUSTOMER_REQUEST": ReasonCode.REQUESTED_BY_CUSTOMER,
    "CUSTOMER": ReasonCode.REQUESTED_BY_CUSTOMER,
    "KLANTVERZOEK": ReasonCode.REQUESTED_BY_CUSTOMER,
    "OP_VERZOEK_VAN_KLANT": ReasonCode.REQUESTED_BY_CUSTOMER,
    "UITVERKOCHT": ReasonCode.OUT_OF_STOCK,
    "NIET_OP_VOORRAAD": ReasonCode.OUT_OF_STOCK,
    "OUT_OF_STOCK_": ReasonCode.OUT_OF_STOCK,
}

_SEPARATORS = re.compile(r"[\s\-./]+")


def _normalise(text: str) -> str:
    return _SEPARATORS.sub("_", text.strip().upper()).strip("_")


def parse_reason(text: str) -> ReasonCode | None:
    """The reason code ``text`` names (``out of stock`` -> OUT_OF_STOCK), or None."""
    key = _normalise(text)
    try:
        return ReasonCode(key)
    except ValueError:
        return _ALIASES.get(key)


def suggest_reason(text: str) -> ReasonCode | None:
    """The code closest to an unknown ``text``, for a "did you mean" hint."""
    key = _normalise(text)
    if not key:
        return None
    names = [code.value for code in ReasonCode]
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    if close:
        return ReasonCode(close[0])
    # A prefix or a fragment is a strong hint too ("OUT_OF", "AVAILABLE").
    if len(key) < 3:
        return None
    for code in ReasonCode:
        if key in code.value or code.value.startswith(key[:6]):
            return code
    return None
