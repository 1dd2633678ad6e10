"""Validate every row at once with one pandera schema; the sheet's own row numbers in every message.

pandera is the engine: each column's parser (``values``) turns every cell into a ``Parsed``
once (once per distinct text), the schema's checks fail the cells that hold an error, and
the lazy failure-cases table (column, row index, the failing ``Parsed``) *is* the list of
every error of every row. The parsed frame gives the values of the rows that pass. A
repeated OrderItemId (after normalising: ``0012`` is ``12``) is a DUPLICATE of its first
row and is never sent.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pandera.pandas as pa

from bulkcancel.check.messages import Msg, render
from bulkcancel.check.values import Parsed, parse_datetime, parse_order_item_id, parse_reason_code
from bulkcancel.reasons import ReasonCode
from bulkcancel.sheet.headers import DATETIME, ORDER_ITEM_ID, REASON
from bulkcancel.sheet.read import Sheet
from bulkcancel.statuses import RowStatus

COLUMNS = (ORDER_ITEM_ID, REASON, DATETIME)


@dataclass(frozen=True, slots=True)  # one per row: no __dict__ (benchmarks/bench_sheets.py, peak memory)
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


_NO_KINDS: frozenset[str] = frozenset()  # shared: an empty frozenset built from a generator is a new 216-byte object

Overrides = dict[int, Parsed[Any]]  # row index -> what a flagged cell parses to, whatever its text


def _column(name: str, parse: Callable[[str], Parsed[Any]], overrides: Overrides) -> pa.Column:
    """A text column parsed cell by cell; a cell whose ``Parsed`` holds an error fails."""
    cached = lru_cache(maxsize=None)(parse)

    def parse_column(series: pd.Series) -> pd.Series:
        if not overrides:
            return series.map(cached)
        values: list[Parsed[Any]] = [
            overrides.get(i) or cached(text) for i, text in zip(series.index, series, strict=True)
        ]
        return pd.Series(values, index=series.index, dtype=object)

    return pa.Column(
        object,
        parsers=pa.Parser(parse_column, name=f"parse {name}"),
        checks=pa.Check(lambda series: series.map(_usable).astype(bool), name=name, error=f"{name} is not valid"),
    )


def _usable(parsed: Parsed[Any]) -> bool:
    return parsed.error is None


def build_schema(zone: ZoneInfo, now: datetime, overrides: dict[str, Overrides] | None = None) -> pa.DataFrameSchema:
    """The row schema: the three role columns, each parsed and checked by its parser."""
    overrides = overrides or {}
    return pa.DataFrameSchema(
        {
            ORDER_ITEM_ID: _column(ORDER_ITEM_ID, parse_order_item_id, overrides.get(ORDER_ITEM_ID, {})),
            REASON: _column(REASON, parse_reason_code, overrides.get(REASON, {})),
            DATETIME: _column(DATETIME, lambda text: parse_datetime(text, zone, now), overrides.get(DATETIME, {})),
        },
        strict=True,
        coerce=False,
    )


def flagged_cells(sheet: Sheet) -> dict[str, Overrides]:
    """The role cells whose text is not their value (``CellFlag``), as the errors they are."""
    roles = {ORDER_ITEM_ID: sheet.columns.order_item_id, REASON: sheet.columns.reason, DATETIME: sheet.columns.datetime}
    overrides: dict[str, Overrides] = {}
    for role, column in roles.items():
        for (index, flagged_column), flag in sheet.flags.items():
            if flagged_column != column:
                continue
            if flag.kind == "error":
                overrides.setdefault(role, {})[index] = Parsed(
                    error=Msg.make("cell.error", column=role, shown=flag.shown)
                )
            elif flag.kind == "no_value":
                overrides.setdefault(role, {})[index] = Parsed(error=Msg.make("cell.no_value", column=role))
            elif role == ORDER_ITEM_ID:  # a number with decimals is never an id, however it reads
                overrides.setdefault(role, {})[index] = Parsed(error=Msg.make("id.decimal", raw=flag.shown))
    return overrides


def parse_rows(sheet: Sheet, zone: ZoneInfo, now: datetime) -> tuple[pd.DataFrame, dict[int, list[Msg]]]:
    """The parsed frame (one ``Parsed`` per cell) and every error of every row, by row index."""
    frame = pd.DataFrame(
        {
            ORDER_ITEM_ID: sheet.column(sheet.columns.order_item_id),
            REASON: sheet.column(sheet.columns.reason),
            DATETIME: sheet.column(sheet.columns.datetime),
        },
        dtype=object,
    )
    schema = build_schema(zone, now, flagged_cells(sheet))
    try:
        # In a context of its own: pandera keeps the parsed columns in a ContextVar after
        # validating (until the next validation), a Parsed per cell held for the rest of the
        # run; the copied context, and they with it, go when the caller drops the frame.
        return contextvars.copy_context().run(schema.validate, frame, lazy=True), {}
    except pa.errors.SchemaErrors as failed:
        errors: dict[int, list[tuple[int, Msg]]] = {}
        cases = failed.failure_cases
        for column, index, parsed in zip(cases["column"], cases["index"], cases["failure_case"], strict=True):
            errors.setdefault(int(index), []).append((COLUMNS.index(column), parsed.error))
        by_row = {index: [msg for _, msg in sorted(found, key=lambda e: e[0])] for index, found in errors.items()}
        return failed.data, by_row


def validate_sheet_rows(sheet: Sheet, zone: ZoneInfo, now: datetime, lang: str = "en") -> list[RowCheck]:
    """Every row of ``sheet`` as READY, INVALID or DUPLICATE, in sheet order."""
    parsed, errors = parse_rows(sheet, zone, now)
    first_row_of: dict[str, int] = {}
    checks: list[RowCheck] = []
    hidden, ready = sheet.hidden_rows, RowStatus.READY  # looked up once, not once a row
    rows = zip(sheet.row_numbers, parsed[ORDER_ITEM_ID], parsed[REASON], parsed[DATETIME], strict=True)
    for index, (sheet_row, id_cell, reason_cell, when_cell) in enumerate(rows):
        item_id = id_cell.value
        if (  # the common row: no error, nothing to note
            id_cell.note is None
            and reason_cell.note is None
            and when_cell.note is None
            and index not in errors
            and sheet_row not in hidden
            and item_id not in first_row_of
        ):
            first_row_of[item_id] = sheet_row
            checks.append(RowCheck(index, sheet_row, ready, "", item_id, reason_cell.value, when_cell.value, _NO_KINDS))
            continue
        cells = (id_cell, reason_cell, when_cell)
        notes = [p.note for p in cells if p.note]
        if sheet_row in hidden:
            notes.insert(0, Msg.make("note.hidden"))
        row_errors = errors.get(index, [])
        kinds = frozenset(k for m in (*notes, *row_errors) if isinstance(m, Msg) for k in m.kinds()) or _NO_KINDS
        reason, when = reason_cell.value, when_cell.value
        if row_errors:
            status, detail = RowStatus.INVALID, "; ".join(render(e, lang) for e in row_errors)
        elif item_id in first_row_of:
            status = RowStatus.DUPLICATE
            detail = render(Msg.make("row.duplicate", row=first_row_of[item_id]), lang)
        else:
            assert item_id is not None
            first_row_of[item_id] = sheet_row
            status, detail = RowStatus.READY, "; ".join(render(n, lang) for n in notes)
        checks.append(RowCheck(index, sheet_row, status, detail, item_id, reason, when, kinds))
    return checks
