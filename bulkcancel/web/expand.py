"""A products sheet uploaded to the page: expanded into the order items to cancel before the check.

An upload without an OrderItemId column but with an EAN column is a products sheet
(``bulkcancel stockouts``): the open orders are read once, the units left given out, and the
sheet to cancel is written beside the upload; the usual check and confirm then run on that
sheet, and the check step shows the expansion (every order item, kept or to cancel, and why).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from bulkcancel.errors import HeaderNotFound, InputFileError
from bulkcancel.output.stockout_words import counts, why
from bulkcancel.pipeline.stockouts import StockOuts, stockouts
from bulkcancel.settings import Settings
from bulkcancel.sheet.products import read_products
from bulkcancel.web.uploads import Upload


def is_products_sheet(path: Path, sheet: str | None) -> bool:
    """Whether ``path`` reads as a products sheet (an EAN column); a sheet with bad rows is one too."""
    try:
        read_products(path, sheet)
    except HeaderNotFound:
        return False
    except InputFileError:
        return True
    return True


def expand(base: Settings, item: Upload) -> None:
    """Write the sheet to cancel for ``item`` (a products sheet) and check that instead (in a worker thread)."""
    products = item.path
    out = products.with_name(f"{products.stem}-stockouts.xlsx")
    settings = replace(base, sheet=item.sheet, force=True, columns=())
    item.expansion = stockouts(products, settings, out)
    item.path, item.sheet = out, None


def expansion_rows(done: StockOuts, lang: str, today: date) -> list[dict[str, Any]]:
    """Every order item of the expansion, as the check step lists it."""
    rows = []
    for kind, decisions in (
        ("to_cancel", done.allocation.to_cancel),
        ("kept", done.allocation.kept),
        ("not_cancellable", done.allocation.not_cancellable),
        ("sent_before", done.allocation.sent_before),
    ):
        for d in decisions:
            rows.append(
                {
                    "kind": kind,
                    "id": d.item.order_item_id,
                    "ean": d.product.ean,
                    "title": d.item.title,
                    "quantity": d.item.open_quantity,
                    "promised": f"{d.item.promised_delivery:%d-%m-%Y}" if d.item.promised_delivery else "",
                    "code": d.reason.value if d.reason else "",
                    "counts": counts(d, today, lang) if d.reason else "",
                    "why": why(d, lang),
                }
            )
    return rows
