"""The input template: the columns bulkcancel reads, a dropdown of the 12 codes, instructions."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from bulkcancel.output.atomic import write_atomically
from bulkcancel.reasons import ReasonCode

TEMPLATE_ROWS = 2000
COLUMNS = (("OrderItemId", 16), ("ReasonCode", 26), ("DateTime", 20), ("Note", 40))


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
    for letter, size in zip("ABC", (26, 52, 30), strict=True):
        guide.column_dimensions[letter].width = size
    guide.append(["How to fill in the Cancellations sheet"])
    guide["A1"].font = bold
    for line in (
        "OrderItemId: the order item's id from bol (digits only; the column is formatted as Text).",
        "ReasonCode: one of the codes below (pick from the dropdown).",
        "DateTime: when it was cancelled, e.g. 28-11-2026 14:30; empty means the time of the run.",
        "Note: anything you like; extra columns are kept in the result workbook.",
        "Check the sheet without sending anything: bulkcancel validate <file>",
    ):
        guide.append([line])
    guide.append([])
    guide.append(["ReasonCode", "Meaning", "Counts against performance score"])
    for cell in guide[guide.max_row]:
        cell.font = bold
    for code in ReasonCode:
        guide.append(
            [
                code.value,
                code.meaning,
                "yes" if code.counts_against_score else "no (confirms the customer's request)",
            ]
        )
    return book


def write_template(path: Path) -> None:
    """Write the template to ``path`` (atomically)."""
    book = build_template()
    write_atomically(path, lambda tmp: book.save(tmp))
