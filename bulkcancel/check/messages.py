"""Row messages in English and Dutch: each says what is wrong and how to fix it.

A message is a ``texts.Localized``: its English text that also remembers its key and
values, so it can be shown in the language of the people who fill in the sheet
(``--lang nl``, or detected from Dutch column names).
"""

from __future__ import annotations

from bulkcancel.texts import Localized, render

LANGUAGES = ("en", "nl")

CATALOGUE: dict[str, dict[str, str]] = {
    "id.empty": {
        "en": "OrderItemId is empty: fill in the order item's id from bol",
        "nl": "OrderItemId is leeg: vul het orderregelnummer van bol in",
    },
    "id.scientific": {
        "en": "OrderItemId {raw!r} is in scientific notation, so Excel has lost its last digits: "
        "format the column as Text and paste the IDs again",
        "nl": "OrderItemId {raw!r} staat in wetenschappelijke notatie, dus Excel is de laatste "
        "cijfers kwijt: maak de kolom op als Tekst en plak de ID's opnieuw",
    },
    "id.spaces": {
        "en": "OrderItemId {raw!r} has spaces inside; remove them",
        "nl": "OrderItemId {raw!r} bevat spaties; haal ze weg",
    },
    "id.not_number": {
        "en": "OrderItemId {raw!r} is not a whole number; use the digits only, e.g. 2012345678",
        "nl": "OrderItemId {raw!r} is geen geheel getal; gebruik alleen cijfers, bijv. 2012345678",
    },
    "id.zero": {
        "en": "OrderItemId 0 is not an order item id",
        "nl": "OrderItemId 0 is geen orderregelnummer",
    },
    "id.too_long": {
        "en": "OrderItemId {raw!r} has {digits} digits, more than an order item id has; check "
        "you copied the right column",
        "nl": "OrderItemId {raw!r} heeft {digits} cijfers, meer dan een orderregelnummer; "
        "controleer of je de juiste kolom hebt gekopieerd",
    },
    "id.decimal": {
        "en": "OrderItemId {raw} is a number with decimals in the sheet, not an order item id: format the "
        "column as Text and type the id again",
        "nl": "OrderItemId {raw} is een getal met decimalen in het werkblad, geen orderregelnummer: maak de "
        "kolom op als Tekst en typ het nummer opnieuw",
    },
    "cell.error": {
        "en": "{column} shows the Excel error {shown}: fix the formula in that cell or type the value",
        "nl": "{column} toont de Excel-fout {shown}: herstel de formule in die cel of typ de waarde",
    },
    "cell.no_value": {
        "en": "{column} is a formula whose result was never saved: open the file in Excel and save it "
        "(or type the value instead of the formula)",
        "nl": "{column} is een formule waarvan de uitkomst nooit is opgeslagen: open het bestand in Excel en "
        "sla het op (of typ de waarde in plaats van de formule)",
    },
    "note.zeros": {
        "en": "leading zeros removed from {raw!r}",
        "nl": "voorloopnullen weggehaald uit {raw!r}",
    },
    "note.thousands": {
        "en": "thousands separators removed from {raw!r}",
        "nl": "scheidingstekens voor duizendtallen weggehaald uit {raw!r}",
    },
    "note.float": {
        "en": "{raw!r} arrived as a number with decimals; read as a whole number",
        "nl": "{raw!r} kwam binnen als getal met decimalen; gelezen als geheel getal",
    },
    "note.apostrophe": {
        "en": "leading apostrophe removed from {raw!r}",
        "nl": "apostrof vooraan weggehaald uit {raw!r}",
    },
    "reason.empty": {
        "en": "ReasonCode is empty: choose one of the 12 codes (see the template)",
        "nl": "ReasonCode is leeg: kies een van de 12 codes (zie de template)",
    },
    "reason.unknown": {
        "en": "ReasonCode {raw!r} is not one of bol's 12 codes",
        "nl": "ReasonCode {raw!r} is geen van de 12 codes van bol",
    },
    "reason.unknown_hint": {
        "en": "ReasonCode {raw!r} is not one of bol's 12 codes; did you mean {code}?",
        "nl": "ReasonCode {raw!r} is geen van de 12 codes van bol; bedoel je {code}?",
    },
    "note.hidden": {
        "en": "this row is hidden in the sheet",
        "nl": "deze rij is verborgen in het werkblad",
    },
    "pair": {"en": "{first}; {second}", "nl": "{first}; {second}"},
    "dt.unreadable": {
        "en": "DateTime {raw!r} is not a date and time we read; write it as dd-mm-yyyy hh:mm "
        "(e.g. 28-11-2026 14:30) or leave it empty for now",
        "nl": "DateTime {raw!r} is geen datum en tijd die we kunnen lezen; schrijf dd-mm-jjjj "
        "uu:mm (bijv. 28-11-2026 14:30) of laat het leeg voor nu",
    },
    "dt.future": {
        "en": "DateTime {raw!r} is in the future; a cancellation time cannot be later than now "
        "(leave it empty to use the time of the run)",
        "nl": "DateTime {raw!r} ligt in de toekomst; een annuleringstijd kan niet later zijn dan "
        "nu (laat het leeg om de tijd van de run te gebruiken)",
    },
    "dt.old": {
        "en": "DateTime {raw!r} is more than {days} days ago; a cancellation time is around now "
        "(leave it empty to use the time of the run)",
        "nl": "DateTime {raw!r} ligt meer dan {days} dagen terug; een annuleringstijd ligt rond nu "
        "(laat het leeg om de tijd van de run te gebruiken)",
    },
    "dt.offset": {
        "en": "DateTime {raw!r} has the time-zone offset {offset}, which bol does not take (from -14:00 to "
        "+14:00, whole minutes); write the time without an offset to use --timezone",
        "nl": "DateTime {raw!r} heeft de tijdzone-afwijking {offset}, die bol niet accepteert (van -14:00 tot "
        "+14:00, hele minuten); schrijf de tijd zonder afwijking om --timezone te gebruiken",
    },
    "note.dmy": {
        "en": "{raw!r} read as day-month-year ({day} {month_en} {year})",
        "nl": "{raw!r} gelezen als dag-maand-jaar ({day} {month_nl} {year})",
    },
    "note.serial": {
        "en": "Excel date number {raw} read as {moment}",
        "nl": "Excel-datumgetal {raw} gelezen als {moment}",
    },
    "note.gap": {
        "en": "{time} does not exist on {date} in {zone} (clocks went forward); sent as {sent}",
        "nl": "{time} bestaat niet op {date} in {zone} (de klok ging vooruit); verstuurd als {sent}",
    },
    "note.overlap": {
        "en": "{time} happens twice on {date} in {zone}; the first (summer time) is sent",
        "nl": "{time} komt twee keer voor op {date} in {zone}; de eerste (zomertijd) is verstuurd",
    },
    "row.duplicate": {
        "en": "same OrderItemId as row {row}; not sent twice",
        "nl": "zelfde OrderItemId als rij {row}; niet twee keer verstuurd",
    },
}


class Msg(Localized):
    """A row message: English text that remembers its key and values for translation."""

    catalogue = CATALOGUE

    def kinds(self) -> set[str]:
        """This message's key and those of messages inside it."""
        inner = {k for v in self.params.values() if isinstance(v, Msg) for k in v.kinds()}
        return {self.key} | inner


__all__ = ["CATALOGUE", "LANGUAGES", "Msg", "render"]
