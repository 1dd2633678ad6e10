"""Read the input sheet (.xlsx or .csv) into rows of text with the sheet's own row numbers.

Every cell is read as text (see ``cells.cell_text``). The header row may sit below title
rows; blank rows are passed over; columns the tool does not know are kept (a user's own
``Status`` too); the outcome columns of a bulkcancel result fed back in are dropped. One
table per sheet: a second header row below the first stops the read, so no row is ever
read with another table's columns. A file that is not what it claims raises
InputFileError with one line that says what to do.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bulkcancel.errors import InputFileError
from bulkcancel.i18n import Text
from bulkcancel.sheet.cells import CellFlag
from bulkcancel.sheet.csvread import csv_rows
from bulkcancel.sheet.headers import (
    HEADER_SEARCH_ROWS,
    OUTCOME_COLUMNS,
    ColumnMap,
    first_header,
    is_result_header,
    looks_like_header,
    map_columns,
)
from bulkcancel.sheet.notes import SheetNote


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
    flags: dict[tuple[int, int], CellFlag] = field(default_factory=dict)  # (row index, column) -> why not a value
    delimiter: str = ","  # a CSV's own, so a CSV result reads the same in the same Excel

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
            Text(
                "{path}: is password-protected or an old Excel 97-2003 workbook; open it in Excel and "
                "save it as .xlsx without a password (File > Save As > Excel Workbook)",
                path=path,
            )
        )
    if head.startswith(b"%PDF"):
        raise InputFileError(
            Text(
                "{path}: is a PDF document, not a sheet; export the table from the program that made it "
                "as .xlsx or .csv (or copy it into Excel and save it as .xlsx)",
                path=shown(path),
            )
        )
    if head.startswith(b"PK\x03\x04"):
        return "ods" if suffix == ".ods" else "xlsx"
    if suffix in {".xlsx", ".xlsm"}:
        hint = (
            Text("it looks like a CSV file: rename it to .csv")
            if _looks_like_text(head)
            else Text("it is damaged or not a workbook: save it again from Excel as .xlsx")
        )
        raise InputFileError(Text("{path}: is not an .xlsx workbook; {hint}", path=path, hint=hint))
    if suffix in {".xls", ".numbers"}:
        raise InputFileError(
            Text("{path}: {suffix} files are not read; save it as .xlsx or .csv", path=path, suffix=suffix)
        )
    if not _looks_like_text(head):
        raise InputFileError(Text("{path}: is neither an .xlsx workbook nor a CSV text file", path=path))
    return "csv"


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return b"\x00" not in head[:4096]


def _open_head(path: Path) -> tuple[int, bytes]:
    """The file's size and first bytes; InputFileError for anything but a readable regular file."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputFileError(Text("{path}: is a folder, not a sheet", path=shown(path)))
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block the read or never end
            raise InputFileError(
                Text("{path}: is not a regular file; save the sheet as a file and use that", path=shown(path))
            )
        with path.open("rb") as handle:
            return info.st_size, handle.read(8192)
    except FileNotFoundError:
        raise InputFileError(Text("{path}: no such file", path=shown(path))) from None
    except OSError as exc:
        raise InputFileError(
            Text("{path}: cannot be read ({strerror})", path=shown(path), strerror=exc.strerror)
        ) from None


def shown(path: Path) -> str:
    """A path as a message may print it: bytes that are not UTF-8 in a name shown as escapes."""
    return str(path).encode("utf-8", errors="backslashreplace").decode("utf-8")


def open_checked(path: Path, limits: ReadLimits) -> str:
    """The kind of file ``path`` is ("xlsx", "ods" or "csv"), once it is known to be a readable
    sheet within the size limit; InputFileError with one line otherwise."""
    size, head = _open_head(path)
    if size == 0:
        raise InputFileError(
            Text(
                "{path}: the file is empty; fill in the template (bulkcancel template)",
                path=shown(path),
            )
        )
    if size > limits.max_file_bytes:
        raise InputFileError(
            Text(
                "{path}: {size:,} bytes is larger than the limit of {max_file_bytes:,}; split the sheet",
                path=shown(path),
                size=size,
                max_file_bytes=limits.max_file_bytes,
            )
        )
    return _sniff_kind(path, head)


