"""Step 6: a finished job's result workbook, its Retry sheet, and running the Retry sheet again."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bulkcancel.web.jobs import Job, JobState
from bulkcancel.web.page import job_of, page_of
from bulkcancel.web.views import download, guarded_form, not_found


def finished_job(request: Request) -> Job | None:
    """The job in the URL when it ended with a result file."""
    job = job_of(request)
    if job is None or job.state is not JobState.DONE or not job.out.exists():
        return None
    return job


async def job_result(request: Request) -> Response:
    job = finished_job(request)
    if job is None:
        return not_found(request)
    return download(job.out, f"{Path(job.upload.name).stem}-results.xlsx")


async def job_retry_file(request: Request) -> Response:
    job = finished_job(request)
    if job is None:
        return not_found(request)
    retry = job.out.with_name(job.out.stem + "-retry.xlsx")
    await run_in_threadpool(retry_only, job.out, retry)
    return download(retry, f"{Path(job.upload.name).stem}-retry.xlsx")


async def job_retry(request: Request) -> Response:
    form = await guarded_form(request)
    if isinstance(form, Response):
        return form
    job = finished_job(request)
    if job is None:
        return not_found(request)
    page = page_of(request)
    item = page.add_upload(f"{Path(job.upload.name).stem}-retry.xlsx", ".xlsx", job.out, sheet="Retry")
    return RedirectResponse(page.at(f"/u/{item.id}"), 303)


def retry_only(result: Path, target: Path) -> None:
    """The Retry sheet of a result workbook as a workbook of its own (to fix and upload again)."""
    from openpyxl import load_workbook

    book = load_workbook(result)
    for name in list(book.sheetnames):
        if name != "Retry":
            del book[name]
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))  # made private before a byte is in it
    target.chmod(0o600)
    book.save(target)
