"""Step 7: every run in the journal (the CLI's too), a run's result rebuilt, an interrupted run again."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bulkcancel.errors import BulkCancelError
from bulkcancel.i18n import N_, gettext
from bulkcancel.journal.store import Journal
from bulkcancel.pipeline import report, run_history
from bulkcancel.results import DroppedRow
from bulkcancel.statuses import RowStatus
from bulkcancel.web.page import page_of, private_folder
from bulkcancel.web.texts import lang_of
from bulkcancel.web.uploads import hide_paths, new_id
from bulkcancel.web.views import download, guarded_form, not_found, render

RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
BUSY = N_("The journal could not be read just now (a run is writing to it): try again in a moment.")


def _unreadable(request: Request, exc: BulkCancelError | sqlite3.Error) -> Response:
    """History that cannot be read now: one clear line on the page (never a 500)."""
    lang = lang_of(request)
    text = exc.in_language(lang) if isinstance(exc, BulkCancelError) else gettext(lang, BUSY)
    return render(request, "history.html", 503, entries=[], error=hide_paths(text))


async def history(request: Request) -> Response:
    page = page_of(request)
    try:  # read without the run lock
        listed = await run_in_threadpool(run_history, page.journal, None, lang_of(request))
    except (BulkCancelError, sqlite3.Error) as exc:
        return _unreadable(request, exc)
    newest_open = next((r.run_id for r in listed if r.code is None), None)  # None: not ended
    busy = page.jobs.busy()
    entries = [{"entry": r, "interrupted": r.code is None and not (busy and r.run_id == newest_open)} for r in listed]
    return render(request, "history.html", entries=entries)


async def history_result(request: Request) -> Response:
    run_id = request.path_params["run_id"]
    if not RUN_ID.match(run_id):
        return not_found(request)
    page = page_of(request)
    target = private_folder(page.workdir / "history") / f"_{run_id}-{new_id()}.xlsx"
    try:
        await run_in_threadpool(report, run_id, target, page.journal, True)  # rebuilt from the journal
    except BulkCancelError as exc:
        return PlainTextResponse(hide_paths(exc.in_language(lang_of(request)), (page.journal, "journal")), 404)
    except sqlite3.Error as exc:
        return _unreadable(request, exc)
    return download(target, f"results-{run_id}.xlsx", remove_after=True)


async def history_again(request: Request) -> Response:
    form = await guarded_form(request)
    if isinstance(form, Response):
        return form
    run_id = request.path_params["run_id"]
    if not RUN_ID.match(run_id):
        return not_found(request)
    page = page_of(request)
    try:
        with Journal(page.journal, "", "", read_only=True) as store:  # a run may hold the lock
            info = store.run_info(run_id)
            stored = store.run_rows(run_id) if info else []
    except (BulkCancelError, sqlite3.Error) as exc:
        return _unreadable(request, exc)
    source = Path(info.input_path) if info else None
    if source is None or not source.is_file():
        return not_found(request, N_("The sheet of that run is no longer where it was: upload it again."))
    item = page.add_upload(source.name, source.suffix.lower(), source)
    # rows dropped on the page are not in the sheet that ran: they stay rows of the result, DROPPED
    item.carried = tuple(DroppedRow(r.sheet_row, r.cells) for r in stored if r.status is RowStatus.DROPPED)
    return RedirectResponse(page.at(f"/u/{item.id}"), 303)
