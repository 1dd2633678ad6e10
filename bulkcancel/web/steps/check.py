"""Step 2 and 3: the check of an upload (its table, a page at a time; the columns picked by hand)
and the comparison with bol's open orders.

An upload is checked once, in a worker thread: every request for it (a refresh, the confirm
step) waits on that one check, and the server's event loop never runs it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bulkcancel.check.edits import Change
from bulkcancel.errors import BulkCancelError, ColumnError
from bulkcancel.i18n import N_
from bulkcancel.pipeline import Outcome, run, validate
from bulkcancel.reasons import ReasonCode
from bulkcancel.statuses import RowStatus
from bulkcancel.web.expand import expand, expansion_rows, is_products_sheet
from bulkcancel.web.jobs import counts_of
from bulkcancel.web.page import Page, page_of, upload_of
from bulkcancel.web.resultview import level
from bulkcancel.web.texts import lang_of
from bulkcancel.web.uploads import CheckSummary, Upload, hide_paths
from bulkcancel.web.views import download, guarded_form, not_found, render

PROBLEMS = {RowStatus.INVALID, RowStatus.DUPLICATE}
ROLES = ("OrderItemId", "ReasonCode", "DateTime")
PAGE_ROWS = 500  # rows of the check table per page


def summarize(outcome: Outcome) -> CheckSummary:
    """The counts the check step shows, over every row once."""
    ready = [r for r in outcome.rows if r.status is RowStatus.READY]
    statuses = Counter(r.status for r in outcome.rows)
    return CheckSummary(
        counts=counts_of(outcome),
        reasons=sorted(Counter(r.sent_as.value for r in ready if r.sent_as).items()),
        against=sum(1 for r in ready if r.counts_against_score),
        ready=len(ready),
        invalid=statuses[RowStatus.INVALID],
        duplicates=statuses[RowStatus.DUPLICATE],
        problems=tuple(i for i, r in enumerate(outcome.rows) if r.status in PROBLEMS or r.detail),
    )


def _check(page: Page, item: Upload, version: int) -> None:
    """Validate ``item`` (in a worker thread) and keep the outcome, its summary, or the reason it failed;
    nothing when the upload changed meanwhile (an edit on the page: its own check follows)."""
    known = (item.source, item.source_name)
    try:
        try:
            outcome = validate(item.source, item.settings(page.settings, item.path.with_name("_checked.xlsx")))
        except ColumnError:
            fresh = item.expansion is None and not item.columns and item.corrected is None
            if not (fresh and is_products_sheet(item.path, item.sheet)):
                raise
            expand(page.settings, item)  # a products sheet: check the order items it expands into
            known = (item.source, item.source_name)
            outcome = validate(item.source, item.settings(page.settings, item.path.with_name("_checked.xlsx")))
        if item.version != version:
            return
        item.summary, item.checked = summarize(outcome), outcome
        if item.corrected is None:
            item.read = outcome.sheet  # the upload as read: what edits on the page apply to
    except ColumnError as exc:  # detection is unsure: the page lets the person pick
        if item.version == version:
            item.error, item.failure, item.candidates = hide_paths(str(exc), known), exc, exc.headers
    except BulkCancelError as exc:
        if item.version == version:
            item.error, item.failure = hide_paths(str(exc), known), exc


async def checked(page: Page, item: Upload) -> Outcome | None:
    """The check of ``item`` as it is now, made once; None when the sheet could not be read."""
    while item.checked is None and not item.error:  # again only when the upload changed during a check
        if item.checking is None or item.checking.done():
            item.checking = asyncio.ensure_future(run_in_threadpool(_check, page, item, item.version))
        await asyncio.shield(item.checking)  # a closed tab does not cancel the check the others wait for
    return item.checked


def _page_number(request: Request) -> int:
    given = request.query_params.get("page", "1")
    return int(given) if given.isdigit() and 0 < len(given) < 9 else 1


async def check(request: Request) -> Response:
    item = upload_of(request)
    if item is None:
        return not_found(request, N_("No such upload (the page was restarted?): upload the sheet again."))
    outcome = await checked(page_of(request), item)
    if outcome is None or item.summary is None:
        known = (item.source, item.source_name)
        said = hide_paths(item.failure.in_language(lang_of(request)), known) if item.failure else ""
        expansion = _expansion(request, item)
        return render(
            request, "check.html", 422, item=item, error=said or item.error, expansion=expansion, plan=item.plan
        )
    summary = item.summary
    only = request.query_params.get("problems") == "1"
    changed = item.edited.changed_rows if item.edited else frozenset()
    shown: range | list[int] = range(len(outcome.rows))
    if only:  # rows with a problem, and rows fixed on the page (so a fix stays in sight)
        flagged = set(summary.problems)
        shown = [i for i, r in enumerate(outcome.rows) if i in flagged or r.sheet_row in changed]
    pages = max(1, -(-len(shown) // PAGE_ROWS))
    number = min(_page_number(request), pages)
    first = (number - 1) * PAGE_ROWS
    columns = outcome.sheet.columns
    editable = item.job_id is None and item.read is not None
    rows: list[dict[str, Any]] = []
    for index in shown[first : first + PAGE_ROWS]:
        r = outcome.rows[index]
        rows.append(
            {
                "row": r.sheet_row,
                "id": _cell(r.cells, columns.order_item_id),
                "status": r.status.value,
                "level": level(r.status, r.detail),
                "detail": r.detail,
                "code": r.sent_as.value if r.sent_as else "",
                "changed": _changes(item, r.sheet_row),
                "fix": editable and (r.status is RowStatus.INVALID or r.sheet_row in changed),
                "now": {
                    "OrderItemId": _cell(r.cells, columns.order_item_id),
                    "ReasonCode": _cell(r.cells, columns.reason),
                    "DateTime": _cell(r.cells, columns.datetime),
                },
            }
        )
    return render(
        request,
        "check.html",
        item=item,
        rows=rows,
        only=only,
        counts=summary.counts,
        reasons=summary.reasons,
        against=summary.against,
        notes=outcome.notes,
        headers=outcome.sheet.headers,
        columns=columns,
        plan=item.plan,
        expansion=_expansion(request, item),
        reason_codes=list(ReasonCode),
        dropped=_dropped(item),
        editable=editable,
        fix_error=_row_param(request, "fix_error"),
        fix_open=_row_param(request, "fixed"),
        paging={"page": number, "pages": pages, "first": first + 1, "last": first + len(rows), "of": len(shown)},
    )


def _expansion(request: Request, item: Upload) -> dict[str, Any] | None:
    """What the check step shows of a products sheet's expansion (None for an order sheet)."""
    done = item.expansion
    if done is None:
        return None
    today = done.fetched.fetched_at.astimezone(page_of(request).settings.zone()).date()
    allocation = done.allocation
    return {
        "rows": expansion_rows(done, lang_of(request), today),
        "to_cancel": len(allocation.to_cancel),
        "kept": len(allocation.kept),
        "not_cancellable": len(allocation.not_cancellable),
        "sent_before": len(allocation.sent_before),
        "without": [product.ean for product in allocation.without_open_items],
        "fetched_at": f"{done.fetched.fetched_at.astimezone(page_of(request).settings.zone()):%d-%m-%Y %H:%M}",
    }


