"""A worksheet's cells and rows as SpreadsheetML text (``xlsxwrite`` puts them in the zip).

Text is always an inline *string* (never a formula or a link; text that starts like a
formula gets ``quotePrefix``, so it stays text when a person edits it), numbers are
numbers, times are date cells. Text is XML-escaped, CR and literal ``_xHHHH_`` are encoded
as Excel does (``_x000D_``, ``_x005F_``), control characters replaced by
``cellsafe.clean_text``.

Rows are written a block at a time, column by column: everything of a cell after its
reference depends only on its value and style, so a column that repeats a few values
(Status, ReasonCode, an empty Detail) is a dictionary lookup per cell, and a column of
distinct plain texts (ids, notes) or whole numbers (row numbers) is checked once per block
and written without a call per cell. 1.2 M cells of a 100,000-row result are mostly joins
(benchmarks/bench_sheets.py). Whatever the way, a cell's text is exactly ``cell``'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice, zip_longest
from operator import itemgetter
from typing import Any

from bulkcancel.sheet.cellsafe import MAX_CELL, clean_text

Cell = str | int | float | datetime | None

# cellXfs: the fixed styles, then one fill per entry of ``xlsxwrite.Styles.fills``.
NORMAL, HEADER, WRAP, DATE, QUOTED, WRAP_QUOTED = range(6)
_QUOTED_STYLE = {NORMAL: QUOTED, WRAP: WRAP_QUOTED}  # text that starts like a formula: the same look, quotePrefix
_LIVE_FIRST = "=+-@"  # Excel makes text starting so a formula when a person edits the cell
_ESCAPE_NEEDED = re.compile(r"[&<>\r\"]|_x[0-9A-Fa-f]{4}_")
_EXCEL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_BLOCK = 500  # rows made at once (more holds more cells at once: run --dry-run peaked 4-7 MB higher at 2,000)
_SAME_CELLS = 256  # distinct texts kept per column (a Status, a ReasonCode); a column of ids stops keeping
_ABSENT = object()  # no cell at all: a row shorter than others (the Summary's blank lines)
_TEXT, _TEXT_OR_NONE, _NUMBER = {str}, {str, type(None)}, {int}
_first = itemgetter(0)


def escape(text: str) -> str:
    """Text as XML element content, with Excel's own escapes."""
    if not _ESCAPE_NEEDED.search(text):
        return text
    text = _EXCEL_ESCAPE.sub("_x005F_", text)  # a literal _xHHHH_: its underscore escaped as _x005F_
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "_x000D_")
    )


