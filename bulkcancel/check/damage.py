"""What validation tells up front: each kind of Excel damage or reading note, counted over the rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bulkcancel.check.schema import RowCheck

_DAMAGE = {
    "id.scientific": "{n} row(s) have IDs in scientific notation (Excel lost their last digits): "
    "format the OrderItemId column as Text and paste the IDs again",
    "note.float": "{n} ID(s) arrived as numbers with decimals (.0); read as whole numbers",
    "note.thousands": "{n} ID(s) had thousands separators; they were removed",
    "note.zeros": "{n} ID(s) had leading zeros; they were removed",
    "note.apostrophe": "{n} ID(s) started with an apostrophe; it was removed",
    "note.serial": "{n} date(s) were Excel date numbers in a text column; check the dates read",
    "note.dmy": "{n} date(s) could be day-month or month-day; read as day-month-year",
    "note.gap": "{n} time(s) do not exist (clocks went forward); see Detail",
    "note.overlap": "{n} time(s) happen twice (clocks went back); the first is sent",
}


_DAMAGE_NL = {
    "id.scientific": "{n} rij(en) met ID's in wetenschappelijke notatie (Excel is de laatste cijfers kwijt): "
    "maak de kolom OrderItemId op als Tekst en plak de ID's opnieuw",
    "note.float": "{n} ID('s) kwamen binnen als getal met decimalen (.0); gelezen als geheel getal",
    "note.thousands": "{n} ID('s) hadden scheidingstekens voor duizendtallen; die zijn weggehaald",
    "note.zeros": "{n} ID('s) hadden voorloopnullen; die zijn weggehaald",
    "note.apostrophe": "{n} ID('s) begonnen met een apostrof; die is weggehaald",
    "note.serial": "{n} datum(s) waren Excel-datumgetallen in een tekstkolom; controleer de gelezen data",
    "note.dmy": "{n} datum(s) konden dag-maand of maand-dag zijn; gelezen als dag-maand-jaar",
    "note.gap": "{n} tijd(en) bestaan niet (de klok ging vooruit); zie Toelichting",
    "note.overlap": "{n} tijd(en) komen twee keer voor (de klok ging terug); de eerste is verstuurd",
}


def damage_notes(checks: Sequence[RowCheck], lang: str = "en") -> list[str]:
    """One line per kind of damage or reading note in the rows, with how many rows have it."""
    kinds = Counter(kind for check in checks for kind in check.kinds)
    texts = _DAMAGE_NL if lang == "nl" else _DAMAGE
    return [texts[key].format(n=kinds[key]) for key in _DAMAGE if kinds[key]]
