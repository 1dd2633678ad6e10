"""The products template (``bulkcancel template --products``): EAN, units in stock, ReasonCode, note."""

from __future__ import annotations

from pathlib import Path

from bulkcancel.i18n import Language, gettext, pgettext
from bulkcancel.output.atomic import write_atomically
from bulkcancel.output.template import TEMPLATE_ROWS, check_template_path
from bulkcancel.reasons import ReasonCode

WIDTHS = (16, 16, 26, 40)


def _columns(lang: str) -> tuple[str, ...]:
    """EAN and ReasonCode are bol's names in every language; the reader knows the others' translations."""
    return ("EAN", pgettext(lang, "column", "Units in stock"), "ReasonCode", pgettext(lang, "column", "Note"))


def _steps(lang: str, sheet: str) -> list[tuple[str, bool]]:
    units, note = pgettext(lang, "column", "Units in stock"), pgettext(lang, "column", "Note")
    return [
        (gettext(lang, "How to fill in the {sheet} sheet", sheet=sheet), True),
        (
            gettext(
                lang, "EAN: the product's EAN, 13 digits (the column is formatted as Text, so Excel keeps every digit)."
            ),
            False,
        ),
        (
            gettext(
                lang,
                "{units}: how many units you can still ship; empty means 0. They go to the orders promised first.",
                units=units,
            ),
            False,
        ),
        (
            gettext(
                lang, "ReasonCode: empty means OUT_OF_STOCK; a customer's own request is found and marked by itself."
            ),
            False,
        ),
        (gettext(lang, "{note}: anything you like; it is copied to the order items of the product.", note=note), False),
        (gettext(lang, "Then: bulkcancel stockouts <file>  (reads bol's open orders, cancels nothing)"), False),
    ]


def write_products_template(path: Path, force: bool = False, lang: str = Language.EN) -> None:
    """Write the products template in ``lang`` to ``path``; never over an existing file unless ``force``."""
    check_template_path(path, force)
    from openpyxl import Workbook  # openpyxl only when the template is written (tests/test_imports.py)
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = gettext(lang, "Products")
    bold = Font(bold=True)
    for column, (name, width) in enumerate(zip(_columns(lang), WIDTHS, strict=True), start=1):
        cell = sheet.cell(row=1, column=column, value=name)
        cell.font = bold
        sheet.column_dimensions[cell.column_letter].width = width
    for row in range(2, TEMPLATE_ROWS + 2):
        sheet.cell(row=row, column=1).number_format = "@"
    sheet.freeze_panes = "A2"
    codes = DataValidation(
        type="list",
        formula1='"' + ",".join(c.value for c in ReasonCode if c is not ReasonCode.REQUESTED_BY_CUSTOMER) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=gettext(lang, "Unknown reason code"),
        error=gettext(lang, "Choose one of bol's reason codes, or leave it empty for OUT_OF_STOCK."),
    )
    codes.add(f"C2:C{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(codes)
    units = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    units.error, units.showErrorMessage = gettext(lang, "A whole number of 0 or more (empty means 0)."), True
    units.add(f"B2:B{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(units)
    guide = book.create_sheet(gettext(lang, "Instructions"))
    guide.column_dimensions["A"].width = 110
    for text, heading in _steps(lang, sheet.title):
        guide.append([text])
        if heading:
            guide.cell(row=guide.max_row, column=1).font = bold
    write_atomically(path, lambda tmp: book.save(tmp))
