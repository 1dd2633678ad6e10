"""``bulkcancel stockouts``: the workbook of order items to cancel, ready to review and run.

The first sheet (the active one) is an order sheet like any other: ``OrderItemId`` and
``ReasonCode`` first, then EAN, order id, title, quantity, order time, promised delivery,
expiry, whether it counts against bol's norm, why, and the product's note, all kept as
extra columns when ``bulkcancel run`` reads it. The further sheets (items kept, items not
the seller's to cancel, items an earlier run already cancelled or sent (only when there are
any), products without open items, when the orders were fetched) have no ReasonCode
column, so no reader takes one of them for the sheet to run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bulkcancel.output.atomic import write_atomically
from bulkcancel.output.stockout_words import caption, counts, header, sheet_name, why
from bulkcancel.sheet.cellsafe import clean_text
from bulkcancel.stock.allocate import Allocation, Decision

if TYPE_CHECKING:  # openpyxl only when the workbook is written (tests/test_imports.py)
    from openpyxl.worksheet.worksheet import Worksheet

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
Value = str | int | date | datetime | None


@dataclass(frozen=True)
class FetchFacts:
    """What the Fetched sheet says about where and when the open orders were read."""

    fetched_at: datetime
    api: str
    environment: str
    products_sheet: str
    pages: int
    orders_read: int
    next_command: str  # the command that runs the sheet, against the same API and environment


def _ordered(item_time: str) -> Value:
    """The order time as a date-time cell in Amsterdam time (bol's), or the text bol gave."""
    try:
        moment = datetime.fromisoformat(item_time)
    except ValueError:
        return item_time or None
    if moment.tzinfo is not None:
        moment = moment.astimezone(AMSTERDAM).replace(tzinfo=None)
    return moment


def _write(sheet: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[Value]], widths: Sequence[int]) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    for column, (name, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=1, column=column, value=name)
        cell.font = bold
        sheet.column_dimensions[cell.column_letter].width = width
    for row_number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(
                row=row_number, column=column, value=clean_text(value) if isinstance(value, str) else value
            )
            if isinstance(value, str):
                cell.data_type = "s"  # text from bol or a sheet is never a formula
            elif isinstance(value, datetime):
                cell.number_format = "dd-mm-yyyy hh:mm"
            elif isinstance(value, date):
                cell.number_format = "dd-mm-yyyy"
            cell.alignment = Alignment(vertical="top", wrap_text=column == len(values) and isinstance(value, str))
    sheet.freeze_panes = "A2"


def _item_values(decision: Decision) -> list[Value]:
    item = decision.item
    return [
        item.order_item_id,
        decision.product.ean,
        item.order_id,
        item.title,
        item.open_quantity,
        _ordered(item.date_time_customer),
        item.promised_delivery,
        item.expiry_date,
    ]


def write_stockouts_sheet(path: Path, allocation: Allocation, facts: FetchFacts, today: date, lang: str) -> None:
    """Write the stock-out workbook to ``path`` (atomically)."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = sheet_name("to_cancel", lang)
    items = ["title", "quantity", "ordered", "promised", "expiry"]
    _write(
        first,
        ["OrderItemId", "ReasonCode", "EAN", "OrderId", *(header(k, lang) for k in [*items, "counts", "why", "note"])],
        [
            [
                d.item.order_item_id,
                d.reason.value if d.reason else None,
                *_item_values(d)[1:],
                counts(d, today, lang),
                why(d, lang),
                d.product.note or None,
            ]
            for d in allocation.to_cancel
        ],
        [16, 24, 16, 14, 36, 10, 18, 18, 14, 24, 48, 30],
    )
    _write(
        book.create_sheet(sheet_name("kept", lang)),
        ["OrderItemId", "EAN", "OrderId", *(header(k, lang) for k in [*items, "why"])],
        [[*_item_values(d), why(d, lang)] for d in allocation.kept],
        [16, 16, 14, 36, 10, 18, 18, 14, 40],
    )
    _write(
        book.create_sheet(sheet_name("not_cancellable", lang)),
        ["OrderItemId", "EAN", "OrderId", *(header(k, lang) for k in [*items, "fulfilment", "delivered_by", "why"])],
        [
            [
                *_item_values(d),
                d.item.fulfilment_method,
                d.item.distribution_party.value if d.item.distribution_party else None,
                why(d, lang),
            ]
            for d in allocation.not_cancellable
        ],
        [16, 16, 14, 36, 10, 18, 18, 14, 12, 14, 48],
    )
    if allocation.sent_before:
        _write(
            book.create_sheet(sheet_name("sent_before", lang)),
            ["OrderItemId", "EAN", "OrderId", *(header(k, lang) for k in [*items, "why"])],
            [[*_item_values(d), why(d, lang)] for d in allocation.sent_before],
            [16, 16, 14, 36, 10, 18, 18, 14, 60],
        )
    _write(
        book.create_sheet(sheet_name("without", lang)),
        [header("row", lang), "EAN", header("units", lang), "ReasonCode", header("note", lang)],
        [[p.sheet_row, p.ean, p.units, p.reason.value, p.note or None] for p in allocation.without_open_items],
        [8, 16, 14, 24, 30],
    )
    next_step = (
        caption("next_text", lang, command=facts.next_command)
        if allocation.to_cancel
        else caption("none_to_cancel", lang)
    )
    fetched_at = facts.fetched_at.astimezone(AMSTERDAM).replace(tzinfo=None, microsecond=0)
    _write(
        book.create_sheet(sheet_name("fetched", lang)),
        [header("what", lang), header("value", lang)],
        [
            [caption("fetched_at", lang), fetched_at],
            [caption("api", lang), facts.api],
            [caption("environment", lang), facts.environment],
            [caption("products", lang), facts.products_sheet],
            [caption("pages", lang), facts.pages],
            [caption("orders_read", lang), facts.orders_read],
            [caption("next", lang), next_step],
        ],
        [32, 60],
    )
    write_atomically(path, lambda tmp: book.save(tmp))
