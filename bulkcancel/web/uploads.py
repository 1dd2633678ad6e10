"""Uploads: a sheet the person gave the page, what the check said about it, and what it is saved as."""

from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bulkcancel.check.edits import Edited, RowEdit
from bulkcancel.errors import BulkCancelError
from bulkcancel.i18n import gettext
from bulkcancel.pipeline import Outcome
from bulkcancel.results import DroppedRow
from bulkcancel.settings import Settings
from bulkcancel.sheet.read import Sheet

# An absolute path in a message (not a URL's path: no ":", "/" or word before its first slash).
_PATH = re.compile(r"(?<![\w:/.~-])(?:~|[A-Za-z]:)?[/\\](?:[^\s/\\]+[/\\])+([^\s/\\,;:()'\"]*)")


def new_id() -> str:
    """A random id for an upload or a job (never a path from the request)."""
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class CheckSummary:
    """What the check step shows above its table, counted once per check (not per page view)."""

    counts: dict[str, int]  # rows per status, in the order of RowStatus
    reasons: list[tuple[str, int]]  # READY rows per reason code sent
    against: int  # READY rows that count against the performance score
    ready: int
    invalid: int  # INVALID rows: they come back on the Retry sheet
    duplicates: int  # DUPLICATE rows: not sent, and not on the Retry sheet (their first row is sent)
    problems: tuple[int, ...]  # indexes of the rows with an error or a note


@dataclass
class Upload:
    """One uploaded sheet and what the check said about it."""

    id: str
    name: str  # the name the user gave it (shown, never used as a path)
    path: Path
    sheet: str | None = None  # --sheet (the Retry sheet of a result run again)
    checked: Outcome | None = None
    error: str = ""
    failure: BulkCancelError | None = None  # why the check failed, shown in each request's language
    plan: dict[str, Any] | None = None  # what the comparison with bol's open orders said
    columns: dict[str, str] = field(default_factory=dict)  # header -> role, picked on the page
    candidates: list[str] = field(default_factory=list)  # headers to pick from when detection failed
    summary: CheckSummary | None = None  # the check's counts, made once with it
    checking: asyncio.Future[None] | None = None  # the check under way (every request for it waits on this one)
    job_id: str | None = None  # the run Send started (one per upload, however often Send is posted)
    expansion: Any = None  # stock-outs of a products sheet (pipeline.stockouts.StockOuts): ``path`` is its sheet
    read: Sheet | None = None  # the sheet as read from the upload (the edits apply to it; it never changes)
    edits: dict[int, RowEdit] = field(default_factory=dict)  # fixes made on the page, by row number
    edited: Edited | None = None  # what the edits made of ``read``
    corrected: Path | None = None  # the corrected sheet, when there are edits: it is what is checked and run
    version: int = 0  # grows with every edit: Send names the version it confirmed
    fixing: asyncio.Lock = field(default_factory=asyncio.Lock)  # held while an edit is applied and checked
    carried: tuple[DroppedRow, ...] = ()  # rows an earlier run of this sheet had DROPPED (run again from History)
    strike: bool = False  # the confirm step showed that a LIVE run takes the week above bol's cancellation norm

    @property
    def source(self) -> Path:
        """The file a check or a run reads: the corrected sheet when rows were fixed on the page, else the upload."""
        return self.corrected or self.path

    @property
    def source_name(self) -> str:
        """The name people see for ``source`` (the corrected sheet's download name)."""
        return f"{Path(self.name).stem}-corrected.xlsx" if self.corrected else self.name

    def summary_name(self, base: Settings) -> str:
        """The input as the result's Summary names it: with the rows dropped on the page, if any (in the
        sheet's language, as the result), so a drop is in the result as every other edit is."""
        if self.edited is None or not self.edited.dropped or self.read is None:
            return self.source_name
        return gettext(
            base.language(self.read.columns.dutch),
            "{name} (rows dropped on the page: {rows})",
            name=self.source_name,
            rows=", ".join(map(str, self.edited.dropped)),
        )

    def dropped(self) -> tuple[DroppedRow, ...]:
        """The rows dropped on the page, with their cells as uploaded (the result has them, DROPPED): here, and
        in the earlier run this sheet is run again from (those are not in the sheet, but were in its upload)."""
        here = set(self.read.row_numbers) if self.read is not None else set()
        found = [row for row in self.carried if row.sheet_row not in here]
        if self.edited is not None and self.read is not None:
            cells = dict(zip(self.read.row_numbers, self.read.rows, strict=True))
            found += [DroppedRow(row, tuple(cells[row])) for row in self.edited.dropped]
        return tuple(sorted(found, key=lambda row: row.sheet_row))

    def settings(self, base: Settings, out: Path, **more: object) -> Settings:
        """``base`` for a check or run of this upload: its sheet, its columns, its own name in the Summary,
        the rows dropped on the page."""
        return replace(
            base,
            out=out,
            sheet=self.sheet,
            force=True,
            columns=tuple(self.columns.items()),
            input_name=self.summary_name(base),
            dropped=self.dropped(),
            **more,  # type: ignore[arg-type]
        )


def sniff(name: str, head: bytes) -> str | None:
    """The suffix a sheet is saved under, judged by its content; None: not a sheet we read.

    A zip is a workbook only when named .xlsx or .ods (a .docx or .xlsm is a zip too); an
    old .xls (OLE) or any other binary is refused; text is a CSV (UTF-16 starts with a BOM)."""
    lowered = name.lower()
    if head.startswith(b"PK\x03\x04"):
        return ".ods" if lowered.endswith(".ods") else ".xlsx" if lowered.endswith(".xlsx") else None
    if head.startswith(b"\xd0\xcf\x11\xe0") or not lowered.endswith((".csv", ".txt")):
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ".csv"
    return None if b"\x00" in head else ".csv"


def hide_paths(text: str, *known: tuple[Path, str]) -> str:
    """``text`` as a page may show it: each known path as its name for people, any other absolute
    path as its last part (the page never shows where files live)."""
    for path, name in known:
        text = text.replace(str(path), name)
    return _PATH.sub(lambda found: found.group(1) or "", text)
