"""Where a result may be written: checked before the first cancellation, never over the user's files.

The result goes to ``.xlsx`` or ``.csv`` in a folder that exists and can be written; never
over the input sheet, and never over a file that bulkcancel did not write (its workbooks
say so in docProps/app.xml; its CSV files start with the result's header row, in any language of the catalogue).
"""

from __future__ import annotations

import csv
import os
import zipfile
from pathlib import Path

from bulkcancel.errors import OutputError
from bulkcancel.i18n import Text
from bulkcancel.output.xlsxwrite import APPLICATION
from bulkcancel.sheet.headers import is_result_header

FORMATS = (".xlsx", ".csv")


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.exists() and other.exists() and one.samefile(other)
    except OSError:
        return False


def written_by_us(path: Path) -> bool:
    """Whether ``path`` is a result bulkcancel wrote (so a new result may replace it)."""
    try:
        if path.suffix.lower() == ".csv":
            with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
                first = handle.readline()
            return any(is_result_header(next(csv.reader([first], delimiter=mark))) for mark in ",;\t")
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "docProps/app.xml" in names:
                return f"<Application>{APPLICATION}</Application>".encode() in archive.read("docProps/app.xml")
            book = archive.read("xl/workbook.xml")  # a result of an older version: Results, Summary, Retry
        return (
            b'<sheet name="Results"' in book and b'<sheet name="Summary"' in book and "docProps/core.xml" not in names
        )
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def check_folder(out: Path) -> None:
    """Refuse, with one line, an ``--out`` whose folder does not exist or cannot be written to."""
    folder = out.parent if str(out.parent) else Path()
    if not folder.is_dir():
        raise OutputError(
            Text(
                "--out {out}: the folder {folder} does not exist; create it or choose another place",
                out=out,
                folder=folder,
            )
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            Text("--out {out}: the folder {folder} cannot be written to; choose another place", out=out, folder=folder)
        )


def check_destination(out: Path, sources: tuple[Path, ...] = (), force: bool = False) -> None:
    """Refuse, with one line, a result path that cannot or must not be written (``force``: a file
    bulkcancel did not write may be replaced; the input never is)."""
    if out.suffix.lower() not in FORMATS:
        raise OutputError(
            Text("--out {out}: a result is written as .xlsx or .csv; choose a name ending in one of them", out=out)
        )
    if any(out == source or _same_file(out, source) for source in sources):
        raise OutputError(
            Text("--out {out}: is the input sheet; the input is never written over, choose another name", out=out)
        )
    check_folder(out)
    if out.is_dir():
        raise OutputError(Text("--out {out}: is a folder; give a file name ending in .xlsx or .csv", out=out))
    if out.exists() and not force and not written_by_us(out):
        raise OutputError(
            Text(
                "--out {out}: exists and is not a bulkcancel result; it is not written over: choose "
                "another name, or add --force",
                out=out,
            )
        )


def free_name(path: Path) -> Path:
    """``path``, or the first of ``name-2.ext``, ``name-3.ext``, ... that does not exist yet."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate
