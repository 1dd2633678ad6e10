"""The input template: the columns bulkcancel reads, a dropdown of the 12 codes, instructions."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from bulkcancel.errors import OutputError
from bulkcancel.output.atomic import write_atomically
from bulkcancel.reasons import MEANINGS, MEANINGS_NL, ReasonCode

TEMPLATE_ROWS = 2000
COLUMNS = (("OrderItemId", 16), ("ReasonCode", 26), ("DateTime", 20), ("Note", 40))


_STEPS_EN = (
    "OrderItemId: the order item's id from bol (digits only; the column is formatted as Text).",
    "ReasonCode: one of the codes below (pick from the dropdown).",
    "DateTime: when it was cancelled, e.g. 28-11-2026 14:30; empty means the time of the run.",
    "Note: anything you like; extra columns are kept in the result workbook.",
    "Check the sheet without sending anything: bulkcancel validate <file>",
)
_STEPS_NL = (
    "OrderItemId: het orderregelnummer van bol (alleen cijfers; de kolom staat op Tekst).",
    "ReasonCode: een van de codes hieronder (kies uit de lijst).",
    "DateTime: wanneer het is geannuleerd, bijv. 28-11-2026 14:30; leeg is het moment van de run.",
    "Note: wat je wilt; extra kolommen komen terug in het resultaat.",
    "Controleer het bestand zonder iets te versturen: bulkcancel validate <bestand>",
)
_HEADINGS_EN = ("ReasonCode", "Meaning", "Counts against performance score")
_HEADINGS_NL = ("ReasonCode", "Betekenis", "Telt mee voor de prestatiescore")
_YES_NO_EN = (
    "yes",
    "no, when the customer asked and it is confirmed by the promised delivery date; "
    "yes when the customer did not ask, or after that date",
)
_YES_NO_NL = (
    "ja",
    "nee, als de klant erom vroeg en het uiterlijk op de beloofde leverdatum bevestigd wordt; "
    "ja als de klant er niet om vroeg, of na die datum",
)


def build_template() -> Workbook:
    """The template workbook (sheets Cancellations and Instructions)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Cancellations"
    bold = Font(bold=True)
    for col, (name, width) in enumerate(COLUMNS, start=1):
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
        errorTitle="Unknown reason code",
        error="Choose one of bol's 12 reason codes (see Instructions).",
    )
    codes.add(f"B2:B{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(codes)

    guide = book.create_sheet("Instructions")
    for letter, size in zip("ABC", (26, 60, 34), strict=True):
        guide.column_dimensions[letter].width = size
    for title, lines, headings, meanings, yes_no in (
        ("How to fill in the Cancellations sheet", _STEPS_EN, _HEADINGS_EN, MEANINGS, _YES_NO_EN),
        ("Zo vul je het tabblad Cancellations in", _STEPS_NL, _HEADINGS_NL, MEANINGS_NL, _YES_NO_NL),
    ):
        guide.append([title])
        guide.cell(row=guide.max_row, column=1).font = bold
        for line in lines:
            guide.append([line])
        guide.append([])
        guide.append(list(headings))
        for cell in guide[guide.max_row]:
            cell.font = bold
        for code in ReasonCode:
            guide.append([code.value, meanings[code], yes_no[1] if code is ReasonCode.REQUESTED_BY_CUSTOMER else yes_no[0]])
        guide.append([])
    return book


def write_template(path: Path, force: bool = False) -> None:
    """Write the template to ``path`` (atomically); never over an existing file unless ``force``."""
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"{path}: the template is an Excel workbook; give a name ending in .xlsx")
    if path.exists() and not force:
        raise OutputError(
            f"{path}: exists (a filled-in template?); it is not written over: choose another name, or add --force"
        )
    book = build_template()
    write_atomically(path, lambda tmp: book.save(tmp))
