"""Reading a products sheet (``bulkcancel stockouts``): EAN, units still in stock, ReasonCode, note.

One row per product. Only the EAN column is required; the header names are matched as an
order sheet's are (case, spaces and punctuation ignored), with the names staff use in
English and Dutch. The file is read by the same readers as an order sheet (every cell
as text, the sheet a person sees, the same caps and refusals); only the header differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bulkcancel.errors import HeaderNotFound, InputFileError
from bulkcancel.i18n import Text
from bulkcancel.sheet.cells import CellFlag
from bulkcancel.sheet.csvread import csv_rows
from bulkcancel.sheet.headers import ALIASES, EAN_NAMES, HEADER_SEARCH_ROWS, REASON, canonical, find_roles
from bulkcancel.sheet.notes import SheetNote
from bulkcancel.sheet.read import ReadLimits, open_checked, shown

EAN = "EAN"
UNITS = "Units in stock"
NOTE = "Note"

PRODUCT_ALIASES: dict[str, tuple[str, ...]] = {
    EAN: EAN_NAMES,
    UNITS: ("unitsinstock", "unitsleft", "stock", "instock", "stockleft", "units", "available", "qtyleft",
            "quantityleft", "voorraad", "nogopvoorraad", "opvoorraad", "restvoorraad", "aantalopvoorraad",
            "voorraadaantal", "beschikbaar", "nogbeschikbaar", "stuksopvoorraad"),
    REASON: ALIASES[REASON],
    NOTE: ("note", "notes", "comment", "comments", "remark", "memo", "opmerking", "opmerkingen", "notitie",
           "toelichting"),
}  # fmt: skip
DUTCH_WORDS = {"eancode", "eannummer", "barcodenummer", "streepjescode", "artikelean", "voorraad", "nogopvoorraad",
               "opvoorraad", "restvoorraad", "aantalopvoorraad", "voorraadaantal", "beschikbaar", "nogbeschikbaar",
               "stuksopvoorraad", "reden", "redencode", "annuleringsreden", "opmerking", "opmerkingen", "notitie",
               "toelichting"}  # fmt: skip


def product_role(header: str) -> str | None:
    """The products-sheet column a header names, or None."""
    key = canonical(header)
    return next((role for role, names in PRODUCT_ALIASES.items() if key in names), None)


def looks_like_products_header(cells: list[str]) -> bool:
    """Whether a row names the EAN column (and is not an order sheet's header)."""
    return any(0 < len(cell) <= 40 and product_role(cell) == EAN for cell in cells)


@dataclass
class ProductSheet:
    """The products sheet's rows of text and where each column is (None: not in the sheet)."""

    path: Path
    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    ean: int
    units: int | None
    reason: int | None
    note: int | None
    dutch: bool
    notes: list[str] = field(default_factory=list)
    flags: dict[tuple[int, int], CellFlag] = field(default_factory=dict)  # (row index, column)

    def column(self, index: int | None) -> list[str]:
        """All cells of one column (empty when the sheet has no such column)."""
        return [row[index] if index is not None and index < len(row) else "" for row in self.rows]


def _columns(headers: list[str], where: str) -> dict[str, int]:
    return {role: indexes[0] for role, indexes in find_roles(headers, where, product_role).items()}


def read_products(path: Path, sheet_name: str | None = None, limits: ReadLimits | None = None) -> ProductSheet:
    """Read a products sheet; InputFileError or ColumnError (one line) when it cannot be read as one."""
    limits = limits or ReadLimits()
    kind = open_checked(path, limits)
    notes: list[str] = []
    flags: dict[tuple[int, int], CellFlag] = {}
    hidden: set[int] = set()
    if kind in {"xlsx", "ods"}:
        from bulkcancel.sheet.xlsxread import read_xlsx_rows

        book = read_xlsx_rows(path, sheet_name, limits.max_uncompressed_bytes, kind, looks_like_products_header)
        rows, notes, flags, hidden = book.rows, book.notes, book.flags, book.hidden_rows
    else:
        if sheet_name:
            raise InputFileError(Text("{path}: --sheet only applies to .xlsx workbooks", path=shown(path)))
        _, rows = csv_rows(path, notes, looks_like_products_header)
    where = shown(path)
    header: list[str] | None = None
    for number, cells in rows:
        if looks_like_products_header(cells):
            header = [c.strip() for c in cells]
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        raise HeaderNotFound(
            Text(
                "{where}: no header row with an EAN column found in the first {rows} rows; "
                "name the column EAN (or use the template: bulkcancel template --products)",
                where=where,
                rows=HEADER_SEARCH_ROWS,
            )
        )
    data: list[list[str]] = []
    numbers: list[int] = []
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        data.append(cells + [""] * (len(header) - len(cells)))
        numbers.append(number)
        if len(data) > limits.max_rows:
            raise InputFileError(
                Text(
                    "{where}: more than {max_rows:,} rows; split the sheet",
                    where=where,
                    max_rows=limits.max_rows,
                )
            )
    if not data:
        raise InputFileError(Text("{where}: has a header row but no products below it", where=where))
    found = _columns(header, where)
    hidden &= set(numbers)
    if hidden:  # a product nobody sees in Excel would still have its orders cancelled: say so
        listed = ", ".join(map(str, sorted(hidden)[:10])) + (", ..." if len(hidden) > 10 else "")
        notes.append(SheetNote.make("hidden_rows", n=len(hidden), rows=listed))
    index_of = {number: index for index, number in enumerate(numbers)}
    return ProductSheet(
        path=path,
        headers=header,
        rows=data,
        row_numbers=numbers,
        ean=found[EAN],
        units=found.get(UNITS),
        reason=found.get(REASON),
        note=found.get(NOTE),
        dutch=any(canonical(h) in DUTCH_WORDS for h in header),
        notes=notes,
        flags={(index_of[row], column): flag for (row, column), flag in flags.items() if row in index_of},
    )
