"""Step 2, fixing rows in the page: an invalid row's OrderItemId, ReasonCode or DateTime changed, or
the row dropped (or either undone), and the sheet checked again at once.

The upload is never changed: the edits apply to the sheet as read from it and give the
corrected sheet (``check/edits.py``), written beside it as a workbook (``output/corrected.py``);
from then on the check, the comparison and the run read the corrected sheet, and it can be
downloaded. Once Send was pressed for the upload, its rows are what was sent: no more edits.
"""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bulkcancel.check.edits import EditError, Field, RowEdit, apply_edits, merge
from bulkcancel.errors import BulkCancelError
from bulkcancel.output.corrected import write_corrected
from bulkcancel.web.page import Page, page_of, upload_of
from bulkcancel.web.steps.check import checked
from bulkcancel.web.uploads import Upload
from bulkcancel.web.views import download, guarded_form, not_found


def _row(form: FormData) -> int | None:
    given = str(form.get("row") or "")
    return int(given) if given.isdigit() and len(given) < 9 else None


def _edit(form: FormData, row: int) -> RowEdit:
    """What the form asks for the row; only the fields it holds (a field left out stays as it is)."""
    values = {field: str(form.get(field.value)) for field in Field if form.get(field.value) is not None}
    return RowEdit(row, values, drop=form.get("action") == "drop")


def _apply(page: Page, item: Upload) -> None:
    """Make the corrected sheet from the upload as read and the edits (in a worker thread)."""
    assert item.read is not None
    if not item.edits:
        item.edited, item.corrected = None, None
    else:
        lang = page.settings.language(item.read.columns.dutch)  # the sheet's people's, as its result
        edited = apply_edits(item.read, item.edits.values(), lang)
        item.corrected = write_corrected(edited.sheet, item.path.with_name("_corrected.xlsx"))
        item.edited = edited


def _invalidate(item: Upload) -> None:
    """The check, its summary and the comparison are of the sheet before the edit (called on the event loop:
    a check still under way for the old sheet keeps nothing, and Send names a version that is gone)."""
    item.version += 1
    item.checked, item.summary, item.error, item.checking, item.plan = None, None, "", None, None


async def fix(request: Request) -> Response:
    form = await guarded_form(request)
    if isinstance(form, Response):
        return form
    item, page = upload_of(request), page_of(request)
    if item is None:
        return not_found(request)
    back = page.at(f"/u/{item.id}")
    view = "?problems=1&" if form.get("problems") == "1" else "?"
    row = _row(form)
    async with item.fixing:  # one edit at a time per upload (two tabs, a double click)
        if item.job_id is not None or item.read is None or row is None:  # sent already, not read, or no row
            return RedirectResponse(back, 303)
        earlier = dict(item.edits)
        if form.get("action") == "undo":
            item.edits.pop(row, None)
        else:
            item.edits = merge(item.edits, _edit(form, row))
        _invalidate(item)
        try:
            await run_in_threadpool(_apply, page, item)
        except (EditError, BulkCancelError):  # the edit is not kept: the page says which row, the sheet stays
            item.edits = earlier
            await run_in_threadpool(_apply, page, item)
            await checked(page, item)
            return RedirectResponse(f"{back}{view}fix_error={row}#fix-error", 303)
        await checked(page, item)
    return RedirectResponse(f"{back}{view}fixed={row}#row-{row}", 303)


async def corrected_download(request: Request) -> Response:
    item = upload_of(request)
    if item is None or item.corrected is None or not item.corrected.exists():
        return not_found(request)
    return download(item.corrected, f"{Path(item.name).stem}-corrected.xlsx")