def read_sheet(
    path: Path,
    sheet_name: str | None = None,
    limits: ReadLimits | None = None,
    columns: Mapping[str, str] | None = None,
) -> Sheet:
    """Read ``path``; raise InputFileError for a file that cannot be read as a sheet.

    ``columns`` maps a header as the sheet writes it to the role a person chose for it
    (``{"Artikel": "OrderItemId"}``: the upload page's column picker); the sheet's own
    header text is kept in the result."""
    limits = limits or ReadLimits()
    kind = open_checked(path, limits)
    flags: dict[tuple[int, int], CellFlag] = {}
    hidden: set[int] = set()
    delimiter = ","
    if kind in {"xlsx", "ods"}:
        from bulkcancel.sheet.xlsxread import read_xlsx_rows  # calamine is only imported when needed

        book = read_xlsx_rows(path, sheet_name, limits.max_uncompressed_bytes, kind)
        name, rows, notes, hidden, flags = book.name, book.rows, book.notes, book.hidden_rows, book.flags
    else:
        if sheet_name:
            raise InputFileError(Text("{path}: --sheet only applies to .xlsx workbooks", path=shown(path)))
        notes = []
        delimiter, rows = csv_rows(path, notes)
        name = None
    sheet = _build(path, kind, name, rows, notes, limits, flags, dict(columns or {}))
    if kind == "csv":
        sheet.delimiter = delimiter
    sheet.hidden_rows = hidden & set(sheet.row_numbers)
    if sheet.hidden_rows:
        listed = ", ".join(map(str, sorted(sheet.hidden_rows)[:10]))
        more = ", ..." if len(sheet.hidden_rows) > 10 else ""
        sheet.notes.append(SheetNote.make("hidden_rows", n=len(sheet.hidden_rows), rows=listed + more))
    return sheet


def _build(
    path: Path,
    kind: str,
    sheet_name: str | None,
    rows: Iterable[tuple[int, list[str]]],
    notes: list[str],
    limits: ReadLimits,
    flags: dict[tuple[int, int], CellFlag],
    chosen: dict[str, str] | None = None,
) -> Sheet:
    aliases = chosen or {}

    def named(cells: list[str]) -> list[str]:
        """The cells with the chosen headers replaced by their roles (for finding the columns only)."""
        return [aliases.get(c.strip(), c) for c in cells] if aliases else cells

    where = Text("{path} (sheet {name!r})", path=shown(path), name=sheet_name) if sheet_name else shown(path)
    iterator = iter(rows)
    header: list[str] | None = None
    header_row = 0
    seen: list[list[str]] = []
    for number, cells in iterator:
        if looks_like_header(named(cells)):
            header, header_row = [c.strip() for c in cells], number
            break
        if any(c.strip() for c in cells):
            seen.append(cells)
        if number >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        if not seen:
            raise InputFileError(
                Text("{where}: no rows at all; fill in the template (bulkcancel template)", where=where)
            )
        widest = max(seen, key=lambda cells: sum(1 for c in cells if c.strip()))
        map_columns(named([c.strip() for c in widest]), where)  # raises with the closest names
        raise InputFileError(Text("{where}: no header row with OrderItemId and ReasonCode found", where=where))
    result = is_result_header(header)  # our own outcome columns are dropped; a user's Status is kept
    data: list[list[str]] = []
    numbers: list[int] = []

    def no_second_header() -> None:
        """Refuse the rows read so far if one of them is a header row: the first such row."""
        found = (
            next((i for i, cells in enumerate(data) if looks_like_header(named(cells))), None)
            if aliases
            else first_header(data)
        )
        if found is not None:
            raise InputFileError(
                Text(
                    "{where}: row {number} is a second header row (the first is row {header_row}); one table "
                    "per sheet: move the rows below it to a sheet of their own, or delete that row if the "
                    "columns match",
                    where=where,
                    number=numbers[found],
                    header_row=header_row,
                )
            )

    for number, cells in iterator:
        if not "".join(cells).strip():  # a blank row
            continue
        data.append(cells)
        numbers.append(number)
        if len(data) > limits.max_rows:
            no_second_header()  # a header row above the limit is what a person fixes first
            raise InputFileError(
                Text("{where}: more than {max_rows:,} rows; split the sheet", where=where, max_rows=limits.max_rows)
            )
    no_second_header()
    if not data:
        raise InputFileError(Text("{where}: has a header row but no order items below it", where=where))
    width = max(len(header), max(map(len, data)))
    header = header + [""] * (width - len(header))  # cells right of the header are kept, as "Column N"
    keep = [i for i, h in enumerate(header) if not (result and h in OUTCOME_COLUMNS)]
    headers = [header[i] or f"Column {i + 1}" for i in keep]
    columns = map_columns(named(headers), where)
    position = {raw: kept for kept, raw in enumerate(keep)}
    if len(keep) == width:  # every column kept: the rows as read, a short one padded
        table = [cells if len(cells) == width else [*cells, *[""] * (width - len(cells))] for cells in data]
    else:
        table = [[(cells[i] if i < len(cells) else "") for i in keep] for cells in data]
    index_of = {number: index for index, number in enumerate(numbers)} if flags else {}
    kept_flags = {
        (index_of[row], position[column]): flag
        for (row, column), flag in flags.items()
        if row in index_of and column in position
    }
    return Sheet(path, kind, sheet_name, headers, table, numbers, columns, notes, flags=kept_flags)