def _row_param(request: Request, name: str) -> int | None:
    given = request.query_params.get(name, "")
    return int(given) if given.isdigit() and len(given) < 9 else None


def _cell(cells: Sequence[str], column: int | None) -> str:
    return cells[column] if column is not None and column < len(cells) else ""


def _changes(item: Upload, row: int) -> list[Change]:
    return [c for c in item.edited.changes if c.row == row] if item.edited else []


def _dropped(item: Upload) -> list[dict[str, str | int]]:
    """The rows dropped on the page, with the id they held (from the upload as read)."""
    if item.edited is None or item.read is None:
        return []
    cells = dict(zip(item.read.row_numbers, item.read.rows, strict=True))
    column = item.read.columns.order_item_id
    return [{"row": row, "id": _cell(cells[row], column)} for row in item.edited.dropped]


async def choose_columns(request: Request) -> Response:
    form = await guarded_form(request)
    if isinstance(form, Response):
        return form
    item, page = upload_of(request), page_of(request)
    if item is None:
        return not_found(request)
    chosen = {str(form.get(role) or ""): role for role in ROLES if str(form.get(role) or "") in item.candidates}
    if {"OrderItemId", "ReasonCode"} <= set(chosen.values()):  # only headers the sheet has, both required
        item.columns, item.checked, item.summary, item.error, item.candidates = chosen, None, None, "", []
        item.failure = None
        item.checking = None
    return RedirectResponse(page.at(f"/u/{item.id}"), 303)


async def checked_download(request: Request) -> Response:
    item = upload_of(request)
    if item is None or item.checked is None:
        return not_found(request)
    return download(item.path.with_name("_checked.xlsx"), f"{Path(item.name).stem}-checked.xlsx")


async def plan(request: Request) -> Response:
    form = await guarded_form(request)
    if isinstance(form, Response):
        return form
    item = upload_of(request)
    if item is None:
        return not_found(request)
    page = page_of(request)
    settings = item.settings(page.settings, item.path.with_name("_plan.xlsx"), check=True, dry_run=True)
    try:
        outcome = await run_in_threadpool(run, item.source, settings)
        item.plan = {"counts": counts_of(outcome), "error": ""}
    except BulkCancelError as exc:
        known = (item.source, item.source_name)
        said = exc.in_language(lang_of(request))
        item.plan = {"counts": {}, "error": hide_paths(said, known, (page.journal, "journal"))}
    return RedirectResponse(page.at(f"/u/{item.id}#plan"), 303)
