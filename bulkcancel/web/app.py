"""The page's application: the steps' routes in one table, behind the Host check and the session gate.

Each step is a plain URL, so a refresh is safe; everything the page does goes through the
library the CLI uses. Files live in the page's work folder under random ids; nothing is
ever served by a path from the request. The route functions live in ``web/steps/``, one
module per step; they find the ``Page`` on ``request.app.state.page``.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bulkcancel.web.headers import SecurityHeaders
from bulkcancel.web.page import Page
from bulkcancel.web.security import SessionGate
from bulkcancel.web.steps import check, confirm, fix, history, language, progress, results, upload
from bulkcancel.web.uploads import sniff
from bulkcancel.web.views import HERE

__all__ = ["Page", "build_app", "sniff", "wrap"]

ROUTES = [
    Route("/", upload.index),
    Route("/upload", upload.upload, methods=["POST"]),
    Route("/template.xlsx", upload.template),
    Route("/template-products.xlsx", upload.products_template),
    Route("/u/{upload}", check.check),
    Route("/u/{upload}/checked.xlsx", check.checked_download),
    Route("/u/{upload}/columns", check.choose_columns, methods=["POST"]),
    Route("/u/{upload}/fix", fix.fix, methods=["POST"]),
    Route("/u/{upload}/corrected.xlsx", fix.corrected_download),
    Route("/u/{upload}/plan", check.plan, methods=["POST"]),
    Route("/u/{upload}/confirm", confirm.confirm),
    Route("/u/{upload}/start", confirm.start, methods=["POST"]),
    Route("/jobs/{job}", progress.job_page),
    Route("/jobs/{job}/status", progress.job_status),
    Route("/jobs/{job}/events", progress.job_events),
    Route("/jobs/{job}/stop", progress.job_stop, methods=["POST"]),
    Route("/jobs/{job}/result.xlsx", results.job_result),
    Route("/jobs/{job}/retry.xlsx", results.job_retry_file),
    Route("/jobs/{job}/retry", results.job_retry, methods=["POST"]),
    Route("/history", history.history),
    Route("/history/{run_id}/result.xlsx", history.history_result),
    Route("/history/{run_id}/again", history.history_again, methods=["POST"]),
    Route("/lang/{code}", language.language),
    Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
]


def build_app(page: Page) -> Starlette:
    """The Starlette application for ``page``."""
    app = Starlette(routes=[Mount(page.root, routes=ROUTES)])
    app.state.page = page
    return app


def wrap(app: Starlette, page: Page, hosts: list[str]) -> Any:
    """The app behind the security headers, the Host check and the session gate (outermost first)."""
    gated = SessionGate(app, page.session, page.token_spent)
    return SecurityHeaders(TrustedHostMiddleware(gated, allowed_hosts=hosts))
