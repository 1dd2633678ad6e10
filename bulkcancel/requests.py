"""``bulkcancel requests``: the customers' cancellation requests as a sheet, ready to run.

Pages through the open orders (FBR and FBB) and writes every item with CancelRequest=true
into the template's Cancellations sheet: ReasonCode REQUESTED_BY_CUSTOMER (which does not
count against the score), DateTime empty (the time of the run), and the order id, EAN,
title, quantity and fulfilment method as extra columns for review.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from openpyxl.styles import Font

from bulkcancel.atomic import write_atomically
from bulkcancel.backend import open_backend
from bulkcancel.logs import protect
from bulkcancel.plaza.documents import OpenOrderItem
from bulkcancel.plaza.environments import load_keys, resolve_target
from bulkcancel.preflight import fetch_open_items
from bulkcancel.reasons import ReasonCode
from bulkcancel.settings import Settings
from bulkcancel.template import COLUMNS, build_template

EXTRA = (("OrderId", 14), ("EAN", 16), ("Title", 40), ("Quantity", 10), ("FulfilmentMethod", 18))


async def _fetch(settings: Settings) -> list[OpenOrderItem]:
    target = resolve_target(settings.env, settings.base_url)
    keys = load_keys(target)
    protect(keys.private)
    backend = open_backend(target, keys, settings)
    try:
        items = await fetch_open_items(backend, settings.max_order_pages)
    finally:
        await backend.aclose()
    return sorted(
        (i for i in items.values() if i.cancel_request),
        key=lambda i: (i.date_time_customer, i.order_id, i.order_item_id),
    )


def write_customer_requests(path: Path, settings: Settings) -> int:
    """Write the requests sheet to ``path``; returns how many items it lists."""
    items = asyncio.run(_fetch(settings))
    book = build_template()
    sheet = book["Cancellations"]
    first_extra = len(COLUMNS) + 1
    for offset, (name, width) in enumerate(EXTRA):
        cell = sheet.cell(row=1, column=first_extra + offset, value=name)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = width
    for row, item in enumerate(items, start=2):
        values = [
            item.order_item_id,
            ReasonCode.REQUESTED_BY_CUSTOMER.value,
            None,
            "customer asked to cancel",
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
    return len(items)
