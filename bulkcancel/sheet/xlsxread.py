"""Rows of an .xlsx (or OpenDocument .ods) workbook as text, read with calamine (Rust; 20x
faster than openpyxl's read-only mode on 100,000 rows, see benchmarks/bench_sheets.py).

Size caps are checked on the zip directory before anything is parsed, and a sheet's real
extent (``xlsxscan``) before calamine loads it. The sheet read is the one a person sees:
never a hidden sheet unless ``--sheet`` names it; the active sheet when it holds the
table; the only visible sheet that does; else the choice is refused with the names.
Formulas give their saved value; a cell whose value cannot be trusted (an Excel error, a
formula never calculated, a number with decimals) is flagged for validation.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulkcancel.errors import InputFileError
from bulkcancel.i18n import Text
from bulkcancel.sheet.cells import CellFlag, cell_flag, cell_text, column_letter
from bulkcancel.sheet.headers import HEADER_SEARCH_ROWS, looks_like_header
from bulkcancel.sheet.notes import SheetNote
from bulkcancel.sheet.xlsxscan import Book, SheetScan, damaged, read_book, scan_sheet

Rows = Iterator[tuple[int, list[str]]]


def _check_zip(path: Path, max_uncompressed: int, kind: str = "xlsx") -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise damaged(path, exc) from None
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        program = "Word" if "word/document.xml" in names else "PowerPoint"
        raise InputFileError(
            Text(
                "{path}: is a {program} document, not a workbook; copy its table into Excel and save it "
                "from Excel as .xlsx",
                path=path,
                program=program,
            )
        )
    if ("xl/workbook.xml" if kind == "xlsx" else "content.xml") not in names:
        raise InputFileError(
            Text(
                "{path}: is a zip file but not an {kind} workbook; save the sheet from Excel as .xlsx",
                path=path,
                kind="Excel" if kind == "xlsx" else "OpenDocument",
            )
        )
    total = sum(info.file_size for info in infos)
    if total > max_uncompressed:
        raise InputFileError(
            Text(
                "{path}: unpacks to {total:,} bytes, over the limit of {max_uncompressed:,}; split the sheet",
                path=path,
                total=total,
                max_uncompressed=max_uncompressed,
            )
        )
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > 1000:
            raise InputFileError(
                Text(
                    "{path}: {filename} is compressed suspiciously well (a zip bomb?); save the sheet again from Excel",
                    path=path,
                    filename=info.filename,
                )
            )


_TEXT = frozenset({str})
MAX_GRID_CELLS = 20_000_000  # what calamine may allocate for one sheet (about 640 MB)


@dataclass(frozen=True)
class XlsxRows:
    """The chosen sheet: its name, its rows of text, notes, hidden rows, and flagged cells."""

    name: str
    rows: Rows
    notes: list[str]
    hidden_rows: set[int]
    flags: dict[tuple[int, int], CellFlag]  # (row number, column in the row) -> why the text is not the value


class _Workbook:
    """calamine's workbook with our scans of its sheets, each sheet guarded before it is loaded."""

    def __init__(self, path: Path, kind: str, is_header: Callable[[list[str]], bool] = looks_like_header) -> None:
        from python_calamine import CalamineError, CalamineWorkbook

        self.path, self.kind, self.is_header = path, kind, is_header
        try:
            self.book = CalamineWorkbook.from_path(str(path))
            self.names = list(self.book.sheet_names)
            self.visible = {m.name: str(m.visible).endswith("Visible") for m in self.book.sheets_metadata}
        except (CalamineError, ValueError, OSError) as exc:
            raise InputFileError(
                Text(
                    "{path}: cannot be opened as a workbook ({error}); save it again from Excel as .xlsx",
                    path=path,
                    error=type(exc).__name__,
                )
            ) from None
        except BaseException as exc:  # a panic in calamine's Rust code on a damaged file
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise damaged(path, exc) from None
        self.layout = read_book(path) if kind == "xlsx" else Book((), 0)
        self._parts = {entry.name: entry.part for entry in self.layout.sheets}
        self._scans: dict[str, SheetScan] = {}
        self._loaded: dict[str, Any] = {}

    def active(self) -> str | None:
        index = self.layout.active
        return self.names[index] if 0 <= index < len(self.names) else None

    def scan(self, name: str) -> SheetScan:
        if name not in self._scans:
            part = self._parts.get(name, "")
            self._scans[name] = scan_sheet(self.path, part) if part else SheetScan()
        return self._scans[name]

    def load(self, name: str) -> Any:
        """The calamine sheet, once its extent is known to fit in memory."""
        if name not in self._loaded:
            scan = self.scan(name)
            if scan.cells_spanned() > MAX_GRID_CELLS and scan.first and scan.last:
                far = f"{column_letter(scan.last[1])}{scan.last[0]}"
                raise InputFileError(
                    Text(
                        "{path}: sheet {name!r} has cells as far out as {far}, a grid of {cells_spanned:,} cells; "
                        "delete the stray cells (Ctrl+End shows the last one) or copy the table to a new sheet",
                        path=self.path,
                        name=name,
                        far=far,
                        cells_spanned=scan.cells_spanned(),
                    )
                )
            self._loaded[name] = self.book.get_sheet_by_name(name)
        return self._loaded[name]

    def has_header(self, name: str) -> bool:
        from python_calamine import CalamineError

        try:
            for number, values in enumerate(self.load(name).iter_rows(), start=1):
                if self.is_header([cell_text(v) for v in values]):
                    return True
                if number >= HEADER_SEARCH_ROWS:
                    break
        except (CalamineError, ValueError):  # a chart sheet or an unreadable one: not the data sheet
            return False
        return False


