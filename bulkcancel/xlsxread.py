"""Rows of an .xlsx workbook as text, read streaming with openpyxl in read-only mode.

Size caps are checked on the zip directory before anything is parsed; formulas give their
cached value (``data_only=True``); external links are not loaded.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from bulkcancel.cells import cell_text
from bulkcancel.errors import InputFileError
from bulkcancel.headers import HEADER_SEARCH_ROWS, looks_like_header

Rows = Iterator[tuple[int, list[str]]]


def _check_zip(path: Path, max_uncompressed: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except zipfile.BadZipFile:
        raise InputFileError(
            f"{path}: the workbook is damaged or truncated; save it again from Excel as .xlsx"
        ) from None
    if "xl/workbook.xml" not in names:
        raise InputFileError(f"{path}: is a zip file but not an Excel workbook")
    total = sum(info.file_size for info in infos)
    if total > max_uncompressed:
        raise InputFileError(
            f"{path}: unpacks to {total:,} bytes, over the limit of "
            f"{max_uncompressed:,}; split the sheet"
        )
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > 1000:
            raise InputFileError(
                f"{path}: {info.filename} is compressed suspiciously well "
                "(a zip bomb?); save the sheet again from Excel"
            )


def read_xlsx_rows(
    path: Path, sheet_name: str | None, max_uncompressed: int
) -> tuple[str, Rows, list[str]]:
    """(sheet name, rows of text with their row numbers, notes) for the chosen sheet."""
    import openpyxl  # imported here: starting the CLI should not pay for it

    _check_zip(path, max_uncompressed)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputFileError(
            f"{path}: cannot be opened as a workbook ({type(exc).__name__}); "
            "save it again from Excel as .xlsx"
        ) from None
    names = list(book.sheetnames)
    if sheet_name is not None:
        if sheet_name not in names:
            raise InputFileError(
                f"{path}: no sheet {sheet_name!r}; the sheets are {', '.join(map(repr, names))}"
            )
        chosen = sheet_name
    else:
        chosen = _sheet_with_header(book, names) or names[0]
    sheet = book[chosen]
    notes = [f"read sheet {chosen!r} of {len(names)}"] if len(names) > 1 else []

    def rows() -> Rows:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(v) for v in values]
        finally:
            book.close()

    return chosen, rows(), notes


def _sheet_with_header(book: object, names: list[str]) -> str | None:
    for name in names:
        sheet = book[name]  # type: ignore[index]
        for values in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True):
            if looks_like_header([cell_text(v) for v in values]):
                return name
    return None
