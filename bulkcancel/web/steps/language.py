"""The language switch: a cookie, then back to the same step (never to another site)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bulkcancel.web.texts import LANGUAGES


def local_path(target: str) -> str:
    """``target`` when it is a path on this server, else ``/`` (no redirect leaves the page)."""
    if not target.startswith("/") or target.startswith(("//", "/\\")) or any(c in target for c in "\\\r\n\t"):
        return "/"
    return target


async def language(request: Request) -> Response:
    code = request.path_params["code"]
    response = RedirectResponse(local_path(request.query_params.get("next", "/")), 303)
    if code in LANGUAGES:
        response.set_cookie("bulkcancel_lang", code, samesite="strict", httponly=True)
    return response
