"""Step 4: what Send will do, in words, and Send itself (the count typed when it is LIVE).

An upload is sent once: a second Send (a double click, a resent form, three POSTs) goes to
the run the first one started. The week's standing against bol's cancellation norm is shown;
when a LIVE run would take the week above it, Send needs a box ticked, and the run itself holds
a strike that was not accepted (the server decides, whatever the browser sent).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bulkcancel.norm.standing import NormEffect
from bulkcancel.output.normwords import norm_lines
from bulkcancel.pipeline import week_standing
from bulkcancel.statuses import RowStatus
from bulkcancel.web.page import page_of, upload_of
from bulkcancel.web.steps.check import checked
from bulkcancel.web.texts import lang_of
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
    found = [r.counts_against_score for r in outcome.rows if r.status is RowStatus.READY]
    standing = await run_in_threadpool(week_standing, page.settings)
    norm = NormEffect(standing, sum(1 for c in found if c), sum(1 for c in found if c is None))
    item.strike = norm.crosses and page.target.is_production
    return render(
        request,
        "confirm.html",
        item=item,
        ready=summary.ready,
        against=summary.against,
        invalid=summary.invalid,
        duplicates=summary.duplicates,
        dropped=len(item.dropped()),
        live=page.target.is_production,
        sent=item.job_id,
        error=request.query_params.get("error", ""),
        norm=norm_lines(norm, lang_of(request)),
        strike=item.strike,
    )


async def start(request: Request) -> Response:
    form = await guarded_form(request)
    if isinstance(form, Response):
        return form
    item = upload_of(request)
    if item is None:
        return not_found(request)
    page = page_of(request)
    if item.job_id is not None:  # sent already: no second run
        return RedirectResponse(page.at(f"/jobs/{item.job_id}"), 303)
    changed = str(form.get("version", item.version)) != str(item.version)
    if item.summary is None or item.fixing.locked() or changed:  # rows fixed since the confirm step was shown
        return RedirectResponse(page.at(f"/u/{item.id}/confirm?error=changed"), 303)
    ready = item.summary.ready
    if page.target.is_production and str(form.get("count", "")).strip() != str(ready):
        return RedirectResponse(page.at(f"/u/{item.id}/confirm?error=count"), 303)
    accept_strike = str(form.get("accept_strike", "")) == "yes"
    if item.strike and not accept_strike:  # the run checks again with the week's numbers as they are then
        return RedirectResponse(page.at(f"/u/{item.id}/confirm?error=strike"), 303)
    # No await between the test above and this line: two POSTs cannot both pass it.
    job = page.jobs.submit(item, ready, item.path.with_name(f"_result-{new_id()}.xlsx"), accept_strike)
    item.job_id = job.id
    return RedirectResponse(page.at(f"/jobs/{job.id}"), 303)
