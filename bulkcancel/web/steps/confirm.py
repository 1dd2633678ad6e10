"""Step 4: what Send will do, in words, and Send itself (the count typed when it is LIVE).

An upload is sent once: a second Send (a double click, a resent form, three POSTs) goes to
the run the first one started.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bulkcancel.web.page import page_of, upload_of
from bulkcancel.web.steps.check import checked
from bulkcancel.web.uploads import new_id
from bulkcancel.web.views import guarded_form, not_found, render


async def confirm(request: Request) -> Response:
    item = upload_of(request)
    if item is None:
        return not_found(request)
    page = page_of(request)
    outcome = await checked(page, item)
    if outcome is None or item.summary is None:
        return RedirectResponse(page.at(f"/u/{item.id}"), 303)
    summary = item.summary
    return render(
        request,
        "confirm.html",
        item=item,
        ready=summary.ready,
        against=summary.against,
        invalid=summary.invalid,
        duplicates=summary.duplicates,
        live=page.target.is_production,
        sent=item.job_id,
        error=request.query_params.get("error", ""),
    )


async def start(request: Request) -> Response:
    form = await guarded_form(request)
    if isinstance(form, Response):
        return form
    item = upload_of(request)
    if item is None or item.summary is None:
        return not_found(request)
    page = page_of(request)
    if item.job_id is not None:  # sent already: no second run
        return RedirectResponse(page.at(f"/jobs/{item.job_id}"), 303)
    ready = item.summary.ready
    if str(form.get("version", item.version)) != str(item.version):  # rows were fixed since the confirm step
        return RedirectResponse(page.at(f"/u/{item.id}/confirm?error=changed"), 303)
    if page.target.is_production and str(form.get("count", "")).strip() != str(ready):
        return RedirectResponse(page.at(f"/u/{item.id}/confirm?error=count"), 303)
    # No await between the test above and this line: two POSTs cannot both pass it.
    job = page.jobs.submit(item, ready, item.path.with_name(f"_result-{new_id()}.xlsx"))
    item.job_id = job.id
    return RedirectResponse(page.at(f"/jobs/{job.id}"), 303)
