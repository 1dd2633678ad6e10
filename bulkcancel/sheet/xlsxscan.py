"""What calamine does not tell about an .xlsx: which sheets are hidden or active, and per sheet
its hidden rows and columns, its Excel error cells, its formulas without a saved value, and
how far its cells really reach.

All of it is read from the workbook's XML before calamine loads a sheet: calamine fills a
dense grid from the first to the last cell, so one stray cell at XFD1048576 would make it
allocate hundreds of gigabytes. The worksheet XML is scanned in 1 MB chunks with regular
expressions (no tree is built), cut at cell boundaries.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from bulkcancel.errors import InputFileError
from bulkcancel.i18n import Text
from bulkcancel.safexml import XMLRejected, local_name, parse_xml

CellRef = tuple[int, int]  # (row number, 0-based column), as the sheet numbers them


@dataclass(frozen=True)
class SheetEntry:
    """One sheet of the workbook as workbook.xml lists it."""

    name: str
    part: str  # its worksheet part in the zip ("" for a chart sheet or one we cannot find)
    hidden: bool


@dataclass(frozen=True)
class Book:
    """The workbook's sheets in tab order, and which tab is active (shown when it opens)."""

    sheets: tuple[SheetEntry, ...]
    active: int


@dataclass
class SheetScan:
    """What one worksheet's XML says beyond its values."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: int = 0
    errors: dict[CellRef, str] = field(default_factory=dict)  # an Excel error value: #REF!, #N/A, ...
    no_value: set[CellRef] = field(default_factory=set)  # a formula whose result was never saved
    first: CellRef | None = None
    last: CellRef | None = None

    def cells_spanned(self) -> int:
        """How many cells the grid from the first to the last cell holds (what calamine allocates)."""
        if self.first is None or self.last is None:
            return 0
        return (self.last[0] - self.first[0] + 1) * (self.last[1] - self.first[1] + 1)


def read_book(path: Path) -> Book:
    """Sheet names, parts, visibility and the active tab, from workbook.xml and its relationships."""
    try:
        with zipfile.ZipFile(path) as archive:
            book = parse_xml(archive.read("xl/workbook.xml"), max_bytes=10_000_000)
            rels = parse_xml(archive.read("xl/_rels/workbook.xml.rels"), max_bytes=10_000_000)
    except (KeyError, XMLRejected):
        return Book((), 0)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise damaged(path, exc) from None
    targets = {node.get("Id"): node.get("Target", "") for node in rels.iter() if local_name(node) == "Relationship"}
    sheets, active = [], 0
    for node in book.iter():
        if local_name(node) == "workbookView":
            active = int(node.get("activeTab", "0") or 0)
        if local_name(node) == "sheet":
            rel = next((v for k, v in node.attrib.items() if str(k).endswith("}id")), None)
            target = str(targets.get(str(rel), ""))
            part = (target.lstrip("/") if target.startswith("/") else f"xl/{target}") if target else ""
            hidden = node.get("state", "visible") in ("hidden", "veryHidden")
            sheets.append(SheetEntry(str(node.get("name")), part, hidden))
    return Book(tuple(sheets), active)


def damaged(path: Path, exc: BaseException) -> InputFileError:
    """The one line for a workbook whose zip is broken (bad CRC, lying sizes, broken deflate)."""
    return InputFileError(
        Text(
            "{path}: the workbook is damaged or truncated ({error}); open it in Excel and save it again as .xlsx",
            path=path,
            error=str(exc)[:80] or type(exc).__name__,
        )
    )


# Any spelling XML allows, not only Excel's: an element may carry a namespace prefix
# (``<x:row>``), an attribute single quotes and blanks around its ``=``. A spelling the
# patterns missed would hide a hidden row (or a stray cell far away) from the scan.
_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an element's prefix
_EQ = rb"\s*=\s*[\"']"  # = and the opening quote of an attribute's value
_CUT = re.compile(rb"<" + _P + rb"(?:c|row|col)\b")
_TAG = re.compile(rb"<" + _P + rb"(row|col)\b[^>]*>")
_HIDDEN = re.compile(rb"\bhidden" + _EQ + rb"(1|true)[\"']")
_ROW_NUMBER = re.compile(rb"\sr" + _EQ + rb"(\d+)[\"']")
_COL_SPAN = re.compile(
    rb"\bmin" + _EQ + rb"(\d+)[\"'][^>]*\bmax" + _EQ + rb"(\d+)[\"']"
    rb"|\bmax" + _EQ + rb"(\d+)[\"'][^>]*\bmin" + _EQ + rb"(\d+)[\"']"
)
# A cell's r="B7" (any case, any number of digits: r="z0001048576" is a far cell too). They run
# over every byte of the sheet: with a space before the r they are as fast as a literal
# pattern; a chunk with a tab or a line break before an r is read with any blank instead.
_REF = rb"([A-Za-z]{1,3})(\d+)[\"']"
_CELL_REFS = re.compile(rb" r" + _EQ + _REF)  # a row's r="5" has no letters: cells only
_CELL_REFS_ANY_BLANK = re.compile(rb"[ \t\r\n]r" + _EQ + _REF)
_OTHER_BLANKS = (b"\tr", b"\nr", b"\rr")
_F = rb"(?:<" + _P + rb"f\b[^>]*/>|<" + _P + rb"f\b[^>]*>[^<]*</" + _P + rb"f>)"  # a formula, empty or not
_ERROR_CELL = re.compile(
    rb"<%sc\b[^>]*?\sr%s([A-Za-z]{1,3})(\d+)[\"'][^>]*\st%se[\"'][^>]*>" % (_P, _EQ, _EQ)
    + _F
    + rb"?<%sv(?:\s[^>]*)?>([^<]*)</%sv>" % (_P, _P)
)
# A formula and no saved value: no <v> at all, or an empty one in a cell that does not say its
# result is a string (t="str": Excel and LibreOffice save a formula's "" that way; openpyxl
# writes a formula it never calculated as <f>..</f><v></v> without a type).
_NO_VALUE = re.compile(
    rb"<%sc\b([^>]*?)\sr%s([A-Za-z]{1,3})(\d+)[\"']([^>]*)>" % (_P, _EQ)
    + _F
    + rb"(<%sv(?:\s[^>]*)?/>|<%sv(?:\s[^>]*)?></%sv>)?</%sc>" % (_P, _P, _P, _P)
)
_STRING_RESULT = re.compile(rb"\st" + _EQ + rb"str[\"']")
# A reference (``&#49;``) in a cell's, row's or column's attributes: no writer needs one there,
# and the patterns above would not see through it.
_REFERENCE_IN_TAG = re.compile(rb"<" + _P + rb"(?:c|row|col)\b[^>]*&")


def column_index(letters: bytes) -> int:
    """b"A" -> 0, b"Z" -> 25, b"AA" -> 26."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + (letter - 64)
    return index - 1


