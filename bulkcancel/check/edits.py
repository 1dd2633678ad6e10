"""Rows fixed on the page: edits and drops applied to a read sheet, giving the corrected sheet.

The upload page lets a person fix an invalid row without Excel: a new OrderItemId,
ReasonCode or DateTime, or the row dropped. ``apply_edits`` takes the sheet as read from
the upload (never changed) and the edits, and gives a new ``Sheet``: edited cells replaced
(their Excel flags gone: the cell now holds what the person typed), dropped rows left
out, every other row and cell exactly as read, each row keeping its row number. A column
"Changed on the page" says, on each changed row, what changed from what to what; it rides
along into the result workbook like any column of the person's own. Whether an edit makes
the row valid is not decided here: the corrected sheet is checked again like any sheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from bulkcancel.i18n import N_, Text, gettext
from bulkcancel.sheet.read import Sheet

CHANGED_HEADER = N_("Changed on the page")
_CHANGED = N_("changed on the page: {changes}")
_ONE_CHANGE = N_("{column} {before!r} to {after!r}")
MAX_VALUE = 200  # characters a typed value may have (an id has 18 digits, a time ~25)


class Field(StrEnum):
    """The cells of a row the page may change (the role columns)."""

    ORDER_ITEM_ID = "OrderItemId"
    REASON = "ReasonCode"
    DATETIME = "DateTime"


@dataclass(frozen=True)
class RowEdit:
    """What the person did to one row (by its row number in the sheet): new values, or dropped."""

    row: int
    values: Mapping[Field, str] = field(default_factory=dict)
    drop: bool = False


@dataclass(frozen=True)
class Change:
    """One cell changed on the page."""

    row: int
    field: Field
    before: str
    after: str


@dataclass(frozen=True)
class Edited:
    """The corrected sheet and what the edits did to it."""

    sheet: Sheet
    changes: tuple[Change, ...]
    dropped: tuple[int, ...]  # row numbers left out

    @property
    def changed_rows(self) -> frozenset[int]:
        return frozenset(change.row for change in self.changes)


class EditError(ValueError):
    """An edit that cannot be applied: a row the sheet does not have, a value too long or on two lines."""


def clean(text: str) -> str:
    """A typed value as it is kept: outer spaces off; one line, at most ``MAX_VALUE`` characters."""
    value = text.strip()
    if len(value) > MAX_VALUE or any(char in value for char in "\r\n\t\x00"):
        raise EditError(Text("a value of at most {limit} characters on one line", limit=MAX_VALUE))
    return value


def merge(earlier: Mapping[int, RowEdit], edit: RowEdit) -> dict[int, RowEdit]:
    """The edits after one more: values add to (and replace) the row's earlier ones; a drop drops."""
    merged = dict(earlier)
    before = merged.get(edit.row)
    values = {**(before.values if before else {}), **edit.values}
    merged[edit.row] = RowEdit(edit.row, values, edit.drop)
    return merged


def _column_of(sheet: Sheet, role: Field) -> int | None:
    if role is Field.ORDER_ITEM_ID:
        return sheet.columns.order_item_id
    if role is Field.REASON:
        return sheet.columns.reason
    return sheet.columns.datetime


def apply_edits(sheet: Sheet, edits: Iterable[RowEdit], lang: str) -> Edited:
    """``sheet`` with ``edits`` applied (``sheet`` itself is not changed); an EditError for a row it lacks."""
    by_row = {edit.row: edit for edit in edits}
    missing = sorted(set(by_row) - set(sheet.row_numbers))
    if missing:
        raise EditError(Text("row {row} is not a row of this sheet", row=missing[0]))
    headers = list(sheet.headers)
    columns = sheet.columns
    if columns.datetime is None and any((e.values.get(Field.DATETIME) or "").strip() for e in by_row.values()):
        headers.append(Field.DATETIME.value)  # a time typed for a sheet without the column: the column is added
        columns = replace(columns, datetime=len(headers) - 1)
    header = gettext(lang, CHANGED_HEADER)
    changed_at = headers.index(header) if header in headers else None
    if changed_at is None:
        headers.append(header)
        changed_at = len(headers) - 1
    rows: list[list[str]] = []
    numbers: list[int] = []
    changes: list[Change] = []
    dropped: list[int] = []
    flags = {}
    for index, (number, cells) in enumerate(zip(sheet.row_numbers, sheet.rows, strict=True)):
        edit = by_row.get(number)
        if edit is not None and edit.drop:
            dropped.append(number)
            continue
        new = cells + [""] * (len(headers) - len(cells))
        edited_columns: set[int] = set()
        row_changes: list[Change] = []
        for role, value in edit.values.items() if edit else ():
            column = _column_of(sheet, role) if role is not Field.DATETIME else columns.datetime
            after = clean(value)
            if column is None:  # no DateTime column, and none typed (a typed one added the column above)
                continue
            before = cells[column] if column < len(cells) else ""
            flagged = (index, column) in sheet.flags
            if after != before or flagged:  # a flagged cell retyped as its text is a change too: it is text now
                new[column] = after
                edited_columns.add(column)
                row_changes.append(Change(number, role, before, after))
        if row_changes:
            said = "; ".join(
                gettext(lang, _ONE_CHANGE, column=c.field.value, before=c.before, after=c.after) for c in row_changes
            )
            new[changed_at] = gettext(lang, _CHANGED, changes=said)
            changes.extend(row_changes)
        for (flagged_index, column), flag in sheet.flags.items():
            if flagged_index == index and column not in edited_columns:
                flags[(len(rows), column)] = flag
        rows.append(new)
        numbers.append(number)
    corrected = Sheet(
        sheet.path,
        sheet.kind,
        sheet.sheet_name,
        headers,
        rows,
        numbers,
        columns,
        list(sheet.notes),
        hidden_rows=sheet.hidden_rows & set(numbers),
        flags=flags,
        delimiter=sheet.delimiter,
    )
    return Edited(corrected, tuple(changes), tuple(dropped))
