"""Uploads: a sheet the person gave the page, what the check said about it, and what it is saved as."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulkcancel.pipeline import Outcome


def new_id() -> str:
    """A random id for an upload or a job (never a path from the request)."""
    return secrets.token_urlsafe(12)


@dataclass
class Upload:
    """One uploaded sheet and what the check said about it."""

    id: str
    name: str  # the name the user gave it (shown, never used as a path)
    path: Path
    sheet: str | None = None  # --sheet (the Retry sheet of a result run again)
    checked: Outcome | None = None
    error: str = ""
    plan: dict[str, Any] | None = None  # what the comparison with bol's open orders said
    columns: dict[str, str] = field(default_factory=dict)  # header -> role, picked on the page
    candidates: list[str] = field(default_factory=list)  # headers to pick from when detection failed


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
