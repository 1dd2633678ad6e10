"""What the journal holds, as values: item states, intents and answers, runs and their rows.

``store`` reads and writes them; the sender, the plan and the rebuild of a run speak them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
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
class RunStart:
    """A run as it starts: where its sheet and result are, and its parameters."""

    run_id: str
    input_path: str
    input_sha256: str
    out_path: str
    headers: Sequence[str]
    params: Mapping[str, str]


@dataclass(frozen=True)
class RunInfo:
    """A run as the journal keeps it."""

    run_id: str
    started_at: str
    env: str
    seller: str
    input_path: str
    input_sha256: str
    out_path: str
    headers: tuple[str, ...]
    params: tuple[tuple[str, str], ...]
    finished_at: str | None
    exit_code: int | None


def run_info_of(row: Sequence[object]) -> RunInfo:
    """A ``runs`` table row as a RunInfo."""
    params = json.loads(str(row[8] or "{}"))
    return RunInfo(
        run_id=str(row[0]),
        started_at=str(row[1]),
        env=str(row[2]),
        seller=str(row[3]),
        input_path=str(row[4] or ""),
        input_sha256=str(row[5] or ""),
        out_path=str(row[6] or ""),
        headers=tuple(json.loads(str(row[7] or "[]"))),
        params=tuple((str(k), str(v)) for k, v in params.items()),
        finished_at=None if row[9] is None else str(row[9]),
        exit_code=None if row[10] is None else int(str(row[10])),
    )


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
