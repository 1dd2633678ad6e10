"""Which column is which: header names matched loosely, with English and Dutch aliases."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from bulkcancel.errors import ColumnError
from bulkcancel.i18n import N_, Language, Text, gettext

ORDER_ITEM_ID = "OrderItemId"
REASON = "ReasonCode"
DATETIME = "DateTime"

# Canonical form: lower case, letters and digits only ("Order item_ID" -> "orderitemid").
ALIASES: dict[str, tuple[str, ...]] = {
    ORDER_ITEM_ID: (
        "orderitemid",
        "orderitem",
        "orderitemnumber",
        "orderitemnr",
        "itemid",
        "orderregelid",
        "orderregel",
        "orderregelnummer",
        "bestelregelid",
        "bestelregel",
        "bestelregelnummer",
        "artikelregelid",
    ),
    REASON: (
        "reasoncode",
        "reason",
        "cancellationreason",
        "cancelreason",
        "reden",
        "redencode",
        "annuleringsreden",
        "annuleerreden",
        "reden annulering".replace(" ", ""),
    ),
    DATETIME: (
        "datetime",
        "date",
        "datum",
        "datumtijd",
        "tijdstip",
        "time",
        "cancelledat",
        "cancellationdate",
        "cancellationdatetime",
        "annuleringsdatum",
    ),
}
REQUIRED = (ORDER_ITEM_ID, REASON)
HEADER_SEARCH_ROWS = 30  # how far below the top a header row may sit

# Columns the result adds, in each language; a result fed back in has them, and they are dropped.
_ROW = N_("Row")
_OUTCOME = (
    N_("Status"),
    N_("Detail"),
    N_("Sent as"),
    N_("Counts against score"),
    N_("Time given to bol"),
    N_("Request sent at"),
    "ProcessStatusId",  # bol's name
)
ROW_HEADER = {language.value: gettext(language, _ROW) for language in Language}
OUTCOME_HEADERS = {language.value: tuple(gettext(language, name) for name in _OUTCOME) for language in Language}
_LEGACY_OUTCOME = ("SentDateTime", "SentAt")  # the names of earlier versions
OUTCOME_COLUMNS = frozenset(
    {*ROW_HEADER.values(), *_LEGACY_OUTCOME} | {n for names in OUTCOME_HEADERS.values() for n in names}
)


def is_result_header(header: list[str]) -> bool:
    """Whether a header row is a bulkcancel result's (fed back in): Row first, then Status and Detail."""
    return bool(header) and any(
        header[0] == ROW_HEADER[lang] and {names[0], names[1]} <= set(header) for lang, names in OUTCOME_HEADERS.items()
    )


DUTCH_WORDS = {
    "orderregel",
    "orderregelid",
    "orderregelnummer",
    "bestelregel",
    "bestelregelid",
    "bestelregelnummer",
    "reden",
    "redencode",
    "annuleringsreden",
    "datum",
    "datumtijd",
    "tijdstip",
    "annuleringsdatum",
    "opmerking",  # the Dutch template's own column
}


def canonical(header: str) -> str:
    """The form headers are compared in: lower case, only letters and digits."""
    return re.sub(r"[^0-9a-z]", "", header.lower())


def role_of(header: str) -> str | None:
    """The column role a header names, or None for a column the tool does not use."""
    key = canonical(header)
    for role, names in ALIASES.items():
        if key in names:
            return role
    return None


@dataclass(frozen=True)
class ColumnMap:
    """Where each role sits in the header row (0-based), and whether headers look Dutch."""

    order_item_id: int
    reason: int
    datetime: int | None
    dutch: bool


def looks_like_header(cells: list[str]) -> bool:
    """Whether a row names both required columns (asked of every data row: kept cheap)."""
    roles = {_cached_role(cell) for cell in cells if 0 < len(cell) <= 40 and not _DIGIT.search(cell)}
    return all(role in roles for role in REQUIRED)


_DIGIT = re.compile(r"\d")  # no header name has a digit; ids, dates and notes with numbers are skipped fast
_CANDIDATE = re.compile(r"\x00([^\d\x00]{1,40})(?=\x00)")  # between NULs: a cell looks_like_header looks at
_BLOCK = 5_000  # rows judged at once by first_header


