"""The input template: the columns bulkcancel reads, a dropdown of the 12 codes, instructions, in one language."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bulkcancel.errors import OutputError
from bulkcancel.i18n import Language, Text, gettext, pgettext
from bulkcancel.output.atomic import write_atomically
from bulkcancel.reasons import ReasonCode

if TYPE_CHECKING:  # openpyxl only when a template is written: not on the run's path (tests/test_imports.py)
    from openpyxl import Workbook

TEMPLATE_ROWS = 2000
# bol's own names for the three columns bulkcancel reads, in every language (the reader knows
# them, and the row messages use them); the fourth is the person's own.
COLUMNS = (("OrderItemId", 16), ("ReasonCode", 26), ("DateTime", 20))
NOTE_WIDTH = 40


def _steps(lang: str) -> list[str]:
    return [
        gettext(lang, "OrderItemId: the order item's id from bol (digits only; the column is formatted as Text)."),
        gettext(lang, "ReasonCode: one of the codes below (pick from the dropdown)."),
        gettext(lang, "DateTime: when it was cancelled, e.g. 28-11-2026 14:30; empty means the time of the run."),
        gettext(lang, "{note}: anything you like; extra columns are kept in the result workbook.", note=_note(lang)),
        gettext(lang, "Check the sheet without sending anything: bulkcancel validate <file>"),
    ]


def _note(lang: str) -> str:
    return pgettext(lang, "column", "Note")


def build_template(lang: str = Language.EN) -> Workbook:
    """The template workbook in ``lang`` (a sheet to fill in, and one of instructions)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = gettext(lang, "Cancellations")
    bold = Font(bold=True)
    for col, (name, width) in enumerate((*COLUMNS, (_note(lang), NOTE_WIDTH)), start=1):
        cell = sheet.cell(row=1, column=col, value=name)
        cell.font = bold
        sheet.column_dimensions[cell.column_letter].width = width
    for row in range(2, TEMPLATE_ROWS + 2):
        sheet.cell(row=row, column=1).number_format = "@"  # Text: Excel keeps every digit
    sheet.freeze_panes = "A2"
    codes = DataValidation(
        type="list",
        formula1='"' + ",".join(c.value for c in ReasonCode) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=gettext(lang, "Unknown reason code"),
        error=gettext(lang, "Choose one of bol's 12 reason codes (see {sheet}).", sheet=gettext(lang, "Instructions")),
    )
    codes.add(f"B2:B{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(codes)

    guide = book.create_sheet(gettext(lang, "Instructions"))
    for letter, size in zip("ABC", (26, 60, 34), strict=True):
        guide.column_dimensions[letter].width = size
    guide.append([gettext(lang, "How to fill in the {sheet} sheet", sheet=sheet.title)])
    guide.cell(row=guide.max_row, column=1).font = bold
    for line in _steps(lang):
        guide.append([line])
    guide.append([])
    guide.append(["ReasonCode", gettext(lang, "Meaning"), gettext(lang, "Counts against performance score")])
    for cell in guide[guide.max_row]:
        cell.font = bold
    yes = gettext(lang, "yes")
    no = gettext(
        lang,
        "no, when the customer asked and it is confirmed by the promised delivery date; "
        "yes when the customer did not ask, or after that date",
    )
    for code in ReasonCode:
        guide.append([code.value, code.meaning(lang), no if code is ReasonCode.REQUESTED_BY_CUSTOMER else yes])
    return book


def check_template_path(path: Path, force: bool) -> None:
    """Refuse, with one line, a template path that is not .xlsx or is a file already there (unless ``force``)."""
    if path.suffix.lower() != ".xlsx":
        raise OutputError(Text("{path}: the template is an Excel workbook; give a name ending in .xlsx", path=path))
    if path.exists() and not force:
        raise OutputError(
            Text(
                "{path}: exists (a filled-in template?); it is not written over: choose another name, or add --force",
                path=path,
            )
        )


def write_template(path: Path, force: bool = False, lang: str = Language.EN) -> None:
    """Write the template in ``lang`` to ``path`` (atomically); never over an existing file unless ``force``."""
    check_template_path(path, force)
    book = build_template(lang)
    write_atomically(path, lambda tmp: book.save(tmp))
