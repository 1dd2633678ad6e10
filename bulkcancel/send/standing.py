"""The cancellation norm inside a run: how each job counts, and the plan's effect on the week.

What bol lists about an item decides (``norm.counting``): whether the customer asked to
cancel (the open orders ``--check`` fetched; not known without it) and the promised delivery
date (Plaza's list has it; for the Retailer API v10 the order's detail, read only for the
customers' requests to be confirmed). The week's standing is read once per run, before
anything is sent. What cannot be read stays not known: the run goes on and says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from bulkcancel.backend import CancellationBackend, NetworkError, NotBol, OpenOrderItem
from bulkcancel.errors import BulkCancelError
from bulkcancel.norm.counting import Counting, bol_day, counting
from bulkcancel.norm.standing import NormEffect, NotKnown, Standing
from bulkcancel.output.labels import not_bol_before_sending
from bulkcancel.reasons import ReasonCode
from bulkcancel.send.plan import Plan

OpenItems = Mapping[str, OpenOrderItem] | None  # None: the open orders were not fetched


def item_counting(reason: ReasonCode, order_item_id: str, open_items: OpenItems, confirmed: datetime) -> Counting:
    """How one cancellation, confirmed at ``confirmed``, counts against the norm with what bol listed."""
    item = open_items.get(order_item_id) if open_items is not None else None
    return counting(
        reason,
        customer_asked=item.cancel_request if item is not None else None,
        promised=item.promised_delivery if item is not None else None,
        confirmed=bol_day(confirmed),
    )


def plan_effect(plan: Plan, standing: Standing | NotKnown, open_items: OpenItems, now: datetime) -> NormEffect:
    """The week's standing with what the plan would send, confirmed ``now`` (follow-ups were sent before)."""
    found = [
        item_counting(job.reason, job.order_item_id, open_items, now).counts
        for job in plan.jobs
        if not job.follow_up_id
    ]
    return NormEffect(standing, this_run=sum(1 for c in found if c), unsure=sum(1 for c in found if c is None))


DETAIL_CONCURRENCY = 4  # order reads in flight (their pacer holds them to bol's budget)


async def with_promised_dates(
    backend: CancellationBackend, plan: Plan, open_items: dict[str, OpenOrderItem]
) -> dict[str, OpenOrderItem]:
    """``open_items`` with the promised delivery date of every customer's request the plan confirms,
    read from its order's detail where the list has none (each order once); an order that cannot be
    read leaves its items' dates not known; an answer that is not bol's stops the run before anything
    is sent (``not_bol_before_sending``)."""
    wanted = {
        open_items[job.order_item_id].order_id
        for job in plan.jobs
        if not job.follow_up_id
        and job.reason is ReasonCode.REQUESTED_BY_CUSTOMER
        and (item := open_items.get(job.order_item_id)) is not None
        and item.cancel_request
        and item.promised_delivery is None
    }
    if not wanted or backend.lists_delivery_dates:
        return open_items
    slots = asyncio.Semaphore(DETAIL_CONCURRENCY)

    async def detail(order_id: str) -> tuple[OpenOrderItem, ...] | NotBol:
        async with slots:
            try:
                reply = await backend.order_detail(order_id)
            except NetworkError:
                return ()
        if reply.not_bol is not None:
            return reply.not_bol  # no answer of bol's: says nothing of the order
        return reply.items if reply.error is None else ()

    answers = await asyncio.gather(*map(detail, sorted(wanted)))
    for answer in answers:
        if isinstance(answer, NotBol):  # before anything is sent, as the order list's own check
            raise BulkCancelError(not_bol_before_sending(backend.origin, answer))
    found = {item.order_item_id: item for items in answers if not isinstance(items, NotBol) for item in items}
    dated = {}
    for item_id, item in open_items.items():
        read = found.get(item_id)
        if read is not None and read.promised_delivery is not None:
            item = replace(
                item, latest_delivery_date=read.latest_delivery_date, exact_delivery_date=read.exact_delivery_date
            )
        dated[item_id] = item
    return dated