def first_header(rows: Sequence[list[str]]) -> int | None:
    """The index of the first of ``rows`` that ``looks_like_header`` (None: none does).

    Asked of every data row of a sheet, so a block of rows is judged at once: the cells
    ``looks_like_header`` looks at (1 to 40 characters, no digit) are found among the
    block's distinct cells by one regular expression over them joined by NUL, and only a
    block whose such cells name both required columns is looked at row by row. A cell
    holding a NUL itself would make the join ambiguous: that block is looked at row by row."""
    for start in range(0, len(rows), _BLOCK):
        block = rows[start : start + _BLOCK]
        cells = set(chain.from_iterable(block))
        joined = "\x00" + "\x00".join(cells) + "\x00"
        if joined.count("\x00") == len(cells) + 1:
            roles = {_cached_role(cell) for cell in _CANDIDATE.findall(joined)}
            if not all(role in roles for role in REQUIRED):
                continue
        for offset, row in enumerate(block):
            if looks_like_header(row):
                return start + offset
    return None


@lru_cache(maxsize=4096)
def _cached_role(cell: str) -> str | None:
    return role_of(cell) if cell.strip() else None


# An order id is not an order item id: such a column is never offered as the OrderItemId.
ORDER_ID_NAMES = {"order", "orderid", "ordernumber", "ordernr", "ordernummer", "bestelling", "bestelnummer"}
# A product's EAN (the products sheet's key column, sheet/products.py): named here so an order
# sheet that is really a products sheet can say so.
EAN_NAMES = ("ean", "ean13", "eancode", "eannummer", "eannr", "gtin", "gtin13", "barcode", "barcodenummer",
             "streepjescode", "productean", "artikelean")  # fmt: skip


def _closest(missing: str, headers: list[str]) -> str:
    """A "did you mean" for a missing role: never a column that is another field, or an order id."""
    names = [h for h in headers if h.strip() and role_of(h) is None and canonical(h) not in ORDER_ID_NAMES]
    close = difflib.get_close_matches(canonical(missing), [canonical(h) for h in names], n=1, cutoff=0.5)
    if not close:
        return ""
    original = next(h for h in names if canonical(h) == close[0])
    return Text("; did you mean {name!r}?", name=original)


def _order_hint(role: str, headers: list[str]) -> str:
    if role == ORDER_ITEM_ID and any(canonical(h) in EAN_NAMES for h in headers):
        return Text("; this looks like a products sheet: bulkcancel stockouts turns it into the order items to cancel.")
    if role == ORDER_ITEM_ID and any(canonical(h) in ORDER_ID_NAMES for h in headers):
        return Text("; an order id is not an order item id: add the order item ids (bol's OrderItemId) as a column.")
    return ""


def looks_dutch(headers: Sequence[str]) -> bool:
    """Whether a header row is Dutch (``--lang auto`` then speaks Dutch)."""
    return any(canonical(h) in DUTCH_WORDS for h in headers)


def find_roles(headers: list[str], where: str, roles: Callable[[str], str | None]) -> dict[str, list[int]]:
    """The columns of each role ``roles`` sees in ``headers``; ColumnError when two look like one role."""
    found: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        role = roles(header)
        if role is not None:
            found.setdefault(role, []).append(index)
    for role, indexes in found.items():
        if len(indexes) > 1:
            names = ", ".join(repr(headers[i]) for i in indexes)
            raise ColumnError(
                Text(
                    "{where}: columns {names} both look like {role}; rename or delete one of them",
                    where=where,
                    names=names,
                    role=role,
                ),
                [h for h in headers if h.strip()],
            )
    return found


def map_columns(headers: list[str], where: str) -> ColumnMap:
    """Find the role columns in ``headers`` or raise ColumnError naming what is wrong."""
    found = find_roles(headers, where, role_of)
    shown = ", ".join(repr(h) for h in headers if h.strip()) or "none"
    for role in REQUIRED:
        if role not in found:
            closest = _closest(role, headers)
            raise ColumnError(
                Text(
                    "{where}: no {role} column (headers found: {shown}){closest}{order} Name the column "
                    "{role!r}, or use the template (bulkcancel template).",
                    where=where,
                    role=role,
                    shown=shown,
                    closest=closest,
                    order=_order_hint(role, headers) or ("" if closest else "."),  # the sentence's end
                ),
                [h for h in headers if h.strip()],
            )
    dutch = looks_dutch(headers)
    return ColumnMap(
        order_item_id=found[ORDER_ITEM_ID][0],
        reason=found[REASON][0],
        datetime=found.get(DATETIME, [None])[0],
        dutch=dutch,
    )
