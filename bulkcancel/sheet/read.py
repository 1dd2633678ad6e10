"""Read the input sheet (.xlsx or .csv) into rows of text with the sheet's own row numbers.

Every cell is read as text (see ``cells.cell_text``). The header row may sit below title
rows; blank rows are passed over; columns the tool does not know are kept; the outcome
columns of a result workbook fed back in are dropped. A file that is not what it claims
raises InputFileError with one line that says what to do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bulkcancel.errors import InputFileError
from bulkcancel.sheet.cellsafe import unguard_csv
from bulkcancel.sheet.headers import (
    HEADER_SEARCH_ROWS,
    OUTCOME_COLUMNS,
    ColumnMap,
    looks_like_header,
    map_columns,
)


@dataclass(frozen=True)
class ReadLimits:
    """Caps checked before a file is parsed, so a huge or hostile file is refused cheaply."""

    max_file_bytes: int = 200_000_000
    max_uncompressed_bytes: int = 1_000_000_000
    max_rows: int = 1_000_000


@dataclass
class Sheet:
    """The rows of one sheet: headers, cells as text, and each row's number in the file."""

    path: Path
    kind: str  # "xlsx" or "csv"
    sheet_name: str | None
    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    columns: ColumnMap
    notes: list[str] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)

    def column(self, index: int | None) -> list[str]:
        """All cells of one column (empty strings when the column is absent)."""
        if index is None:
            return [""] * len(self.rows)
        return [row[index] for row in self.rows]


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sniff_kind(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(_OLE_MAGIC):
        raise InputFileError(
            f"{path}: is password-protected or an old Excel 97-2003 workbook; open it in Excel "
            "and save it as .xlsx without a password (File > Save As > Excel Workbook)"
        )
    if head.startswith(b"PK\x03\x04"):
        return "ods" if suffix == ".ods" else "xlsx"
    if suffix in {".xlsx", ".xlsm"}:
        hint = (
            "it looks like a CSV file: rename it to .csv"
            if _looks_like_text(head)
            else ("it is damaged or not a workbook: save it again from Excel as .xlsx")
        )
        raise InputFileError(f"{path}: is not an .xlsx workbook; {hint}")
    if suffix in {".xls", ".numbers"}:
        raise InputFileError(f"{path}: {suffix} files are not read; save it as .xlsx or .csv")
    if not _looks_like_text(head):
        raise InputFileError(f"{path}: is neither an .xlsx workbook nor a CSV text file")
    return "csv"


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return b"\x00" not in head[:4096]


def read_sheet(path: Path, sheet_name: str | None = None, limits: ReadLimits | None = None) -> Sheet:
    """Read ``path``; raise InputFileError for a file that cannot be read as a sheet."""
    limits = limits or ReadLimits()
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8192)
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a folder, not a sheet") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if size == 0:
        raise InputFileError(f"{path}: the file is empty; fill in the template (bulkcancel template)")
    if size > limits.max_file_bytes:
        raise InputFileError(
            f"{path}: {size:,} bytes is larger than the limit of {limits.max_file_bytes:,}; split the sheet"
        )
    kind = _sniff_kind(path, head)
    if kind in {"xlsx", "ods"}:
        from bulkcancel.sheet.xlsxread import read_xlsx_rows  # openpyxl is only imported when needed

        name, rows, notes, hidden = read_xlsx_rows(path, sheet_name, limits.max_uncompressed_bytes, kind)
    else:
        if sheet_name:
            raise InputFileError(f"{path}: --sheet only applies to .xlsx workbooks")
        name, rows, notes, hidden = None, _csv_rows(path), [], set()
    sheet = _build(path, kind, name, rows, notes, limits)
    sheet.hidden_rows = hidden & set(sheet.row_numbers)
    if sheet.hidden_rows:
        shown = ", ".join(map(str, sorted(sheet.hidden_rows)[:10]))
        sheet.notes.append(
            f"{len(sheet.hidden_rows)} hidden row(s) were read too (rows {shown}"
            f"{', ...' if len(sheet.hidden_rows) > 10 else ''}): check them"
        )
    return sheet


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "Windows-1252"


def _delimiter(text: str) -> str:
    sample = text[:65536]
    lines = sample.splitlines()[:HEADER_SEARCH_ROWS]
    for delimiter in (";", ",", "\t"):
        for cells in csv.reader(lines, delimiter=delimiter):
            if looks_like_header(cells):
                return delimiter
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = next((line for line in sample.splitlines() if line.strip()), "")
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    text, _encoding = _decode(path, path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for cells in reader:
            yield reader.line_num, [unguard_csv(cell) for cell in cells]
    except csv.Error as exc:
        raise InputFileError(f"{path}: line {reader.line_num}: {exc}; check the quotes") from None


def _build(
    path: Path,
    kind: str,
    sheet_name: str | None,
    rows: Iterable[tuple[int, list[str]]],
    notes: list[str],
    limits: ReadLimits,
) -> Sheet:
    where = f"{path}" + (f" (sheet {sheet_name!r})" if sheet_name else "")
    iterator = iter(rows)
    header: list[str] | None = None
    seen: list[list[str]] = []
    for number, cells in iterator:
        if looks_like_header(cells):
            header = [c.strip() for c in cells]
            break
        if any(c.strip() for c in cells):
            seen.append(cells)
        if number >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        if not seen:
            raise InputFileError(f"{where}: no rows at all; fill in the template (bulkcancel template)")
        widest = max(seen, key=lambda cells: sum(1 for c in cells if c.strip()))
        map_columns([c.strip() for c in widest], where)  # raises with the closest names
        raise InputFileError(f"{where}: no header row with OrderItemId and ReasonCode found")
    keep = [i for i, h in enumerate(header) if h not in OUTCOME_COLUMNS]
    headers = [header[i] or f"Column {i + 1}" for i in keep]
    columns = map_columns(headers, where)
    data: list[list[str]] = []
    numbers: list[int] = []
    width = len(header)
    for number, cells in iterator:
        if not any(c.strip() for c in cells):
            continue
        padded = cells + [""] * (width - len(cells))
        data.append([padded[i] for i in keep])
        numbers.append(number)
        if len(data) > limits.max_rows:
            raise InputFileError(f"{where}: more than {limits.max_rows:,} rows; split the sheet")
    if not data:
        raise InputFileError(f"{where}: has a header row but no order items below it")
    return Sheet(path, kind, sheet_name, headers, data, numbers, columns, notes)
