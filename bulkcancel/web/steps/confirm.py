"""Step 4: what Send will do, in words, and Send itself (the count typed when it is LIVE)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bulkcancel.statuses import RowStatus
from bulkcancel.web.page import page_of, upload_of
from bulkcancel.web.steps.check import PROBLEMS, checked
from bulkcancel.web.uploads import new_id
from bulkcancel.web.views import guarded_form, not_found, render


async def confirm(request: Request) -> Response:
    item = upload_of(request)
    if item is None:
        return not_found()
    page = page_of(request)
    outcome = await checked(page, item)
    if outcome is None:
        return RedirectResponse(f"/u/{item.id}", 303)
    ready = [r for r in outcome.rows if r.status is RowStatus.READY]
    invalid = sum(1 for r in outcome.rows if r.status in PROBLEMS)
    return render(
        request,
        "confirm.html",
        item=item,
        ready=len(ready),
        against=sum(1 for r in ready if r.counts_against_score),
        invalid=invalid,
        live=page.target.is_production,
        error=request.query_params.get("error", ""),
    )


async def start(request: Request) -> Response:
    form = await guarded_form(request)
    if isinstance(form, Response):
        return form
    item = upload_of(request)
    if item is None or item.checked is None:
        return not_found()
    page = page_of(request)
    ready = sum(1 for r in item.checked.rows if r.status is RowStatus.READY)
    if page.target.is_production and str(form.get("count", "")).strip() != str(ready):
        return RedirectResponse(f"/u/{item.id}/confirm?error=count", 303)
    job = page.jobs.submit(item, ready, item.path.with_name(f"_result-{new_id()}.xlsx"))
    return RedirectResponse(f"/jobs/{job.id}", 303)
