"""The 12 Plaza v2 cancellation reason codes, what they mean, and how to read them from a sheet."""

from __future__ import annotations

import difflib
import re
from enum import StrEnum


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

    @property
    def meaning(self) -> str:
        """A one-line explanation for people filling in the sheet."""
        return MEANINGS[self]


MEANINGS: dict[ReasonCode, str] = {
    ReasonCode.OUT_OF_STOCK: "Out of stock, or sold through another channel",
    ReasonCode.REQUESTED_BY_CUSTOMER: "Confirms the customer's own cancellation request",
    ReasonCode.BAD_CONDITION: "The item is no longer in good condition",
    ReasonCode.HIGHER_SHIPCOST: "Shipping costs turned out higher than expected",
    ReasonCode.INCORRECT_PRICE: "The offer's price was wrong",
    ReasonCode.NOT_AVAIL_IN_TIME: "The item cannot be delivered in time",
    ReasonCode.NO_BOL_GUARANTEE: "The item is not covered by the bol.com guarantee",
    ReasonCode.ORDERED_TWICE: "The customer ordered the same item twice",
    ReasonCode.RETAIN_ITEM: "The seller wants to keep the item",
    ReasonCode.TECH_ISSUE: "A technical problem on the seller's side",
    ReasonCode.UNFINDABLE_ITEM: "The item cannot be found in the warehouse",
    ReasonCode.OTHER: "Another reason",
}

MEANINGS_NL: dict[ReasonCode, str] = {
    ReasonCode.OUT_OF_STOCK: "Niet op voorraad, of via een ander kanaal verkocht",
    ReasonCode.REQUESTED_BY_CUSTOMER: "Bevestigt het annuleringsverzoek van de klant zelf",
    ReasonCode.BAD_CONDITION: "Het artikel is niet meer in goede staat",
    ReasonCode.HIGHER_SHIPCOST: "De verzendkosten vallen hoger uit dan verwacht",
    ReasonCode.INCORRECT_PRICE: "De prijs van het aanbod was onjuist",
    ReasonCode.NOT_AVAIL_IN_TIME: "Het artikel kan niet op tijd geleverd worden",
    ReasonCode.NO_BOL_GUARANTEE: "Het artikel valt niet onder de bol.com-garantie",
    ReasonCode.ORDERED_TWICE: "De klant heeft hetzelfde artikel twee keer besteld",
    ReasonCode.RETAIN_ITEM: "De verkoper wil het artikel houden",
    ReasonCode.TECH_ISSUE: "Een technisch probleem aan de kant van de verkoper",
    ReasonCode.UNFINDABLE_ITEM: "Het artikel is niet te vinden in het magazijn",
    ReasonCode.OTHER: "Een andere reden",
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
