"""Know before you cancel: compare each row with bol's open orders before anything is sent.

Plaza v2 lists open orders 25 a page (``GET /services/rest/orders/v2``, 400 requests an
hour), with ``CancelRequest`` on every item; the Retailer API v10 lists them 50 a page
(``GET /retailer/orders``, about 25 requests a minute), with ``cancellationRequest``.
They are fetched once per run (FBR and FBB) and each valid row is classified: will
cancel; not open (shipped, cancelled or not this seller's); REQUESTED_BY_CUSTOMER
without a customer request (it would count against the score); a retailer reason where
the customer did ask (REQUESTED_BY_CUSTOMER would not count); and FBB items, which bol
fulfils.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bulkcancel.backend import CancellationBackend, NetworkError, OpenOrderItem
from bulkcancel.errors import BulkCancelError
from bulkcancel.i18n import Joined, Text
from bulkcancel.output.labels import not_bol_before_sending
from bulkcancel.reasons import ReasonCode
from bulkcancel.send.plan import Plan
from bulkcancel.statuses import RowStatus

MAX_PAGES = 150  # per fulfilment method and run: well inside 400 requests an hour


async def fetch_open_items(
    backend: CancellationBackend,
    max_pages: int = MAX_PAGES,
    on_page: Callable[[str, int], None] | None = None,
) -> dict[str, OpenOrderItem]:
    """Every open order item (FBR and FBB: Plaza lists each apart, the Retailer API both at once)
    by OrderItemId; stops at the first empty page."""
    found: dict[str, OpenOrderItem] = {}
    for method in backend.fulfilment_methods:
        for page in range(1, max_pages + 1):
            try:
                reply = await backend.open_orders(page, method)
            except NetworkError as exc:
                raise BulkCancelError(
                    Text(
                        "could not list open orders ({method}, page {page}): {exc}; nothing was sent",
                        method=method,
                        page=page,
                        exc=exc,
                    )
                ) from None
            if reply.not_bol is not None:
                raise BulkCancelError(not_bol_before_sending(backend.origin, reply.not_bol))
            if reply.error is not None:
                what = (
                    Text("rate limit for listing orders (Plaza: 400 an hour)")
                    if reply.error.is_rate_limit
                    else (reply.error.message)
                )
                raise BulkCancelError(
                    Text(
                        "could not list open orders ({method}, page {page}): {what}; nothing was sent",
                        method=method,
                        page=page,
                        what=what,
                    )
                )
            if on_page:
                on_page(method, page)
            if not reply.items:
                break
            for item in reply.items:
                found[item.order_item_id] = item
        else:
            raise BulkCancelError(
                Text(
                    "more than {max_pages} pages of {method} open orders; the check stops there so the hourly "
                    "limit is not spent: run without --check",
                    max_pages=max_pages,
                    method=method,
                )
            )
    return found


def customer_requests(open_items: dict[str, OpenOrderItem]) -> list[OpenOrderItem]:
    """The open items whose customer asked to cancel, oldest order first."""
    return sorted(
        (item for item in open_items.values() if item.cancel_request),
        key=lambda item: (item.date_time_customer, item.order_id, item.order_item_id),
    )


@dataclass(frozen=True)
class Verdict:
    """What the check says about one row: send it or not, and why."""

    send: bool
    detail: str


def judge(item_id: str, reason: ReasonCode, open_items: dict[str, OpenOrderItem], allow_mismatch: bool) -> Verdict:
    """The pre-flight class of one valid row."""
    item = open_items.get(item_id)
    if item is None:
        return Verdict(
            False,
            Text(
                "not sent: not among bol's open orders (already shipped, cancelled, or not an item of this seller); "
                "remove the row"
            ),
        )
    notes: list[str] = []
    if item.fulfilment_method == "FBB":
        notes.append(Text("FBB: bol fulfils this item"))
    if reason is ReasonCode.REQUESTED_BY_CUSTOMER and not item.cancel_request:
        if not allow_mismatch:
            return Verdict(
                False,
                Text(
                    "not sent: REQUESTED_BY_CUSTOMER but the customer did not ask to cancel; it would count against "
                    "your score. Choose the real reason, or use --allow-reason-mismatch"
                ),
            )
        notes.append(Text("REQUESTED_BY_CUSTOMER without a customer request (allowed by option)"))
    if reason is not ReasonCode.REQUESTED_BY_CUSTOMER and item.cancel_request:
        if not allow_mismatch:
            return Verdict(
                False,
                Text(
                    "not sent: the customer asked to cancel this item; use REQUESTED_BY_CUSTOMER instead of {reason}, "
                    "which would count against your score (or --allow-reason-mismatch)",
                    reason=reason.value,
                ),
            )
        notes.append(Text("the customer asked to cancel; REQUESTED_BY_CUSTOMER would not count against your score"))
    notes.insert(0, Text("checked: open, customer asked to cancel") if item.cancel_request else Text("checked: open"))
    return Verdict(True, Joined(tuple(notes)))


def apply_check(plan: Plan, open_items: dict[str, OpenOrderItem], allow_mismatch: bool) -> dict[int, str]:
    """Drop the jobs the check refuses (they become INVALID); return notes for the rest."""
    kept, notes = [], {}
    for job in plan.jobs:
        if job.follow_up_id:  # already accepted earlier: following it up is always right
            kept.append(job)
            continue
        verdict = judge(job.order_item_id, job.reason, open_items, allow_mismatch)
        if verdict.send:
            kept.append(job)
            notes[job.index] = verdict.detail
        else:
            plan.settled[job.index] = (RowStatus.INVALID, verdict.detail)
    plan.jobs = kept
    return notes