def _choose(book: _Workbook, wanted: str | None) -> tuple[str, list[str]]:
    """The sheet to read and what to say about the choice."""
    names, path = book.names, book.path
    if wanted is not None:
        if wanted not in names:
            raise InputFileError(
                Text(
                    "{path}: no sheet {wanted!r}; the sheets are {names}",
                    path=path,
                    wanted=wanted,
                    names=", ".join(map(repr, names)),
                )
            )
        hidden_note = SheetNote.make("hidden_sheet", name=wanted)
        return wanted, ([hidden_note] if not book.visible.get(wanted, True) else [])
    shown = [name for name in names if book.visible.get(name, True)]
    tables = [name for name in shown if book.has_header(name)]
    active = book.active()
    if active in tables:
        others = [name for name in tables if name != active]
        also = ", ".join(map(repr, others))
        return active, ([SheetNote.make("active", name=active, also=also)] if others else [])
    if len(tables) == 1:
        return tables[0], []
    if len(tables) > 1:
        raise InputFileError(
            Text(
                "{path}: sheets {tables} each hold a table of order items; choose one with --sheet NAME",
                path=path,
                tables=", ".join(map(repr, tables)),
            )
        )
    hidden = [name for name in names if name not in shown and book.has_header(name)]
    if hidden:
        raise InputFileError(
            Text(
                "{path}: the only table of order items is on hidden sheet {hidden!r}; unhide it in Excel, "
                "or choose it with --sheet {hidden!r} if those are the items to cancel",
                path=path,
                hidden=hidden[0],
            )
        )
    return (shown or names)[0], []  # no header anywhere: reading it says which columns are missing


def read_xlsx_rows(
    path: Path,
    sheet_name: str | None,
    max_uncompressed: int,
    kind: str = "xlsx",
    is_header: Callable[[list[str]], bool] = looks_like_header,
) -> XlsxRows:
    """The chosen sheet's rows as text with their row numbers, notes, hidden rows and flagged cells
    (``is_header``: what the table's header row looks like; an order sheet's unless told)."""
    from python_calamine import CalamineError

    _check_zip(path, max_uncompressed, kind)
    book = _Workbook(path, kind, is_header)
    chosen, notes = _choose(book, sheet_name)
    sheet = book.load(chosen)
    scan = book.scan(chosen)
    if scan.hidden_columns:
        notes.append(SheetNote.make("hidden_columns", n=scan.hidden_columns, name=chosen))
    offset = sheet.start[1] if sheet.start else 0  # calamine's rows begin at the first used column
    flags: dict[tuple[int, int], CellFlag] = {}
    for (row, column), shown in scan.errors.items():
        flags[(row, column - offset)] = CellFlag("error", shown)
    for row, column in scan.no_value:
        flags[(row, column - offset)] = CellFlag("no_value", "")

    def rows() -> Rows:
        try:
            for number, values in enumerate(sheet.iter_rows(), start=1):
                if _TEXT.issuperset(map(type, values)):  # the common row: every cell is text (or empty) already
                    yield number, values
                    continue
                texts = []
                for column, value in enumerate(values):
                    if (flag := cell_flag(value)) is not None:
                        flags[(number, column)] = flag
                    texts.append(cell_text(value))
                yield number, texts
        except (CalamineError, ValueError) as exc:
            raise InputFileError(
                Text("{path}: sheet {chosen!r} cannot be read ({exc})", path=path, chosen=chosen, exc=exc)
            ) from None

    return XlsxRows(chosen, rows(), notes, scan.hidden_rows, flags)
