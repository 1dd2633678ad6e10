"""Fetch the open order items of some EANs: the open-orders list once, and what it leaves out.

The list is paged once per run (v10: 50 orders a page, ``status=OPEN``, paced by the list's
small budget, 25 a minute; Plaza: 25 a page, FBR and FBB apart). Where the list gives no
dates (v10), each order holding a matched item is read once (``GET /retailer/orders/{id}``,
a budget of its own), while the next pages are being fetched; an order no longer there
(404) has no open items. A page with fewer orders than a full one is the last. Nothing is
guessed: a page or an order that cannot be read stops the run with one line.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from bulkcancel.backend import CancellationBackend, NetworkError, OpenOrderItem, OrdersReply
from bulkcancel.check.products import gtin13
from bulkcancel.errors import BulkCancelError
from bulkcancel.i18n import Text

MAX_PAGES = 400  # per fulfilment method: 20,000 v10 orders, 16 minutes of the list's budget
DETAIL_CONCURRENCY = 4  # order reads in flight (their pacer holds them to bol's budget)


@dataclass(frozen=True)
class Fetched:
    """The matched open items (with their dates where the API gives them) and what it cost."""

    items: tuple[OpenOrderItem, ...]
    fetched_at: datetime  # when the list was read
    pages: int
    orders_read: int  # order details read


def _failed(what: str, reply: OrdersReply) -> BulkCancelError:
    error = reply.error
    why = error.message if error is not None else f"HTTP {reply.http_status}"
    return BulkCancelError(Text("could not read {what}: {why}; no sheet was written", what=what, why=why))


async def _page(backend: CancellationBackend, page: int, method: str) -> OrdersReply:
    try:
        reply = await backend.open_orders(page, method)
    except NetworkError as exc:
        raise BulkCancelError(
            Text(
                "could not list open orders ({method}, page {page}): {exc}; no sheet was written",
                method=method,
                page=page,
                exc=exc,
            )
        ) from None
    if reply.error is not None:
        raise _failed(Text("open orders ({method}, page {page})", method=method, page=page), reply)
    return reply


async def _order(backend: CancellationBackend, order_id: str, slots: asyncio.Semaphore) -> tuple[OpenOrderItem, ...]:
    async with slots:
        try:
            reply = await backend.order_detail(order_id)
        except NetworkError as exc:
            raise BulkCancelError(
                Text(
                    "could not read order {order_id}: {exc}; no sheet was written",
                    order_id=order_id,
                    exc=exc,
                )
            ) from None
    if reply.http_status == 404 and reply.not_bol is None:
        return ()  # bol's 404: shipped or cancelled since the list was read (a proxy's 404 page is no answer)
    if reply.error is not None:
        raise _failed(f"order {order_id}", reply)
    return reply.items


async def fetch_matching(
    backend: CancellationBackend,
    eans: Collection[str],
    *,
    max_pages: int = MAX_PAGES,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    on_page: Callable[[int], None] | None = None,
) -> Fetched:
    """Every open item whose EAN (as ``gtin13``) is in ``eans``, with the order's detail when the list lacks it."""
    wanted = set(eans)
    fetched_at = now()
    listed: dict[str, OpenOrderItem] = {}
    details: dict[str, asyncio.Task[tuple[OpenOrderItem, ...]]] = {}
    slots = asyncio.Semaphore(DETAIL_CONCURRENCY)
    pages = 0
    try:
        for method in backend.fulfilment_methods:
            for page in range(1, max_pages + 2):
                if page > max_pages:
                    raise BulkCancelError(
                        Text(
                            "more than {max_pages} pages of open orders ({method}); stopped there so the budget is "
                            "not spent: split the products or try again later; no sheet was written",
                            max_pages=max_pages,
                            method=method,
                        )
                    )
                reply = await _page(backend, page, method)
                pages += 1
                if on_page:
                    on_page(pages)
                for item in reply.items:
                    if gtin13(item.ean) not in wanted:
                        continue
                    listed[item.order_item_id] = item
                    if not backend.lists_delivery_dates and item.order_id not in details:
                        details[item.order_id] = asyncio.create_task(_order(backend, item.order_id, slots))
                if len({item.order_id for item in reply.items}) < backend.orders_page_size:
                    break
        read = await asyncio.gather(*details.values())
    except BaseException:
        for task in details.values():
            task.cancel()
        await asyncio.gather(*details.values(), return_exceptions=True)
        raise
    if backend.lists_delivery_dates:
        return Fetched(tuple(listed.values()), fetched_at, pages, 0)
    detailed = {item.order_item_id: item for items in read for item in items}
    # The detail is the fresher word (quantities too); an item it no longer has is not open.
    matched = tuple(detailed[item_id] for item_id in listed if item_id in detailed)
    return Fetched(matched, fetched_at, pages, len(details))
