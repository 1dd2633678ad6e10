"""Row messages: each says what is wrong and how to fix it (shown through ``bulkcancel.i18n``).

A message is a ``i18n.Localized``: its English text that also remembers its key and
values, so it can be shown in the language of the people who fill in the sheet
(``--lang nl``, or detected from Dutch column names). The key is the message's kind
(``RowCheck.kinds``, counted by ``check.damage``); the text is only ever shown.
"""

from __future__ import annotations

from bulkcancel.i18n import N_, Language, Localized, render

LANGUAGES = Language.codes()

CATALOGUE: dict[str, str] = {
    "id.empty": N_("OrderItemId is empty: fill in the order item's id from bol"),
    "id.scientific": N_(
        "OrderItemId {raw!r} is in scientific notation, so Excel has lost its last digits: format the column "
        "as Text and paste the IDs again"
    ),
    "id.spaces": N_("OrderItemId {raw!r} has spaces inside; remove them"),
    "id.not_number": N_("OrderItemId {raw!r} is not a whole number; use the digits only, e.g. 2012345678"),
    "id.zero": N_("OrderItemId 0 is not an order item id"),
    "id.too_long": N_(
        "OrderItemId {raw!r} has {digits} digits, more than an order item id has; check you copied the right column"
    ),
    "id.decimal": N_(
        "OrderItemId {raw} is a number with decimals in the sheet, not an order item id: format the column "
        "as Text and type the id again"
    ),
    "cell.error": N_("{column} shows the Excel error {shown}: fix the formula in that cell or type the value"),
    "cell.no_value": N_(
        "{column} is a formula whose result was never saved: open the file in Excel and save it (or type the "
        "value instead of the formula)"
    ),
    "note.zeros": N_("leading zeros removed from {raw!r}"),
    "note.thousands": N_("thousands separators removed from {raw!r}"),
    "note.float": N_("{raw!r} arrived as a number with decimals; read as a whole number"),
    "note.apostrophe": N_("leading apostrophe removed from {raw!r}"),
    "reason.empty": N_("ReasonCode is empty: choose one of the 12 codes (see the template)"),
    "reason.unknown": N_("ReasonCode {raw!r} is not one of bol's 12 codes"),
    "reason.unknown_hint": N_("ReasonCode {raw!r} is not one of bol's 12 codes; did you mean {code}?"),
    "note.hidden": N_("this row is hidden in the sheet"),
    "pair": N_("{first}; {second}"),
    "dt.unreadable": N_(
        "DateTime {raw!r} is not a date and time we read; write it as dd-mm-yyyy hh:mm (e.g. 28-11-2026 "
        "14:30) or leave it empty for now"
    ),
    "dt.future": N_(
        "DateTime {raw!r} is in the future; a cancellation time cannot be later than now (leave it empty to "
        "use the time of the run)"
    ),
    "dt.old": N_(
        "DateTime {raw!r} is more than {days} days ago; a cancellation time is around now (leave it empty to "
        "use the time of the run)"
    ),
    "dt.offset": N_(
        "DateTime {raw!r} has the time-zone offset {offset}, which bol does not take (from -14:00 to +14:00, "
        "whole minutes); write the time without an offset to use --timezone"
    ),
    "note.dmy": N_("{raw!r} read as day-month-year ({day} {month} {year})"),
    "note.serial": N_("Excel date number {raw} read as {moment}"),
    "note.gap": N_("{time} does not exist on {date} in {zone} (clocks went forward); sent as {sent}"),
    "note.overlap": N_("{time} happens twice on {date} in {zone}; the first (summer time) is sent"),
    "row.duplicate": N_("same OrderItemId as row {row}; not sent twice"),
    "ean.empty": N_("EAN is empty: fill in the product's EAN (13 digits, on the barcode)"),
    "ean.scientific": N_(
        "EAN {raw!r} is in scientific notation, so Excel has lost its last digits: format the column as Text "
        "and paste the EANs again"
    ),
    "ean.not_number": N_("EAN {raw!r} is not a number; use the digits on the barcode only, e.g. 8712345678906"),
    "ean.length": N_("EAN {raw!r} has {digits} digits; an EAN has 8 or 13 (a GTIN 12 or 14): check the column"),
    "ean.check_digit": N_(
        "EAN {raw!r} has a wrong check digit (the last digit should be {expected}): a digit is mistyped; "
        "copy the EAN again"
    ),
    "note.ean_zero": N_("EAN {raw!r} read as {ean} (the leading zero Excel drops put back)"),
    "units.not_number": N_(
        "units in stock {raw!r} is not a whole number; write how many units are left, e.g. 2 (empty means 0)"
    ),
    "units.negative": N_("units in stock {raw!r} is below zero; write how many units are left (0 or more)"),
    "reason.customer_product": N_(
        "ReasonCode REQUESTED_BY_CUSTOMER is not a product's reason: items whose customer asked are found "
        "and marked so by themselves; use OUT_OF_STOCK (or leave it empty)"
    ),
    "product.duplicate": N_("same EAN as row {row}; give each product one row with its units in stock"),
}

# The month in a day-month-year note (``note.dmy``), by number.
MONTHS: dict[str, str] = {
    "month.1": N_("January"),
    "month.2": N_("February"),
    "month.3": N_("March"),
    "month.4": N_("April"),
    "month.5": N_("May"),
    "month.6": N_("June"),
    "month.7": N_("July"),
    "month.8": N_("August"),
    "month.9": N_("September"),
    "month.10": N_("October"),
    "month.11": N_("November"),
    "month.12": N_("December"),
}


class Msg(Localized):
    """A row message: English text that remembers its key and values for translation."""

    catalogue = CATALOGUE | MONTHS

    def kinds(self) -> set[str]:
        """This message's key and those of messages inside it."""
        inner = {k for v in self.params.values() if isinstance(v, Msg) for k in v.kinds()}
        return {self.key} | inner


__all__ = ["CATALOGUE", "LANGUAGES", "Msg", "render"]
