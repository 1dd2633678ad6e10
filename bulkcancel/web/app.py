"""The page's routes: upload, check, plan, confirm, progress (server-sent events), results, history.

Each step is a plain URL, so a refresh is safe; everything the page does goes through the
library the CLI uses. Files live in the page's work folder under random ids; nothing is
ever served by a path from the request.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bulkcancel.environments import Environment
from bulkcancel.errors import BulkCancelError, ColumnError
from bulkcancel.journal.store import Journal, default_journal_path
from bulkcancel.pipeline import Outcome, report, run, run_history, validate
from bulkcancel.send.connect import resolve
from bulkcancel.settings import Settings
from bulkcancel.statuses import RowStatus
from bulkcancel.targets import Target
from bulkcancel.web.jobs import Job, Runner, Upload, counts_of, new_id
from bulkcancel.web.security import Session, TooLarge, read_capped, replay, same_origin
from bulkcancel.web.texts import LANGUAGES, Translate, pick_language

RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
PROBLEMS = {RowStatus.INVALID, RowStatus.DUPLICATE}
_HERE = Path(str(resources.files("bulkcancel.web")))


@dataclass
class Page:
    """The state of one page server: its settings, session, work folder, uploads and jobs."""

    settings: Settings
    workdir: Path
    max_upload: int = 20 * 1024 * 1024
    session: Session = field(default_factory=Session)
    uploads: dict[str, Upload] = field(default_factory=dict)
    runner: Runner | None = None

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.runner = self.runner or Runner(self.settings)
        self.target: Target = resolve(
            self.settings.api, self.settings.env, self.settings.base_url, self.settings.login_url
        )

    @property
    def badge(self) -> str:
        """DEMO, TEST or LIVE: what the page shows at the top of every step."""
        if self.target.in_process:
            return "DEMO"
        if self.target.is_production:
            return "LIVE"
        return "TEST" if self.target.name is Environment.TEST else "CUSTOM"

    @property
    def journal(self) -> Path:
        return self.settings.journal or default_journal_path()

    def add_upload(self, name: str, suffix: str, content: bytes | Path, sheet: str | None = None) -> Upload:
        """A new upload in a folder of its own under a random id; ``content`` is the bytes or a file to copy."""
        item = Upload(new_id(), name, Path(), sheet=sheet)
        folder = self.workdir / item.id
        folder.mkdir()
        stem = re.sub(r"[^\w\- ]", "_", Path(name).stem).strip(" ._")[:80] or "sheet"
        item.path = folder / f"{stem}{suffix}"  # the person's own name: history shows it (ours start with _)
        if isinstance(content, Path):
            shutil.copyfile(content, item.path)
        else:
            item.path.write_bytes(content)
        self.uploads[item.id] = item
        return item


def sniff(name: str, head: bytes) -> str | None:
    """The suffix a sheet is saved under, judged by its content; None: not a sheet we read.

    A zip is a workbook only when named .xlsx or .ods (a .docx or .xlsm is a zip too); an
    old .xls (OLE) or any other binary is refused; text is a CSV (UTF-16 starts with a BOM)."""
    lowered = name.lower()
    if head.startswith(b"PK\x03\x04"):
        return ".ods" if lowered.endswith(".ods") else ".xlsx" if lowered.endswith(".xlsx") else None
    if head.startswith(b"\xd0\xcf\x11\xe0") or not lowered.endswith((".csv", ".txt")):
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ".csv"
    return None if b"\x00" in head else ".csv"


def build_app(page: Page) -> Starlette:
    """The Starlette application for ``page``."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_HERE / "templates")), autoescape=True)
    templates = Jinja2Templates(env=env)  # autoescaping on: cells of a sheet are never markup
    assert page.runner is not None
    runner = page.runner

    def lang_of(request: Request) -> str:
        return pick_language(request.cookies.get("bulkcancel_lang"), request.headers.get("accept-language", ""))

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        lang = lang_of(request)
        context.update(
            request=request,
            t=Translate(lang),
            lang=lang,
            badge=page.badge,
            api=page.target.api.label,
            environment=page.target.name.value,
            csrf=page.session.csrf,
            max_mb=page.max_upload // (1024 * 1024),
        )
        response: HTMLResponse = templates.TemplateResponse(request, name, context, status_code=status_code)
        return response

    def refuse(request: Request, key: str, status_code: int, **values: Any) -> HTMLResponse:
        return render(request, "index.html", status_code, error=Translate(lang_of(request))(key, **values))

    async def guarded_form(request: Request, cap: int = 64 * 1024) -> Any:
        """The POST's form, after the Origin and CSRF checks; a Response when refused."""
        if not same_origin(request):
            return Response("This request did not come from the bulkcancel page (Origin).", 403)
        try:
            body = await read_capped(request, cap)
        except TooLarge:
            return refuse(request, "too_large", 413, mb=cap // (1024 * 1024))
        form = await Request(request.scope, replay(body)).form(max_files=1, max_fields=8)
        given = str(form.get("csrf") or request.headers.get("x-csrf-token", ""))
        if not page.session.csrf_ok(given):
            return Response("This form has expired or did not come from the bulkcancel page (CSRF).", 403)
        return form

    async def index(request: Request) -> Response:
        return render(request, "index.html")

    async def upload(request: Request) -> Response:
        form = await guarded_form(request, page.max_upload + 64 * 1024)
        if isinstance(form, Response):
            return form
        given = form.get("sheet")
        if not isinstance(given, UploadFile) or not given.filename:
            return refuse(request, "no_file", 400)
        data = await given.read()
        if len(data) > page.max_upload:
            return refuse(request, "too_large", 413, mb=page.max_upload // (1024 * 1024))
        suffix = sniff(given.filename, data[:8192])
        if suffix is None:
            return refuse(request, "bad_type", 415, name=given.filename)
        item = page.add_upload(Path(given.filename).name, suffix, data)
        return RedirectResponse(f"/u/{item.id}", 303)

    def upload_of(request: Request) -> Upload | None:
        return page.uploads.get(request.path_params["upload"])

    async def posted(request: Request) -> tuple[Any, Upload] | Response:
        """The form of a POST about an upload and the upload, or the refusal."""
        form = await guarded_form(request)
        if isinstance(form, Response):
            return form
        item = upload_of(request)
        return (form, item) if item is not None else Response("Not found", 404)

    async def checked(item: Upload) -> Outcome | None:
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
            return Response("No such upload (the page was restarted?): upload the sheet again.", 404)
        outcome = await checked(item)
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
        plan = item.plan
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
            plan=plan,
        )

    async def choose_columns(request: Request) -> Response:
        found = await posted(request)
        if isinstance(found, Response):
            return found
        form, item = found
        chosen = {
            str(form.get(role) or ""): role
            for role in ("OrderItemId", "ReasonCode", "DateTime")
            if str(form.get(role) or "") in item.candidates
        }
        if {"OrderItemId", "ReasonCode"} <= set(chosen.values()):  # only headers the sheet has, both required
            item.columns, item.checked, item.error, item.candidates = chosen, None, "", []
        return RedirectResponse(f"/u/{item.id}", 303)

    async def checked_download(request: Request) -> Response:
        item = upload_of(request)
        if item is None or item.checked is None:
            return Response("Not found", 404)
        return _download(item.path.with_name("_checked.xlsx"), f"{Path(item.name).stem}-checked.xlsx")

    async def plan(request: Request) -> Response:
        found = await posted(request)
        if isinstance(found, Response):
            return found
        _, item = found
        settings = replace(
            page.settings, check=True, dry_run=True, out=item.path.with_name("_plan.xlsx"), sheet=item.sheet, force=True
        )
        try:
            outcome = await run_in_threadpool(run, item.path, settings)
            item.plan = {"counts": counts_of(outcome), "error": ""}
        except BulkCancelError as exc:
            item.plan = {"counts": {}, "error": str(exc).replace(str(item.path), item.name)}
        return RedirectResponse(f"/u/{item.id}#plan", 303)

    async def confirm(request: Request) -> Response:
        item = upload_of(request)
        if item is None:
            return Response("Not found", 404)
        outcome = await checked(item)
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
            return Response("Not found", 404)
        ready = sum(1 for r in item.checked.rows if r.status is RowStatus.READY)
        if page.target.is_production and str(form.get("count", "")).strip() != str(ready):
            return RedirectResponse(f"/u/{item.id}/confirm?error=count", 303)
        job = runner.submit(item, ready, item.path.with_name(f"_result-{new_id()}.xlsx"))
        return RedirectResponse(f"/jobs/{job.id}", 303)

    def job_of(request: Request) -> Job | None:
        return runner.jobs.get(request.path_params["job"])

    async def job_page(request: Request) -> Response:
        job = job_of(request)
        if job is None:
            return Response("No such run on this page (the page was restarted?): see the history.", 404)
        return render(request, "job.html", job=job, snap=job.snapshot(runner.ahead_of(job)))

    async def job_status(request: Request) -> Response:
        job = job_of(request)
        if job is None:
            return JSONResponse({"error": "no such run"}, 404)
        return JSONResponse(job.snapshot(runner.ahead_of(job)))

    async def job_events(request: Request) -> Response:
        job = job_of(request)
        if job is None:
            return Response("Not found", 404)

        async def stream() -> AsyncIterator[str]:
            seen = -1
            while True:
                if job.version != seen:
                    seen = job.version
                    yield f"data: {json.dumps(job.snapshot(runner.ahead_of(job)))}\n\n"
                    if job.state in ("done", "failed"):
                        return
                if await request.is_disconnected():
                    return
                await asyncio.sleep(0.05)

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    async def job_stop(request: Request) -> Response:
        form = await guarded_form(request)
        if isinstance(form, Response):
            return form
        job = job_of(request)
        if job is None:
            return Response("Not found", 404)
        runner.stop(job.id)
        return RedirectResponse(f"/jobs/{job.id}", 303)

    async def job_result(request: Request) -> Response:
        job = job_of(request)
        if job is None or job.state != "done" or not job.out.exists():
            return Response("Not found", 404)
        return _download(job.out, f"{Path(job.upload.name).stem}-results.xlsx")

    async def job_retry_file(request: Request) -> Response:
        job = job_of(request)
        if job is None or job.state != "done" or not job.out.exists():
            return Response("Not found", 404)
        retry = job.out.with_name(job.out.stem + "-retry.xlsx")
        await run_in_threadpool(_retry_only, job.out, retry)
        return _download(retry, f"{Path(job.upload.name).stem}-retry.xlsx")

    async def job_retry(request: Request) -> Response:
        form = await guarded_form(request)
        if isinstance(form, Response):
            return form
        job = job_of(request)
        if job is None or job.state != "done" or not job.out.exists():
            return Response("Not found", 404)
        item = page.add_upload(f"{Path(job.upload.name).stem}-retry.xlsx", ".xlsx", job.out, sheet="Retry")
        return RedirectResponse(f"/u/{item.id}", 303)

    async def history(request: Request) -> Response:
        listed = await run_in_threadpool(run_history, page.journal)
        newest_open = next((r.run_id for r in listed if r.exit_code is None), None)
        entries = [
            {
                "entry": r,
                "interrupted": r.exit_code is None and not (runner.busy() and r.run_id == newest_open),
            }
            for r in listed
        ]
        return render(request, "history.html", entries=entries)

    async def history_result(request: Request) -> Response:
        run_id = request.path_params["run_id"]
        if not RUN_ID.match(run_id):
            return Response("Not found", 404)
        folder = page.workdir / "history"
        folder.mkdir(exist_ok=True)
        target = folder / f"{run_id}.xlsx"
        try:
            await run_in_threadpool(report, run_id, target, page.journal, True)  # rebuilt from the journal
        except BulkCancelError as exc:
            return Response(str(exc), 404)
        return _download(target, f"results-{run_id}.xlsx")

    async def history_again(request: Request) -> Response:
        form = await guarded_form(request)
        if isinstance(form, Response):
            return form
        run_id = request.path_params["run_id"]
        if not RUN_ID.match(run_id):
            return Response("Not found", 404)
        with Journal(page.journal, "", "") as store:
            info = store.run_info(run_id)
        source = Path(info.input_path) if info else None
        if source is None or not source.is_file():
            return Response("The sheet of that run is no longer where it was: upload it again.", 404)
        item = page.add_upload(source.name, source.suffix.lower(), source)
        return RedirectResponse(f"/u/{item.id}", 303)

    async def language(request: Request) -> Response:
        code = request.path_params["code"]
        back = request.query_params.get("next", "/")
        if not back.startswith("/") or back.startswith("//"):
            back = "/"  # never a redirect to another site
        response = RedirectResponse(back, 303)
        if code in LANGUAGES:
            response.set_cookie("bulkcancel_lang", code, samesite="strict", httponly=True)
        return response

    routes = [
        Route("/", index),
        Route("/upload", upload, methods=["POST"]),
        Route("/u/{upload}", check),
        Route("/u/{upload}/checked.xlsx", checked_download),
        Route("/u/{upload}/columns", choose_columns, methods=["POST"]),
        Route("/u/{upload}/plan", plan, methods=["POST"]),
        Route("/u/{upload}/confirm", confirm),
        Route("/u/{upload}/start", start, methods=["POST"]),
        Route("/jobs/{job}", job_page),
        Route("/jobs/{job}/status", job_status),
        Route("/jobs/{job}/events", job_events),
        Route("/jobs/{job}/stop", job_stop, methods=["POST"]),
        Route("/jobs/{job}/result.xlsx", job_result),
        Route("/jobs/{job}/retry.xlsx", job_retry_file),
        Route("/jobs/{job}/retry", job_retry, methods=["POST"]),
        Route("/history", history),
        Route("/history/{run_id}/result.xlsx", history_result),
        Route("/history/{run_id}/again", history_again, methods=["POST"]),
        Route("/lang/{code}", language),
        Mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static"),
    ]
    return Starlette(routes=routes)


def _download(path: Path, name: str) -> FileResponse:
    return FileResponse(
        path, filename=name, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def _retry_only(result: Path, target: Path) -> None:
    """The Retry sheet of a result workbook as a workbook of its own (to fix and upload again)."""
    from openpyxl import load_workbook

    book = load_workbook(result)
    for name in list(book.sheetnames):
        if name != "Retry":
            del book[name]
    book.save(target)


def wrap(app: Starlette, page: Page, hosts: list[str]) -> Any:
    """The app behind the Host check and the session gate (outermost first)."""
    from bulkcancel.web.security import SessionGate

    gated = SessionGate(app, page.session)
    return TrustedHostMiddleware(gated, allowed_hosts=hosts)
