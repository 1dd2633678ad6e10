"""Step 5: a job's progress page, its status as JSON, its live events, and Stop."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse

from bulkcancel.i18n import N_
from bulkcancel.output.labels import next_steps
from bulkcancel.web import resultview
from bulkcancel.web.jobs import Job, JobState
from bulkcancel.web.page import job_of, page_of
from bulkcancel.web.texts import lang_of
from bulkcancel.web.views import guarded_form, not_found, render

KEEPALIVE = 15.0  # seconds without a change before a comment line keeps proxies and the browser waiting
MIN_GAP = 0.1  # at most ten events a second per page: changes in between are coalesced, none is lost


async def job_page(request: Request) -> Response:
    job = job_of(request)
    if job is None:
        return not_found(request, N_("No such run on this page (the page was restarted?): see the history."))
    snap = job.snapshot(page_of(request).jobs.ahead_of(job), lang_of(request))
    state = JobState(snap["state"])
    return render(
        request,
        "job.html",
        job=job,
        job_state=state,
        snap=snap,
        step="results" if state.ended else "send",
        **_results(request, job),
    )


def _results(request: Request, job: Job) -> dict[str, Any]:
    """The finished run's rows on the page: filtered by status, searched by id, a page at a time."""
    outcome = job.outcome
    if outcome is None:
        return {"outcome": None, "retry": 0}  # no rows yet: no Retry sheet (job.html shows no table)
    query = request.query_params
    status = resultview.parse_status(query.get("status", ""))
    search = query.get("q", "")[:40]
    given = query.get("page", "1")
    number = int(given) if given.isdigit() and len(given) < 9 else 1
    column = outcome.sheet.columns.order_item_id
    shown = resultview.select(outcome.rows, column, status, search, number)
    counts = resultview.counts(outcome.rows)
    return {
        "outcome": outcome,
        "shown": shown,
        "rows": [
            {
                "row": r.sheet_row,
                "id": r.cells[column] if column < len(r.cells) else "",
                "status": r.status.value,
                "level": resultview.level(r.status, r.detail),
                "detail": r.detail,
            }
            for r in shown.rows
        ],
        "filter_status": status.value if status else "",
        "search": search,
        "counts": {s.value: n for s, n in counts.items()},
        "verdict": resultview.verdict(outcome.rows).value,
        "retry": resultview.to_retry(outcome.rows),
        "next_steps": next_steps(counts, lang_of(request)),
        "dropped": list(job.upload.edited.dropped) if job.upload.edited else [],
    }


async def job_status(request: Request) -> Response:
    job = job_of(request)
    if job is None:
        return JSONResponse({"error": "no such run"}, 404)
    return JSONResponse(job.snapshot(page_of(request).jobs.ahead_of(job), lang_of(request)))


async def events(request: Request, job: Job, keepalive: float = KEEPALIVE, gap: float = MIN_GAP) -> AsyncIterator[str]:
    """Server-sent events: the job's snapshot now and after each change, until it ends.

    The job wakes this stream (``Job.watch``) from the runner's thread; between changes it
    only waits."""
    loop = asyncio.get_running_loop()
    changed = asyncio.Event()

    def wake() -> None:
        if not changed.is_set():  # set already: this change is in the next event anyway
            loop.call_soon_threadsafe(changed.set)

    job.watch(wake)
    try:
        while True:
            changed.clear()  # before the snapshot: a change after it wakes the next turn
            snap = job.snapshot(page_of(request).jobs.ahead_of(job), lang_of(request))
            yield f"data: {json.dumps(snap)}\n\n"
            if snap["finished"]:
                return
            await asyncio.sleep(gap)
            try:
                await asyncio.wait_for(changed.wait(), keepalive)
            except TimeoutError:
                yield ": still here\n\n"
    finally:
        job.unwatch(wake)


async def job_events(request: Request) -> Response:
    job = job_of(request)
    if job is None:
        return not_found(request)
    return StreamingResponse(
        events(request, job), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )


async def job_stop(request: Request) -> Response:
    form = await guarded_form(request)
    if isinstance(form, Response):
        return form
    job = job_of(request)
    if job is None:
        return not_found(request)
    job.request_stop()
    return RedirectResponse(page_of(request).at(f"/jobs/{job.id}"), 303)