def cell(ref: str, value: Cell, style: int) -> str:
    """One cell's XML ("" for an empty cell without a style: nothing to write)."""
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>' if style else ""
    if isinstance(value, datetime):
        serial = (value.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{DATE}"><v>{serial:.8f}</v></c>'
    if isinstance(value, int | float):
        styled = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{styled}><v>{value}</v></c>'
    if value[0] in _LIVE_FIRST:
        style = _QUOTED_STYLE.get(style, style)
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{escape(clean_text(value))}</t></is></c>'


def _tail(value: object, style: int) -> str:
    """A cell's XML after its reference (the cell is ``<c r="`` + reference + this), "" for no cell."""
    if value is _ABSENT:
        return ""
    made = cell("", value, style)  # type: ignore[arg-type]  # a Cell: every value but _ABSENT is one
    return made[6:] if made else ""


def _styled(style: int) -> str:
    return f' s="{style}"' if style else ""


def _all_plain(texts: Sequence[str]) -> bool:
    """Whether every one of ``texts`` (none empty) goes into its cell as it is: nothing to escape,
    clean, not too long, not like a formula. Judged once for all; a doubt (an escape pattern
    across two texts) only means the careful way."""
    joined = "".join(texts)
    return (
        joined.isprintable()
        and not _ESCAPE_NEEDED.search(joined)
        and max(map(len, texts)) <= MAX_CELL
        and not set(map(_first, texts)) & set(_LIVE_FIRST)
    )


def lines(value: Cell, width: float) -> int:
    """How many lines wrapped text takes in a column ``width`` characters wide (rows are sized for it:
    neither Excel nor LibreOffice sizes the rows of a generated sheet by itself)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(int(width * 1.1) - 2, 10)
    return min(sum(max(1, -(-len(part) // per_line)) for part in value.split("\n")), 15)


class RowWriter:
    """The rows of one worksheet after its header row, as XML text."""

    def __init__(self, letters: Sequence[str], styles: Sequence[int], widths: Sequence[float], styled_column: int):
        self.heads = [f'<c r="{letter}' for letter in letters]
        self.styles, self.styled_column = styles, styled_column
        self.as_text = [f'"{_styled(style)} t="inlineStr"><is><t xml:space="preserve">' for style in styles]
        self.as_number = [f'"{_styled(style)}><v>' for style in styles]
        self.made: list[dict[object, str] | None] = [{} for _ in styles]  # per column: text -> tail; None: stopped
        self.by_style: dict[object, str] = {}  # the styled column's, per (text, row style)
        self.wrapped = [(n, widths[n]) for n, style in enumerate(styles) if style == WRAP and n < len(widths)]

    def rows(self, rows: Iterable[tuple[Sequence[Cell], int]]) -> Iterator[str]:
        """Each row's XML, numbered from 2."""
        source, first = iter(rows), 2
        while block := list(islice(source, _BLOCK)):
            yield from self._block(block, first)
            first += len(block)

    def _block(self, block: list[tuple[Sequence[Cell], int]], first: int) -> list[str]:
        numbers = [str(n) for n in range(first, first + len(block))]
        columns = list(zip_longest(*(values for values, _ in block), fillvalue=_ABSENT))
        heights = [1] * len(block)
        for n, width in self.wrapped:
            if n < len(columns):
                for i, value in enumerate(columns[n]):
                    if type(value) is str and (len(value) > 10 or "\n" in value):  # a line holds 10 or more
                        heights[i] = max(heights[i], lines(value, width))
        opens = [
            f'<row r="{number}" ht="{15 * high}" customHeight="1">' if high > 1 else f'<row r="{number}">'
            for number, high in zip(numbers, heights, strict=True)
        ]
        made = [self._column(n, column, numbers, block) for n, column in enumerate(columns)]
        return ["".join(parts) + "</row>" for parts in zip(opens, *made, strict=True)]

    def _column(
        self, n: int, column: Sequence[object], numbers: list[str], block: list[tuple[Sequence[Cell], int]]
    ) -> list[str]:
        """The cells of column ``n`` of a block, one per row ("" where a row has none)."""
        head, kinds = self.heads[n], set(map(type, column))
        if n == self.styled_column:  # its style is the row's (the Status colour)
            keys = list(zip(column, (style for _, style in block), strict=True))
            if kinds <= _TEXT_OR_NONE and self._keep(self.by_style, keys, lambda key: _tail(*key)):
                return [
                    f"{head}{number}{tail}" if (tail := self.by_style[key]) else ""
                    for number, key in zip(numbers, keys, strict=True)
                ]
            return [
                f"{head}{number}{tail}" if (tail := _tail(*key)) else ""
                for number, key in zip(numbers, keys, strict=True)
            ]
        style, known = self.styles[n], self.made[n]
        if kinds <= _NUMBER:  # whole numbers (never a bool: its type is not int)
            number_tail = self.as_number[n]
            return [
                f"{head}{number}{number_tail}{value}</v></c>" for number, value in zip(numbers, column, strict=True)
            ]
        if kinds <= _TEXT_OR_NONE and known is not None:
            if self._keep(known, column, lambda value: _tail(value, style)):
                return [
                    f"{head}{number}{tail}" if (tail := known[value]) else ""
                    for number, value in zip(numbers, column, strict=True)
                ]
            self.made[n] = None  # many distinct values: an id or a note column
        if kinds <= _TEXT and "" not in column and _all_plain(column):  # type: ignore[arg-type]  # all str
            text_tail = self.as_text[n]
            return [
                f"{head}{number}{text_tail}{value}</t></is></c>" for number, value in zip(numbers, column, strict=True)
            ]
        return [
            f"{head}{number}{tail}" if (tail := _tail(value, style)) else ""
            for number, value in zip(numbers, column, strict=True)
        ]

    @staticmethod
    def _keep(known: dict[object, str], keys: Sequence[object], make: Callable[[Any], str]) -> bool:
        """Make the tails of the keys not yet known, unless that makes too many to keep (False)."""
        new = set(keys).difference(known)
        if len(known) + len(new) > _SAME_CELLS:
            return False
        for key in new:
            known[key] = make(key)
        return True
