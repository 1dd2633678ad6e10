"""Step 1: the upload form and the upload itself (capped while it streams, judged by content)."""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bulkcancel.i18n import N_, Language
from bulkcancel.web.page import page_of
from bulkcancel.web.texts import lang_of
from bulkcancel.web.uploads import sniff
from bulkcancel.web.views import TOO_LARGE, download, guarded_form, refuse, render


async def index(request: Request) -> Response:
    return render(request, "index.html")


async def template(request: Request) -> Response:
    """The orders template in the page's language (``bulkcancel template``), as a download."""
    from bulkcancel.output.template import write_template

    page, lang = page_of(request), lang_of(request)
    target = page.workdir / f"_template-{lang.value}.xlsx"
    await run_in_threadpool(write_template, target, True, lang)
    return download(target, "bulkcancel-sjabloon.xlsx" if lang is Language.NL else "bulkcancel-template.xlsx")


async def products_template(request: Request) -> Response:
    """The products template for ``bulkcancel stockouts`` (``bulkcancel template --products``), as a download."""
    from bulkcancel.output.products_template import write_products_template

    page, lang = page_of(request), lang_of(request)
    target = page.workdir / f"_products-{lang.value}.xlsx"
    await run_in_threadpool(write_products_template, target, True, lang)
    return download(target, "bulkcancel-producten.xlsx" if lang is Language.NL else "bulkcancel-products.xlsx")


async def upload(request: Request) -> Response:
    page = page_of(request)
    form = await guarded_form(request, page.max_upload + 64 * 1024)
    if isinstance(form, Response):
        return form
    given = form.get("sheet")
    if not isinstance(given, UploadFile) or not given.filename:
        return refuse(request, N_("Choose a file first."), 400)
    data = await given.read()
    if len(data) > page.max_upload:
        return refuse(request, TOO_LARGE, 413, mb=page.max_upload // (1024 * 1024))
    suffix = sniff(given.filename, data[:8192])
    if suffix is None:
        wrong = N_("{name} is not a sheet bulkcancel reads: upload an .xlsx, .ods or .csv (save .xls as .xlsx first).")
        return refuse(request, wrong, 415, name=given.filename)
    item = page.add_upload(Path(given.filename).name, suffix, data)
    return RedirectResponse(page.at(f"/u/{item.id}"), 303)
