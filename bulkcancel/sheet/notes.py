"""What reading a sheet tells the person, in English and Dutch.

A note is a ``texts.Localized`` (its English text, remembering key and values); the
pipeline shows it in the sheet's language once the column names have told it.
"""

from __future__ import annotations

from bulkcancel.texts import Localized

_TEXTS: dict[str, dict[str, str]] = {
    "quoted": {
        "en": "row {row} (lines {start}-{end} of the file) holds a quoted value with line breaks",
        "nl": "rij {row} (regels {start}-{end} van het bestand) bevat een waarde tussen aanhalingstekens "
        "met regeleinden",
    },
    "hidden_sheet": {
        "en": "sheet {name!r} is hidden in the workbook",
        "nl": "werkblad {name!r} is verborgen in de werkmap",
    },
    "active": {
        "en": "read sheet {name!r}, the active one; {also} also hold(s) a table (choose with --sheet)",
        "nl": "werkblad {name!r} gelezen, het actieve; {also} bevat ook een tabel (kies met --sheet)",
    },
    "hidden_columns": {
        "en": "{n} hidden column(s) in sheet {name!r} were read too",
        "nl": "{n} verborgen kolom(men) in werkblad {name!r} zijn ook gelezen",
    },
    "hidden_rows": {
        "en": "{n} hidden row(s) were read too (rows {rows}): check them",
        "nl": "{n} verborgen rij(en) zijn ook gelezen (rijen {rows}): controleer ze",
    },
}


class SheetNote(Localized):
    """A reading note: English text that remembers its key and values for translation."""

    catalogue = _TEXTS


def in_language(notes: list[str], lang: str) -> list[str]:
    """``notes`` in ``lang``: reading notes translated, other text as it is."""
    return [note.render(lang) if isinstance(note, SheetNote) else note for note in notes]
