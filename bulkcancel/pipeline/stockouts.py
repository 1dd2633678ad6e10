"""The stock-out job across its stages: read the products, check them, fetch, allocate, write.

Read the products sheet (``sheet.products``) and check every row (``check.products``): one
row that is not READY stops the job before bol is asked anything, with one line per
problem. Then the open orders are fetched once (``stock.fetch``), the units left are given
out (``stock.allocate``) and the workbook is written (``output.stockouts_sheet``), never
over an existing file. Nothing is cancelled here: the sheet is run like any other.

The journal (``--journal``) is read, never written: an open item that an earlier run in the
same environment with the same account already cancelled or sent (bol's list can show it
open a while longer) is left out of the sheet to cancel and listed apart, with that run, as
``run`` would skip it (``send.plan``); it takes none of the units left.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypedDict

from bulkcancel.backend import OpenOrderItem
from bulkcancel.check.products import ProductCheck, check_products
from bulkcancel.errors import InputFileError, OutputError
from bulkcancel.i18n import Joined, Text, gettext, ngettext
from bulkcancel.journal.records import ItemState
from bulkcancel.journal.store import Journal, default_journal_path
from bulkcancel.logs import protect
from bulkcancel.output.destination import check_folder, free_name
from bulkcancel.output.stockouts_sheet import FetchFacts, write_stockouts_sheet
from bulkcancel.send.connect import load_credentials, open_backend, resolve
from bulkcancel.settings import Settings
from bulkcancel.sheet.notes import in_language
from bulkcancel.sheet.products import ProductSheet, read_products
from bulkcancel.sheet.read import shown
from bulkcancel.statuses import RowStatus
from bulkcancel.stock.allocate import Allocation, Earlier, Why, allocate
from bulkcancel.stock.fetch import Fetched, fetch_matching
from bulkcancel.targets import Environment, Target

DEFAULT_NAME = "stockouts-{day:%Y-%m-%d}.xlsx"


@dataclass(frozen=True)
class StockOuts:
    """What ``stockouts`` produced: where, what was decided, and when the orders were read."""

    out: Path
    allocation: Allocation
    fetched: Fetched
    target: Target
    lang: str
    notes: tuple[str, ...] = ()  # what reading the products sheet tells (hidden rows, the sheet chosen), in ``lang``


def stockouts_path(out: Path | None, today: date, force: bool = False) -> Path:
    """``--out`` (refused when it exists, unless ``force``), else ``stockouts-YYYY-MM-DD.xlsx`` in the
    current folder, or ``-2``, ``-3``, ... when that one is there (a sheet under review is kept)."""
    if out is not None:
        if out.suffix.lower() != ".xlsx":
            raise OutputError(
                Text(
                    "--out {out}: the stock-out sheet is an Excel workbook; give a name ending in .xlsx",
                    out=out,
                )
            )
        if out.is_dir() or (out.exists() and not force):
            raise OutputError(
                Text(
                    "--out {out}: exists; it is not written over: choose another name, or add --force",
                    out=out,
                )
            )
        check_folder(out)
        return out
    return free_name(Path(DEFAULT_NAME.format(day=today)))


def refusal(sheet: ProductSheet, checks: list[ProductCheck], lang: str) -> str | None:
    """One line per row that is not READY (None when every row is), naming the file, row and fix."""
    where = shown(sheet.path)
    lines = [
        gettext(lang, "{path}: row {row}: {problems}", path=where, row=check.sheet_row, problems=Joined(check.problems))
        for check in checks
        if check.status is not RowStatus.READY
    ]
    if not lines:
        return None
    fix = ngettext(
        lang,
        "{n} row to fix; nothing was fetched and no sheet was written",
        "{n} rows to fix; nothing was fetched and no sheet was written",
        len(lines),
    )
    return "\n".join([*lines, fix])


def read_checked(path: Path, settings: Settings) -> tuple[ProductSheet, list[ProductCheck], str]:
    """The products sheet, its checked rows and the language of its people; InputFileError when a row is not READY."""
    sheet = read_products(path, settings.sheet, settings.limits)
    flags = [
        (sheet.flags.get((i, sheet.ean)), sheet.flags.get((i, -1 if sheet.units is None else sheet.units)))
        for i in range(len(sheet.rows))
    ]
    checks = check_products(
        sheet.column(sheet.ean),
        sheet.column(sheet.units),
        sheet.column(sheet.reason),
        sheet.column(sheet.note),
        sheet.row_numbers,
        flags,
    )
    lang = settings.language(sheet.dutch)
    problem = refusal(sheet, checks, lang)
    if problem is not None:
        raise InputFileError(problem)
    return sheet, checks, lang


def stockouts(
    path: Path,
    settings: Settings,
    out: Path,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    on_page: Callable[[int], None] | None = None,
) -> StockOuts:
    """Read and check the products, fetch their open order items, decide, and write ``out``."""
    settings.verify()
    if out.exists() and path.exists() and out.samefile(path):
        raise OutputError(
            Text("--out {out}: is the products sheet; the input is never written over, choose another name", out=out)
        )
    sheet, checks, lang = read_checked(path, settings)
    products = [check.product for check in checks if check.product is not None]
    target = resolve(settings.api, settings.env, settings.base_url, settings.login_url)
    keys = load_credentials(target)
    for secret in keys.secrets:
        protect(secret)

    async def fetch() -> Fetched:
        backend = open_backend(
            target, keys, concurrency=settings.concurrency, timeout=settings.request_timeout, scenario=settings.scenario
        )
        try:
            return await fetch_matching(backend, [p.ean for p in products], now=now, on_page=on_page)
        finally:
            await backend.aclose()

    fetched = asyncio.run(fetch())
    earlier = sent_before(settings.journal or default_journal_path(), target, keys.seller_ref, fetched.items)
    allocation = allocate(products, fetched.items, earlier)
    environment = target.name.value if target.name is not Environment.CUSTOM else target.base_url
    facts = FetchFacts(
        fetched.fetched_at,
        target.api.label,
        environment,
        str(path),
        fetched.pages,
        fetched.orders_read,
        run_command(out, settings),
    )
    today = fetched.fetched_at.astimezone(settings.zone()).date()
    write_stockouts_sheet(out, allocation, facts, today, lang)
    return StockOuts(out, allocation, fetched, target, lang, tuple(in_language(sheet.notes, lang)))


SENT = {
    ItemState.CANCELLED: Why.CANCELLED_BEFORE,
    ItemState.ACCEPTED: Why.SENT_BEFORE,
    ItemState.SENDING: Why.SENT_BEFORE,
}


def _when(stamp: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(stamp or "")
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sent_before(path: Path, target: Target, seller: str, items: Sequence[OpenOrderItem]) -> dict[str, Earlier]:
    """The items the journal knows an earlier run cancelled or sent in this environment: with this
    account (cancelled, accepted or with no answer yet), or cancelled with the seller's other API."""
    ids = [item.order_item_id for item in items]
    with Journal(path, target.name.value, seller, read_only=True) as journal:  # a run may hold the lock
        known = {i: r for i, r in journal.items(ids).items() if r.state in SENT}
        other = journal.cancelled_elsewhere(i for i in ids if i not in known)
    found = {i: Earlier(SENT[r.state], r.run_id or "", _when(r.last_sent_at)) for i, r in known.items()}
    found.update(
        {i: Earlier(Why.CANCELLED_WITH_OTHER_API, r.run_id or "", _when(r.last_sent_at)) for i, r in other.items()}
    )
    return found


