"""Who still gets the units left, and which order items are cancelled: pure (values in, decisions out).

For each product, its open order items (quantity still open: ``quantity - quantityShipped -
quantityCancelled > 0``) are sorted by urgency: the earliest promised delivery first (the
exact date when the customer chose one, else the latest date; an item without a date
after those with one), then the earliest order, then the order item id. The walk keeps an
item when its whole open quantity fits in the units left (and takes them); every other
item is to be cancelled, whole (bol's cancellation has no quantity). An item whose
customer asked to cancel is always cancelled, as REQUESTED_BY_CUSTOMER, and takes no
units. FBB items and items bol distributes are not the seller's to cancel: they are
listed apart. An item an earlier run already cancelled or sent (``Earlier``, from the
journal: bol's list may show it open a while longer) is listed apart too, and takes no
units: it is on no sheet to cancel a second time. Every decision carries a ``Why`` and its numbers; words are made in
``output/`` and ``cli/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from bulkcancel.backend import DistributionParty, OpenOrderItem
from bulkcancel.check.products import Product, gtin13
from bulkcancel.norm.counting import Counting, counting
from bulkcancel.reasons import ReasonCode

_LATEST = datetime.max.replace(tzinfo=UTC)


class Why(StrEnum):
    """Why an order item lands where it does."""

    NO_UNITS = "no-units"  # to cancel: the product has no units left at all
    UNITS_TAKEN = "units-taken"  # to cancel: the units left went to items promised earlier
    TOO_FEW = "too-few"  # to cancel: fewer units left than this item's quantity
    CUSTOMER_ASKED = "customer-asked"  # to cancel: the customer asked (REQUESTED_BY_CUSTOMER)
    FITS = "fits"  # kept: its quantity fits in the units left
    FBB = "fbb"  # not the seller's: bol fulfils it
    BOL_DISTRIBUTES = "bol-distributes"  # not the seller's: bol delivers it
    CANCELLED_BEFORE = "cancelled-before"  # sent before: an earlier run cancelled it
    CANCELLED_WITH_OTHER_API = "cancelled-other-api"  # sent before: cancelled with the seller's other bol API
    SENT_BEFORE = "sent-before"  # sent before: bol accepted it, or the answer is not known yet


@dataclass(frozen=True)
class Earlier:
    """What an earlier run did to an order item (from the journal): ``why`` is one of the sent-before reasons."""

    why: Why
    run_id: str
    at: datetime | None = None  # when it was sent


class Counts(StrEnum):
    """Whether a cancellation counts against bol's cancellation norm (section "Counts against the norm")."""

    YES = "yes"
    NO_IF_SENT_BY_PROMISED = "no-if-in-time"  # a customer's request, confirmed before its promised date
    NOT_KNOWN = "not-known"  # a customer's request whose promised date bol did not give


@dataclass(frozen=True)
class Decision:
    """One open order item and what becomes of it."""

    item: OpenOrderItem
    product: Product
    why: Why
    reason: ReasonCode | None = None  # what the to-cancel sheet sends (None: not to cancel)
    units_left: int = 0  # the product's units left when this item's turn came
    earlier: int = 0  # items kept before this one
    earlier_units: int = 0  # units those took
    before: Earlier | None = None  # the earlier run that sent it (sent-before decisions)

    def counts(self, today: date) -> Counts:
        """Whether cancelling it counts against the norm: every cancellation does, except a customer's
        request confirmed by its promised delivery date (so: cancel it by then)."""
        found = counting(
            self.reason or ReasonCode.OUT_OF_STOCK,
            customer_asked=self.item.cancel_request,
            promised=self.item.promised_delivery,
            confirmed=today,
        )  # the one rule (norm.counting); the customer's request is known from bol's list here
        if found is Counting.IN_TIME:
            return Counts.NO_IF_SENT_BY_PROMISED
        return Counts.NOT_KNOWN if found.counts is None else Counts.YES


