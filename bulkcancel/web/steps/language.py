"""The language switch: a cookie, then back to the same step (never to another site)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bulkcancel.i18n import Language
from bulkcancel.web.page import page_of
from bulkcancel.web.texts import COOKIE


async def language(request: Request) -> Response:
    session = page_of(request).session
    code = request.path_params["code"]
    response = RedirectResponse(session.local(request.query_params.get("next", "")), 303)
    if code in Language.codes():
        response.set_cookie(COOKIE, code, samesite="strict", httponly=True, path=session.root)
    return response