class StockoutsSummary(TypedDict):
    """What ``--json`` prints and ``bulkcancel.stockouts`` puts in ``frame.attrs``."""

    out: str  # the sheet written
    to_cancel: int  # order items per decision
    kept: int
    not_cancellable: int
    sent_before: int  # open at bol, but cancelled or sent by an earlier run (the journal's): left out
    without_open_items: list[str]  # the EANs of the products with no open order item
    fetched_at: str  # when bol's open orders were read (ISO 8601, to the second)


def summary(done: StockOuts) -> StockoutsSummary:
    """What ``--json`` prints: the file, the counts, the EANs without open items, when the orders were read."""
    allocation = done.allocation
    return StockoutsSummary(
        out=str(done.out),
        to_cancel=len(allocation.to_cancel),
        kept=len(allocation.kept),
        not_cancellable=len(allocation.not_cancellable),
        sent_before=len(allocation.sent_before),
        without_open_items=[product.ean for product in allocation.without_open_items],
        fetched_at=done.fetched.fetched_at.isoformat(timespec="seconds"),
    )


def run_command(out: Path, settings: Settings) -> str:
    """The command that runs the sheet written, against the same API and environment."""
    parts = ["bulkcancel", "run", str(out), "--check"]
    if settings.api is not None:
        parts += ["--api", settings.api.value]
    if settings.env is not None:
        parts += ["--env", settings.env.value]
    if settings.base_url:
        parts += ["--base-url", settings.base_url]
    if settings.login_url:
        parts += ["--login-url", settings.login_url]
    return " ".join(parts)
