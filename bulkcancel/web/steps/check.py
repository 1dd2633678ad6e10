"""Step 2 and 3: the check of an upload (its table, the columns picked by hand) and the comparison with bol."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bulkcancel.errors import BulkCancelError, ColumnError
from bulkcancel.pipeline import Outcome, run, validate
from bulkcancel.statuses import RowStatus
from bulkcancel.web.jobs import counts_of
from bulkcancel.web.page import Page, page_of, upload_of
from bulkcancel.web.uploads import Upload
from bulkcancel.web.views import download, guarded_form, not_found, render

PROBLEMS = {RowStatus.INVALID, RowStatus.DUPLICATE}
ROLES = ("OrderItemId", "ReasonCode", "DateTime")


async def checked(page: Page, item: Upload) -> Outcome | None:
    """The check of ``item`` (made once, in a worker thread); None when the sheet could not be read."""
    if item.checked is None and not item.error:
        settings = replace(
            page.settings,
            out=item.path.with_name("_checked.xlsx"),
            sheet=item.sheet,
            force=True,
            columns=tuple(item.columns.items()),
        )
        try:
            item.checked = await run_in_threadpool(validate, item.path, settings)
        except ColumnError as exc:  # detection is unsure: the page lets the person pick
            item.error, item.candidates = str(exc).replace(str(item.path), item.name), exc.headers
        except BulkCancelError as exc:
            item.error = str(exc).replace(str(item.path), item.name)
    return item.checked


async def check(request: Request) -> Response:
    item = upload_of(request)
    if item is None:
        return not_found("No such upload (the page was restarted?): upload the sheet again.")
    outcome = await checked(page_of(request), item)
    if outcome is None:
        return render(request, "check.html", 422, item=item, error=item.error)
    only = request.query_params.get("problems") == "1"
    rows = [
        {
            "row": r.sheet_row,
            "id": r.cells[outcome.sheet.columns.order_item_id] if r.cells else "",
            "status": r.status.value,
            "level": "error" if r.status in PROBLEMS else ("warning" if r.detail else "ok"),
            "detail": r.detail,
            "code": r.sent_as.value if r.sent_as else "",
        }
        for r in outcome.rows
    ]
    if only:
        rows = [r for r in rows if r["level"] != "ok"]
    ready = [r for r in outcome.rows if r.status is RowStatus.READY]
    reasons = Counter(r.sent_as.value for r in ready if r.sent_as)
    return render(
        request,
        "check.html",
        item=item,
        rows=rows,
        only=only,
        counts=counts_of(outcome),
        reasons=sorted(reasons.items()),
        against=sum(1 for r in ready if r.counts_against_score),
        notes=outcome.notes,
        headers=outcome.sheet.headers,
        columns=outcome.sheet.columns,
        plan=item.plan,
    )


async def choose_columns(request: Request) -> Response:
    form = await guarded_form(request)
    if isinstance(form, Response):
        return form
    item = upload_of(request)
    if item is None:
        return not_found()
    chosen = {str(form.get(role) or ""): role for role in ROLES if str(form.get(role) or "") in item.candidates}
    if {"OrderItemId", "ReasonCode"} <= set(chosen.values()):  # only headers the sheet has, both required
        item.columns, item.checked, item.error, item.candidates = chosen, None, "", []
    return RedirectResponse(f"/u/{item.id}", 303)


async def checked_download(request: Request) -> Response:
    item = upload_of(request)
    if item is None or item.checked is None:
        return not_found()
    return download(item.path.with_name("_checked.xlsx"), f"{Path(item.name).stem}-checked.xlsx")


async def plan(request: Request) -> Response:
    form = await guarded_form(request)
    if isinstance(form, Response):
        return form
    item = upload_of(request)
    if item is None:
        return not_found()
    page = page_of(request)
    settings = replace(
        page.settings, check=True, dry_run=True, out=item.path.with_name("_plan.xlsx"), sheet=item.sheet, force=True
    )
    try:
        outcome = await run_in_threadpool(run, item.path, settings)
        item.plan = {"counts": counts_of(outcome), "error": ""}
    except BulkCancelError as exc:
        item.plan = {"counts": {}, "error": str(exc).replace(str(item.path), item.name)}
    return RedirectResponse(f"/u/{item.id}#plan", 303)
