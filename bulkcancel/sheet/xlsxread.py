"""Rows of an .xlsx (or OpenDocument .ods) workbook as text, read with calamine (Rust; 20x faster than openpyxl's
read-only mode on 100,000 rows, see benchmarks/bench_sheets.py).

Size caps are checked on the zip directory before anything is parsed; formulas give their
cached value; hidden rows and columns are found by a streaming scan of the sheet's XML.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bulkcancel.errors import InputFileError
from bulkcancel.safexml import XMLRejected, local_name, parse_xml
from bulkcancel.sheet.cells import cell_text
from bulkcancel.sheet.headers import HEADER_SEARCH_ROWS, looks_like_header

Rows = Iterator[tuple[int, list[str]]]


def _check_zip(path: Path, max_uncompressed: int, kind: str = "xlsx") -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except zipfile.BadZipFile:
        raise InputFileError(
            f"{path}: the workbook is damaged or truncated; save it again from Excel as .xlsx"
        ) from None
    if ("xl/workbook.xml" if kind == "xlsx" else "content.xml") not in names:
        raise InputFileError(
            f"{path}: is a zip file but not an {'Excel' if kind == 'xlsx' else 'OpenDocument'} workbook"
        )
    total = sum(info.file_size for info in infos)
    if total > max_uncompressed:
        raise InputFileError(
            f"{path}: unpacks to {total:,} bytes, over the limit of {max_uncompressed:,}; split the sheet"
        )
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > 1000:
            raise InputFileError(
                f"{path}: {info.filename} is compressed suspiciously well "
                "(a zip bomb?); save the sheet again from Excel"
            )


_TAG = re.compile(rb"<(row|col)\b[^>]*>")
_HIDDEN = re.compile(rb'\bhidden="(1|true)"')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_COL_SPAN = re.compile(rb'\bmin="(\d+)"[^>]*\bmax="(\d+)"|\bmax="(\d+)"[^>]*\bmin="(\d+)"')


def hidden_rows_and_columns(path: Path, member: str) -> tuple[set[int], int]:
    """Row numbers marked hidden, and how many columns are, read from the sheet's XML."""
    rows: set[int] = set()
    columns = 0
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            cut = data.rfind(b"<")
            for match in _TAG.finditer(data, 0, cut if cut > 0 else len(data)):
                tag = match.group(0)
                if not _HIDDEN.search(tag):
                    continue
                if match.group(1) == b"row" and (number := _ROW_NUMBER.search(tag)):
                    rows.add(int(number.group(1)))
                elif match.group(1) == b"col" and (span := _COL_SPAN.search(tag)):
                    low, high = (span.group(1), span.group(2)) if span.group(1) else (span.group(4), span.group(3))
                    columns += int(high) - int(low) + 1
            tail = data[cut:] if cut > 0 else b""
    return rows, columns


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> its worksheet part in the zip, from workbook.xml and its relationships."""
    with zipfile.ZipFile(path) as archive:
        try:
            book = parse_xml(archive.read("xl/workbook.xml"), max_bytes=10_000_000)
            rels = parse_xml(archive.read("xl/_rels/workbook.xml.rels"), max_bytes=10_000_000)
        except (KeyError, XMLRejected):
            return {}
    targets = {node.get("Id"): node.get("Target", "") for node in rels.iter() if local_name(node) == "Relationship"}
    parts = {}
    for node in book.iter():
        if local_name(node) == "sheet":
            rel = next((v for k, v in node.attrib.items() if str(k).endswith("}id")), None)
            target = str(targets.get(str(rel), ""))
            if target:
                parts[str(node.get("name"))] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def read_xlsx_rows(
    path: Path, sheet_name: str | None, max_uncompressed: int, kind: str = "xlsx"
) -> tuple[str, Rows, list[str], set[int]]:
    """(sheet name, rows of text with their row numbers, notes, hidden rows) for the chosen sheet."""
    from python_calamine import CalamineError, CalamineWorkbook

    _check_zip(path, max_uncompressed, kind)
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except (CalamineError, ValueError, OSError) as exc:
        raise InputFileError(
            f"{path}: cannot be opened as a workbook ({type(exc).__name__}); save it again from Excel as .xlsx"
        ) from None
    if sheet_name is not None:
        if sheet_name not in names:
            raise InputFileError(f"{path}: no sheet {sheet_name!r}; the sheets are {', '.join(map(repr, names))}")
        chosen, loaded = sheet_name, None
    else:
        chosen, loaded = _sheet_with_header(book, names) or (names[0], None)
    notes = [f"read sheet {chosen!r} of {len(names)}"] if len(names) > 1 else []
    hidden_rows: set[int] = set()
    hidden_columns = 0
    member = _sheet_parts(path).get(chosen) if kind == "xlsx" else None
    if member:
        hidden_rows, hidden_columns = hidden_rows_and_columns(path, member)
    if hidden_columns:
        notes.append(f"{hidden_columns} hidden column(s) in sheet {chosen!r} were read too")

    def rows() -> Rows:
        try:
            sheet = loaded or book.get_sheet_by_name(chosen)
            for number, values in enumerate(sheet.iter_rows(), start=1):
                yield number, [cell_text(v) for v in values]
        except (CalamineError, ValueError) as exc:
            raise InputFileError(f"{path}: sheet {chosen!r} cannot be read ({exc})") from None

    return chosen, rows(), notes, hidden_rows


def _sheet_with_header(book: Any, names: list[str]) -> tuple[str, Any] | None:
    """The first sheet with a header row, and the sheet itself (calamine loads it whole)."""
    from python_calamine import CalamineError

    for name in names:
        try:
            sheet = book.get_sheet_by_name(name)
            for number, values in enumerate(sheet.iter_rows(), start=1):
                if looks_like_header([cell_text(v) for v in values]):
                    return name, sheet
                if number >= HEADER_SEARCH_ROWS:
                    break
        except (CalamineError, ValueError):  # a chart sheet or an unreadable one: not the data sheet
            continue
    return None
