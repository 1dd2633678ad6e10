"""Validate every row at once with a pandera schema; the sheet's own row numbers in every message.

pandera decides which cells fail (lazily: every failure of every row); the messages come
from the pure parsers in ``values``, so each says what to fix. A repeated OrderItemId
(after normalising: ``0012`` is ``12``) is a DUPLICATE of its first row and is never sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pandera.pandas as pa

from bulkcancel.headers import DATETIME, ORDER_ITEM_ID, REASON
from bulkcancel.messages import Msg, render
from bulkcancel.reasons import ReasonCode
from bulkcancel.sheet import Sheet
from bulkcancel.statuses import RowStatus
from bulkcancel.values import Parsed, parse_datetime, parse_order_item_id, parse_reason_code


@dataclass(frozen=True)
class RowCheck:
    """One row after validation: what will be sent, or why it will not."""

    index: int
    sheet_row: int
    status: RowStatus  # READY, INVALID or DUPLICATE
    detail: str
    order_item_id: str | None = None
    reason: ReasonCode | None = None
    when: datetime | None = None  # None: the time of the run
    kinds: frozenset[str] = frozenset()  # message keys of the row's errors and notes


def _column_check(parse: Callable[[str], Parsed[Any]], name: str) -> pa.Check:
    return pa.Check(
        lambda series: series.map(lambda text: parse(text).ok),
        name=name,
        error=f"{name} is not valid",
    )


def build_schema(
    parse_id: Callable[[str], Parsed[Any]],
    parse_reason: Callable[[str], Parsed[Any]],
    parse_when: Callable[[str], Parsed[Any]],
) -> pa.DataFrameSchema:
    """The row schema: three text columns, each checked by its parser."""
    return pa.DataFrameSchema(
        {
            ORDER_ITEM_ID: pa.Column(str, _column_check(parse_id, ORDER_ITEM_ID)),
            REASON: pa.Column(str, _column_check(parse_reason, REASON)),
            DATETIME: pa.Column(str, _column_check(parse_when, DATETIME)),
        },
        strict=True,
        coerce=False,
    )


def _failed_cells(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> dict[int, set[str]]:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        failed: dict[int, set[str]] = {}
        for index, column in zip(cases["index"], cases["column"], strict=True):
            failed.setdefault(int(index), set()).add(str(column))
        return failed
    return {}


def validate_sheet_rows(sheet: Sheet, zone: ZoneInfo, now: datetime, lang: str = "en") -> list[RowCheck]:
    """Every row of ``sheet`` as READY, INVALID or DUPLICATE, in sheet order."""
    parse_id = lru_cache(maxsize=None)(parse_order_item_id)
    parse_reason = lru_cache(maxsize=None)(parse_reason_code)
    parse_when = lru_cache(maxsize=None)(lambda text: parse_datetime(text, zone, now))
    ids = sheet.column(sheet.columns.order_item_id)
    reasons = sheet.column(sheet.columns.reason)
    times = sheet.column(sheet.columns.datetime)
    frame = pd.DataFrame({ORDER_ITEM_ID: ids, REASON: reasons, DATETIME: times})
    failed = _failed_cells(build_schema(parse_id, parse_reason, parse_when), frame)
    first_row_of: dict[str, int] = {}
    checks: list[RowCheck] = []
    for index, sheet_row in enumerate(sheet.row_numbers):
        parsed = (parse_id(ids[index]), parse_reason(reasons[index]), parse_when(times[index]))
        notes = [p.note for p in parsed if p.note]
        if sheet_row in sheet.hidden_rows:
            notes.insert(0, Msg.make("note.hidden"))
        errors = [p.error for p in parsed if p.error] if index in failed else []
        kinds = frozenset(k for m in (*notes, *errors) if isinstance(m, Msg) for k in m.kinds())
        item_id, reason, when = parsed[0].value, parsed[1].value, parsed[2].value
        if errors:
            status, detail = RowStatus.INVALID, "; ".join(render(e, lang) for e in errors)
        elif item_id in first_row_of:
            status = RowStatus.DUPLICATE
            detail = render(Msg.make("row.duplicate", row=first_row_of[item_id]), lang)
        else:
            assert item_id is not None
            first_row_of[item_id] = sheet_row
            status, detail = RowStatus.READY, "; ".join(render(n, lang) for n in notes) if notes else ""
        checks.append(RowCheck(index, sheet_row, status, detail, item_id, reason, when, kinds))
    return checks
