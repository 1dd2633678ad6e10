"""Decide, before anything is sent, what each valid row will do: send, follow up or skip.

The journal decides: an item already cancelled in this environment with this key is
SKIPPED; one accepted earlier is followed up by polling its process status, never sent
again; one sent with no answer is sent once more as "in doubt". Rows beyond today's
budget are left NOT_SENT, in sheet order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bulkcancel.i18n import Text
from bulkcancel.journal.records import ItemState
from bulkcancel.journal.store import Journal
from bulkcancel.norm.standing import NormEffect
from bulkcancel.reasons import ReasonCode
from bulkcancel.send.sender import SendJob
from bulkcancel.statuses import RowStatus

if TYPE_CHECKING:
    from bulkcancel.check.schema import RowCheck  # pandas and pandera: not needed to import


@dataclass
class Plan:
    """The jobs to run and the rows settled without a request."""

    jobs: list[SendJob] = field(default_factory=list)
    settled: dict[int, tuple[RowStatus, str]] = field(default_factory=dict)
    over_budget: int = 0
    norm: NormEffect | None = None  # the week's standing with what this plan sends (set before consent)

    def reasons(self) -> Counter[ReasonCode]:
        """Rows to send per reason code."""
        return Counter(job.reason for job in self.jobs if not job.follow_up_id)

    @property
    def to_send(self) -> int:
        """How many cancellation requests the plan sends."""
        return sum(1 for job in self.jobs if not job.follow_up_id)


def make_plan(checks: list[RowCheck], journal: Journal, run_time: datetime, budget_left: int) -> Plan:
    """Turn READY rows into jobs, using what the journal remembers."""
    plan = Plan()
    ready = [c for c in checks if c.status is RowStatus.READY]
    known = journal.items(c.order_item_id for c in ready if c.order_item_id)
    elsewhere = journal.cancelled_elsewhere(
        c.order_item_id for c in ready if c.order_item_id and c.order_item_id not in known
    )
    sends = 0
    for check in ready:
        assert check.order_item_id is not None and check.reason is not None
        record = known.get(check.order_item_id)
        job = SendJob(check.index, check.order_item_id, check.reason, check.when or run_time, sheet_row=check.sheet_row)
        if record is not None and record.state is ItemState.CANCELLED:
            when = _local(record.last_sent_at, run_time)
            done = Text("already cancelled in run {run_id} ({when})", run_id=record.run_id, when=when)
            plan.settled[check.index] = (RowStatus.SKIPPED, done)
            continue
        if record is None and (other := elsewhere.get(check.order_item_id)) is not None:
            when = _local(other.last_sent_at, run_time)
            plan.settled[check.index] = (
                RowStatus.SKIPPED,
                Text(
                    "already cancelled in run {run_id} ({when}) with the seller's other credentials (the "
                    "other bol API)",
                    run_id=other.run_id,
                    when=when,
                ),
            )
            continue
        if record is not None and record.state is ItemState.ACCEPTED and record.process_status_id:
            plan.jobs.append(replace(job, follow_up_id=record.process_status_id, in_doubt=record.in_doubt))
            continue
        if sends >= budget_left:
            plan.over_budget += 1
            plan.settled[check.index] = (
                RowStatus.NOT_SENT,
                Text(
                    "not sent: today's budget of cancellations with this key is used up; run the same sheet "
                    "again tomorrow",
                ),
            )
            continue
        sends += 1
        in_doubt = record is not None and (record.state is ItemState.SENDING or record.in_doubt)
        plan.jobs.append(replace(job, in_doubt=in_doubt))
    return plan


def _local(stamp: str | None, run_time: datetime) -> str:
    """A journal time (UTC) in the run's time zone, as people read it."""
    try:
        return f"{datetime.fromisoformat(stamp or '').astimezone(run_time.tzinfo):%d-%m-%Y %H:%M}"
    except ValueError:
        return stamp or "time unknown"
