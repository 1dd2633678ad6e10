"""The cancellation norm inside a run: how each job counts, and the plan's effect on the week.

What bol lists about an item decides (``norm.counting``): whether the customer asked to
cancel (the open orders ``--check`` fetched; not known without it) and the promised delivery
date. The week's standing is read once per run, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bulkcancel.backend import OpenOrderItem
from bulkcancel.norm.counting import Counting, bol_day, counting
from bulkcancel.norm.standing import NormEffect, NotKnown, Standing
from bulkcancel.reasons import ReasonCode
from bulkcancel.send.plan import Plan

OpenItems = Mapping[str, OpenOrderItem] | None  # None: the open orders were not fetched


def item_counting(reason: ReasonCode, order_item_id: str, open_items: OpenItems, confirmed: datetime) -> Counting:
    """How one cancellation, confirmed at ``confirmed``, counts against the norm with what bol listed."""
    item = open_items.get(order_item_id) if open_items is not None else None
    return counting(
        reason,
        customer_asked=item.cancel_request if item is not None else None,
        promised=None,
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
