"""The words of the stock-out sheet: each decision's why, the norm column, headers and captions.

English msgids shown through ``bulkcancel.i18n`` (English and Dutch); the decisions
themselves are values (``stock.allocate.Why``, ``Counts``), made words only here.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bulkcancel.i18n import N_, gettext, ngettext
from bulkcancel.stock.allocate import Counts, Decision, Why

AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the sheet's times are bol's (as the Fetched sheet's)

SHEETS: dict[str, str] = {
    "to_cancel": N_("To cancel"),
    "kept": N_("Kept"),
    "not_cancellable": N_("Not yours to cancel"),
    "sent_before": N_("Sent before"),
    "without": N_("No open items"),
    "fetched": N_("Fetched"),
}

HEADERS: dict[str, str] = {
    "title": N_("Title"),
    "quantity": N_("Quantity"),
    "ordered": N_("Ordered at"),
    "promised": N_("Promised delivery"),
    "expiry": N_("Expiry date"),
    "counts": N_("Counts against the norm"),
    "why": N_("Why"),
    "note": N_("Note"),
    "fulfilment": N_("Fulfilment"),
    "delivered_by": N_("Delivered by"),
    "units": N_("Units in stock"),
    "row": N_("Row"),
    "what": N_("What"),
    "value": N_("Value"),
}

CAPTIONS: dict[str, str] = {
    "fetched_at": N_("Open orders fetched at"),
    "api": N_("API"),
    "environment": N_("Environment"),
    "products": N_("Products sheet"),
    "pages": N_("Pages of open orders read"),
    "orders_read": N_("Orders read for their dates"),
    "next": N_("Next step"),
    "next_text": N_("Review the first sheet, then: {command}"),
    "none_to_cancel": N_("Nothing to cancel: every open item of these products is kept or not yours to cancel"),
}


def sheet_name(key: str, lang: str) -> str:
    """A sheet's name in ``lang``."""
    return gettext(lang, SHEETS[key])


def header(key: str, lang: str) -> str:
    """A column header in ``lang``."""
    return gettext(lang, HEADERS[key])


def caption(key: str, lang: str, **named: object) -> str:
    """A caption of the Fetched sheet in ``lang``."""
    return gettext(lang, CAPTIONS[key], **named)


def _units(lang: str, n: int) -> str:
    return ngettext(lang, "{n} unit", "{n} units", n)


def why(decision: Decision, lang: str) -> str:
    """Why this order item lands where it does, in ``lang``."""
    quantity = decision.item.open_quantity
    match decision.why:
        case Why.NO_UNITS:
            return gettext(lang, "no units left of this product")
        case Why.UNITS_TAKEN:
            return ngettext(
                lang,
                "the {units} left went to the order promised first",
                "the {units} left went to the {n} orders promised first",
                decision.earlier,
                units=_units(lang, decision.earlier_units),
            )
        case Why.TOO_FEW:
            return gettext(
                lang,
                "needs {needed}, only {left} left (they go to the next orders they fit)",
                needed=_units(lang, quantity),
                left=_units(lang, decision.units_left),
            )
        case Why.CUSTOMER_ASKED:
            return gettext(lang, "the customer asked to cancel (takes no units)")
        case Why.FITS:
            return gettext(
                lang,
                "kept: takes {needed} of the {left} left",
                needed=_units(lang, quantity),
                left=_units(lang, decision.units_left),
            )
        case Why.FBB:
            return gettext(lang, "FBB: bol fulfils this item; it is not yours to cancel")
        case Why.BOL_DISTRIBUTES:
            return gettext(lang, "bol delivers this item (distribution party BOL); it is not yours to cancel")
        case Why.CANCELLED_BEFORE | Why.CANCELLED_WITH_OTHER_API | Why.SENT_BEFORE:
            return _sent_before(decision, lang)
    raise AssertionError(decision.why)  # pragma: no cover


def _sent_before(decision: Decision, lang: str) -> str:
    before = decision.before
    assert before is not None
    when = f"{before.at.astimezone(AMSTERDAM):%d-%m-%Y %H:%M}" if before.at else "?"
    if decision.why is Why.CANCELLED_WITH_OTHER_API:
        return gettext(
            lang,
            "already cancelled in run {run_id} ({when}) with the seller's other credentials (the other bol API); "
            "bol's list still shows it open",
            run_id=before.run_id,
            when=when,
        )
    if decision.why is Why.CANCELLED_BEFORE:
        return gettext(
            lang,
            "already cancelled in run {run_id} ({when}); bol's list still shows it open",
            run_id=before.run_id,
            when=when,
        )
    return gettext(
        lang,
        "sent in run {run_id} ({when}), bol's answer not final yet: run that sheet again to follow it up",
        run_id=before.run_id,
        when=when,
    )


def counts(decision: Decision, today: date, lang: str) -> str:
    """The "Counts against the norm" cell of a row to cancel, in ``lang``."""
    match decision.counts(today):
        case Counts.YES:
            return gettext(lang, "yes")
        case Counts.NO_IF_SENT_BY_PROMISED:
            promised = decision.item.promised_delivery
            return gettext(lang, "no, if cancelled by {date}", date=f"{promised:%d-%m-%Y}")
        case Counts.NOT_KNOWN:
            return gettext(lang, "not known: bol gave no promised delivery date")
    raise AssertionError(decision)  # pragma: no cover
