"""``bulkcancel requests``: the customers' cancellation requests as a sheet, ready to run.

Every open item with CancelRequest=true (``send.preflight.customer_requests``) goes into
the template's Cancellations sheet: ReasonCode REQUESTED_BY_CUSTOMER (which does not count
against the score), DateTime empty (the time of the run), and the order id, EAN, title,
quantity and fulfilment method as extra columns for review.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bulkcancel.backend import OpenOrderItem
from bulkcancel.i18n import Language, gettext
from bulkcancel.output.atomic import write_atomically
from bulkcancel.output.template import COLUMNS, build_template
from bulkcancel.reasons import ReasonCode

EXTRA = (("OrderId", 14), ("EAN", 16), ("Title", 40), ("Quantity", 10), ("FulfilmentMethod", 18))


def write_requests_sheet(path: Path, items: Sequence[OpenOrderItem], lang: str = Language.EN) -> None:
    """Write the customers' requests to ``path`` as a template sheet, one row per item."""
    from openpyxl.styles import Font  # openpyxl only when a workbook is written (tests/test_imports.py)

    book = build_template(lang)
    sheet = book.worksheets[0]  # the sheet to fill in
    first_extra = len(COLUMNS) + 2  # after the Note column
    for offset, (name, width) in enumerate(EXTRA):
        cell = sheet.cell(row=1, column=first_extra + offset, value=name)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = width
    for row, item in enumerate(items, start=2):
        values = [
            item.order_item_id,
            ReasonCode.REQUESTED_BY_CUSTOMER.value,
            None,
            gettext(lang, "customer asked to cancel"),
            item.order_id,
            item.ean,
            item.title,
            item.quantity,
            item.fulfilment_method,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text from bol is never a formula
    write_atomically(path, lambda tmp: book.save(tmp))
