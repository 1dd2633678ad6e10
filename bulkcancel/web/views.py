"""What every step shares: rendering a template, refusing, reading a guarded form, a download."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from starlette.background import BackgroundTask
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.templating import Jinja2Templates

from bulkcancel.i18n import N_
from bulkcancel.norm.counting import by_reason
from bulkcancel.output.labels import credentials_from
from bulkcancel.reasons import ReasonCode
from bulkcancel.web.jobs import JobState
from bulkcancel.web.page import page_of
from bulkcancel.web.security import TooLarge, read_capped, replay, same_origin
from bulkcancel.web.texts import lang_of, say, words_for

HERE = Path(str(resources.files("bulkcancel.web")))
TOO_LARGE = N_("The file is larger than {mb} MB: split the sheet, or start the page with a larger --max-upload-mb.")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_templates = Jinja2Templates(  # autoescaping on: cells of a sheet are never markup
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a value the view did not give is an error, never a blank on the page
    )
)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A step's template with what every step shows (language, badge, API, CSRF token)."""
    page = page_of(request)
    lang = lang_of(request)
    context.setdefault("error", "")  # every step has an error line (base.html): empty unless the view gives one
    context.update(
        request=request,
        **words_for(lang),
        lang=lang,
        badge=page.badge,
        api=page.target.api.label,
        environment=page.target.name.value,
        csrf=page.session.csrf,
        max_mb=page.max_upload // (1024 * 1024),
        states=JobState,
        root=page.root,
        credentials=credentials_from(page.credentials, lang) if page.credentials else "",
        reason_codes=list(ReasonCode),
        reason_counts={code: by_reason(code).counts for code in ReasonCode},  # True, or None: not from the code alone
    )
    response: HTMLResponse = _templates.TemplateResponse(request, name, context, status_code=status_code)
    return response


def refuse(request: Request, msgid: str, status_code: int, **named: Any) -> HTMLResponse:
    """The upload step again, with the reason it refused (``msgid``, marked with ``N_`` by the caller)."""
    return render(request, "index.html", status_code, error=say(request, msgid, **named))


def not_found(request: Request, msgid: str = N_("Not found"), **named: Any) -> Response:
    """A 404 with one line in the request's language."""
    return PlainTextResponse(say(request, msgid, **named), 404)


async def guarded_form(request: Request, cap: int = 64 * 1024) -> FormData | Response:
    """The POST's form, after the Origin and CSRF checks; a Response when refused."""
    if not same_origin(request):
        return PlainTextResponse(say(request, "This request did not come from the bulkcancel page (Origin)."), 403)
    try:
        body = await read_capped(request, cap)
    except TooLarge:
        return refuse(request, TOO_LARGE, 413, mb=cap // (1024 * 1024))
    form = await Request(request.scope, replay(body)).form(max_files=1, max_fields=8)
    given = str(form.get("csrf") or request.headers.get("x-csrf-token", ""))
    if not page_of(request).session.csrf_ok(given):
        message = say(request, "This form has expired or did not come from the bulkcancel page (CSRF).")
        return PlainTextResponse(message, 403)
    return form


def download(path: Path, name: str, remove_after: bool = False) -> FileResponse:
    """A workbook as a download under the name the person sees (``remove_after``: a copy made for it)."""
    after = BackgroundTask(path.unlink, missing_ok=True) if remove_after else None
    return FileResponse(path, filename=name, media_type=XLSX, background=after)
