"""What reading a sheet tells the person, in their language (through ``bulkcancel.i18n``).

A note is an ``i18n.Localized`` (its English text, remembering key and values); the
pipeline shows it in the sheet's language once the column names have told it.
"""

from __future__ import annotations

from bulkcancel.i18n import N_, Localized

_TEXTS: dict[str, str] = {
    "quoted": N_("row {row} (lines {start}-{end} of the file) holds a quoted value with line breaks"),
    "hidden_sheet": N_("sheet {name!r} is hidden in the workbook"),
    "active": N_("read sheet {name!r}, the active one; {also} also hold(s) a table (choose with --sheet)"),
    "hidden_columns": N_("{n} hidden column(s) in sheet {name!r} were read too"),
    "hidden_rows": N_("{n} hidden row(s) were read too (rows {rows}): check them"),
}


class SheetNote(Localized):
    """A reading note: English text that remembers its key and values for translation."""

    catalogue = _TEXTS


def in_language(notes: list[str], lang: str) -> list[str]:
    """``notes`` in ``lang``: reading notes translated, other text as it is."""
    return [note.render(lang) if isinstance(note, SheetNote) else note for note in notes]
