"""Rows of a CSV file as text: encoding and delimiter detected, every physical line accounted for.

UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252; the delimiter is the
one that splits a header row (``;``, ``,`` or tab). Quotes are read strictly: a quote that
is never closed stops the read with the line where it opened, instead of swallowing every
row after it into one cell. A quoted field that runs over a few lines (a note typed with
Alt+Enter) is read and said; one that runs over more than ``MAX_FIELD_LINES`` is refused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

from bulkcancel.errors import InputFileError
from bulkcancel.i18n import Text
from bulkcancel.sheet.cellsafe import unguard_csv
from bulkcancel.sheet.headers import HEADER_SEARCH_ROWS, looks_like_header
from bulkcancel.sheet.notes import SheetNote

MAX_FIELD_LINES = 20  # a note may hold a few line breaks; a field over more lines is a quote left open


def decode(path: Path, raw: bytes) -> tuple[str, str]:
    """The text and the name of its encoding; InputFileError for text that is not text."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise InputFileError(
                Text(
                    "{path}: is UTF-16 text that is cut off or damaged (an odd number of bytes); save it "
                    "again from Excel as CSV UTF-8",
                    path=path,
                )
            ) from None
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "Windows-1252"


def delimiter_of(text: str, is_header: Callable[[list[str]], bool] = looks_like_header) -> str:
    """The delimiter that splits the header row, else the sniffed or most common one."""
    sample = text[:65536]
    lines = sample.splitlines()[:HEADER_SEARCH_ROWS]
    for delimiter in (";", ",", "\t"):
        for cells in csv.reader(lines, delimiter=delimiter):
            if is_header(cells):
                return delimiter
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = next((line for line in sample.splitlines() if line.strip()), "")
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def csv_rows(
    path: Path, notes: list[str], is_header: Callable[[list[str]], bool] = looks_like_header
) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """The delimiter, and (row number, cells) per record, numbered as Excel shows the file (a
    record with line breaks inside quotes is one row); notes get a line for each such record
    (``is_header``: what the table's header row looks like; an order sheet's unless told)."""
    text, _encoding = decode(path, path.read_bytes())
    delimiter = delimiter_of(text, is_header)
    return delimiter, _records(path, text, delimiter, notes)


def _records(path: Path, text: str, delimiter: str, notes: list[str]) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start, row = 1, 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputFileError(
                Text(
                    '{path}: line {start}: {exc} in the record that starts here; a quote (") is opened and '
                    "not closed, or stands inside a value: fix the quotes on that line",
                    path=path,
                    start=start,
                    exc=exc,
                )
            ) from None
        end = reader.line_num
        if end - start >= MAX_FIELD_LINES:
            raise InputFileError(
                Text(
                    "{path}: line {start}: a quoted value opened here runs over {lines} lines (to line "
                    '{end}); close the quote (") on line {start} or remove it',
                    path=path,
                    start=start,
                    lines=end - start + 1,
                    end=end,
                )
            )
        row += 1
        if end > start:
            notes.append(SheetNote.make("quoted", row=row, start=start, end=end))
        yield row, [unguard_csv(cell) for cell in cells]
        start = end + 1
