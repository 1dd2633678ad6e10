"""What validation tells up front: each kind of Excel damage or reading note, counted over the rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain
from operator import attrgetter

from bulkcancel.check.schema import RowCheck
from bulkcancel.i18n import N_, gettext

_DAMAGE: dict[str, str] = {
    "id.scientific": N_(
        "{n} row(s) have IDs in scientific notation (Excel lost their last digits): "
        "format the OrderItemId column as Text and paste the IDs again"
    ),
    "note.float": N_("{n} ID(s) arrived as numbers with decimals (.0); read as whole numbers"),
    "note.thousands": N_("{n} ID(s) had thousands separators; they were removed"),
    "note.zeros": N_("{n} ID(s) had leading zeros; they were removed"),
    "note.apostrophe": N_("{n} ID(s) started with an apostrophe; it was removed"),
    "note.serial": N_("{n} date(s) were Excel date numbers in a text column; check the dates read"),
    "note.dmy": N_("{n} date(s) could be day-month or month-day; read as day-month-year"),
    "note.gap": N_("{n} time(s) do not exist (clocks went forward); see Detail"),
    "note.overlap": N_("{n} time(s) happen twice (clocks went back); the first is sent"),
}


def damage_notes(checks: Sequence[RowCheck], lang: str = "en") -> list[str]:
    """One line per kind of damage or reading note in the rows, with how many rows have it."""
    kinds = Counter(chain.from_iterable(map(attrgetter("kinds"), checks)))  # no Python call per row
    return [gettext(lang, text, n=kinds[key]) for key, text in _DAMAGE.items() if kinds[key]]