def scan_sheet(path: Path, member: str) -> SheetScan:
    """Scan one worksheet part; InputFileError when the zip is damaged."""
    scan = SheetScan()
    tail = b""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                data = tail + chunk
                boundary = _last_cut(data)
                end = boundary if boundary > 0 else len(data)
                _scan_chunk(scan, data, end)
                tail = data[end:]
            _scan_chunk(scan, tail, len(tail))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise damaged(path, exc) from None
    except UnusualSpelling:
        raise InputFileError(
            Text(
                "{path}: the sheet's XML writes cell or row attributes with character references, which "
                "no spreadsheet program does; open it in Excel and save it again as .xlsx",
                path=path,
            )
        ) from None
    return scan


def _last_cut(data: bytes) -> int:
    """Where the last cell, row or column tag in the last 64 KB of ``data`` begins (0: none there).
    The last 4 KB are looked at first: the last tag is nearly always in them."""
    for window in (4096, 65536):
        found = [match.start() for match in _CUT.finditer(data, max(len(data) - window, 0))]
        if found:
            return found[-1]
    return 0


class UnusualSpelling(Exception):
    """The worksheet spells a cell's, row's or column's attributes with XML references."""


def _scan_chunk(scan: SheetScan, data: bytes, end: int) -> None:
    if data.find(b"&", 0, end) >= 0 and _REFERENCE_IN_TAG.search(data, 0, end):
        raise UnusualSpelling
    if data.find(b"hidden", 0, end) >= 0:  # the tags are looked at only where one can be hidden
        _hidden(scan, data, end)
    _extent(scan, data, end)
    # the full patterns only where they can match: t="e" (or t='e'), <f> (or <x:f>)
    if data.find(b'"e"', 0, end) >= 0 or data.find(b"'e'", 0, end) >= 0:
        for match in _ERROR_CELL.finditer(data, 0, end):
            ref = (int(match.group(2)), column_index(match.group(1)))
            scan.errors[ref] = match.group(3).decode("utf-8", errors="replace")
    if data.find(b"<f", 0, end) >= 0 or data.find(b":f", 0, end) >= 0:  # <f> or <x:f>
        for match in _NO_VALUE.finditer(data, 0, end):
            before, letters, digits, after, empty_value = match.groups()
            if empty_value and _STRING_RESULT.search(b" " + before + b" " + after):
                continue  # a formula whose saved result is the empty string
            scan.no_value.add((int(digits), column_index(letters)))


def _hidden(scan: SheetScan, data: bytes, end: int) -> None:
    for match in _TAG.finditer(data, 0, end):
        tag = match.group(0)
        if not _HIDDEN.search(tag):
            continue
        if match.group(1) == b"row" and (number := _ROW_NUMBER.search(tag)):
            scan.hidden_rows.add(int(number.group(1)))
        elif match.group(1) == b"col" and (span := _COL_SPAN.search(tag)):
            low, high = (span.group(1), span.group(2)) if span.group(1) else (span.group(4), span.group(3))
            scan.hidden_columns += int(high) - int(low) + 1


def _extent(scan: SheetScan, data: bytes, end: int) -> None:
    """The first and last row and column any cell names (cheap: the column letters are few)."""
    refs = _CELL_REFS_ANY_BLANK if any(data.find(blank, 0, end) >= 0 for blank in _OTHER_BLANKS) else _CELL_REFS
    found = refs.findall(data, 0, end)
    if not found:
        return
    rows = list(map(int, {number for _, number in found}))  # a row's number once, not once per cell
    columns = [column_index(letters) for letters in {letters for letters, _ in found}]
    low, high = (min(rows), min(columns)), (max(rows), max(columns))
    if scan.first is None or scan.last is None:
        scan.first, scan.last = low, high
        return
    scan.first = (min(scan.first[0], low[0]), min(scan.first[1], low[1]))
    scan.last = (max(scan.last[0], high[0]), max(scan.last[1], high[1]))