@dataclass(frozen=True)
class Allocation:
    """Every decision, by where it goes, and the products with no open order item."""

    to_cancel: tuple[Decision, ...]
    kept: tuple[Decision, ...]
    not_cancellable: tuple[Decision, ...]
    without_open_items: tuple[Product, ...]
    sent_before: tuple[Decision, ...] = ()  # cancelled or sent by an earlier run: left out, take no units


def _placed(item: OpenOrderItem) -> datetime:
    try:
        placed = datetime.fromisoformat(item.date_time_customer)
    except ValueError:
        return _LATEST
    return placed if placed.tzinfo else placed.replace(tzinfo=UTC)


def urgency(item: OpenOrderItem) -> tuple[date, datetime, int, str]:
    """The sort key: promised delivery (none: last), order time, order item id (as a number)."""
    item_id = item.order_item_id
    return (
        item.promised_delivery or date.max,
        _placed(item),
        int(item_id) if item_id.isdigit() else 0,
        item_id,
    )


def _not_the_sellers(item: OpenOrderItem) -> Why | None:
    if item.fulfilment_method == "FBB":
        return Why.FBB
    if item.distribution_party is DistributionParty.BOL:
        return Why.BOL_DISTRIBUTES
    return None


def allocate_product(product: Product, items: Sequence[OpenOrderItem]) -> list[Decision]:
    """The decisions for one product's open items (in urgency order)."""
    decisions: list[Decision] = []
    left, kept, kept_units = product.units, 0, 0
    for item in sorted(items, key=urgency):
        if (apart := _not_the_sellers(item)) is not None:
            decisions.append(Decision(item, product, apart))
        elif item.cancel_request:
            decisions.append(Decision(item, product, Why.CUSTOMER_ASKED, ReasonCode.REQUESTED_BY_CUSTOMER, left))
        elif item.open_quantity <= left:
            decisions.append(Decision(item, product, Why.FITS, None, left, kept, kept_units))
            left, kept, kept_units = left - item.open_quantity, kept + 1, kept_units + item.open_quantity
        else:
            why = Why.NO_UNITS if product.units == 0 else Why.TOO_FEW if left else Why.UNITS_TAKEN
            decisions.append(Decision(item, product, why, product.reason, left, kept, kept_units))
    return decisions


def allocate(
    products: Sequence[Product], items: Iterable[OpenOrderItem], earlier: Mapping[str, Earlier] | None = None
) -> Allocation:
    """Match each product's EAN with the open items (quantity still open) and decide each one; an item
    in ``earlier`` (by order item id) is listed apart as sent before and takes no units."""
    earlier = earlier or {}
    by_ean: dict[str, list[OpenOrderItem]] = {product.ean: [] for product in products}
    before: dict[str, list[OpenOrderItem]] = {product.ean: [] for product in products}
    for item in items:
        matched = by_ean.get(gtin13(item.ean))
        if matched is not None and item.open_quantity > 0:
            (before[gtin13(item.ean)] if item.order_item_id in earlier else matched).append(item)
    to_cancel: list[Decision] = []
    kept: list[Decision] = []
    apart: list[Decision] = []
    sent: list[Decision] = []
    without: list[Product] = []
    for product in products:
        for item in sorted(before[product.ean], key=urgency):
            known = earlier[item.order_item_id]
            sent.append(Decision(item, product, known.why, before=known))
        if not by_ean[product.ean]:
            if not before[product.ean]:
                without.append(product)
            continue
        for decision in allocate_product(product, by_ean[product.ean]):
            if decision.why in (Why.FBB, Why.BOL_DISTRIBUTES):
                apart.append(decision)
            elif decision.reason is None:
                kept.append(decision)
            else:
                to_cancel.append(decision)
    return Allocation(tuple(to_cancel), tuple(kept), tuple(apart), tuple(without), tuple(sent))
