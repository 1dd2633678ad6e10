"""What the journal holds, as values: item states, intents and answers, the rows of runs.

``store`` reads and writes them; the sender, the plan and the rebuild of a run speak them. A
run itself is a ``results.RunRecord`` (``runtable`` keeps it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bulkcancel.statuses import RowStatus


class ItemState(StrEnum):
    """What the journal knows of one order item in one environment with one seller key."""

    SENDING = "SENDING"  # a request may be out with no answer yet: bol may have acted
    ACCEPTED = "ACCEPTED"  # bol gave a process status id; the final state is not known yet
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"
    UNSENT = "UNSENT"  # bol certainly did not act


PENDING = "PENDING"  # a run row's stored status while the run has still to send it


@dataclass(frozen=True)
class Intent:
    """A cancellation request about to leave: the item becomes SENDING, the day's count grows."""

    item_id: str
    run_id: str
    reason: str
    sent_datetime: str


@dataclass(frozen=True)
class Answer:
    """What became of a request: the item's new state and what bol said."""

    item_id: str
    state: ItemState
    http_status: int | None = None
    process_status_id: str | None = None
    message: str | None = None
    in_doubt: bool = False  # this attempt's answer was lost: bol may have applied it (sticky)


@dataclass(frozen=True)
class ItemRecord:
    """What the journal knows about one order item."""

    order_item_id: str
    state: ItemState
    run_id: str | None
    process_status_id: str | None
    message: str | None
    last_sent_at: str | None
    sent_datetime: str | None
    in_doubt: bool = False  # one of our attempts may have reached bol unanswered


@dataclass(frozen=True)
class RunRow:
    """One row of a run as stored: ``status`` is None while the run had still to send it."""

    row_index: int
    sheet_row: int
    order_item_id: str | None
    status: RowStatus | None
    detail: str
    process_status_id: str
    sent_datetime: str  # ISO 8601: the time given to bol
    sent_at: str  # ISO 8601: when the request went out
    cells: tuple[str, ...]
    sent_as: str = ""  # the reason code sent
    counting: str = ""  # how it stands against bol's cancellation norm (norm.counting.Counting)
