"""What keeps a page on localhost safe from every other site the browser visits.

- Host check (DNS rebinding): only ``127.0.0.1``/``localhost`` (and a ``--host`` given) are served.
- The start-up token: ``/?token=...`` is swapped for an HttpOnly, SameSite=Strict cookie and
  the browser is sent to the same URL without it; every route needs the cookie (events and
  downloads too).
- CSRF: every POST carries the session's CSRF token (a form field or ``X-CSRF-Token``) and
  an Origin (or Referer) of this server.
- Uploads are capped while the body streams, not only by Content-Length (413 with a message).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "bulkcancel_session"


class TooLarge(Exception):
    """The request body is over the cap."""


class Session:
    """The one session of this server: the start-up token, the cookie it becomes, the CSRF token."""

    def __init__(self) -> None:
        self.startup_token = secrets.token_urlsafe(24)
        self.cookie = secrets.token_urlsafe(32)
        self.csrf = secrets.token_urlsafe(24)

    def holds(self, request: Request) -> bool:
        """Whether the request carries this session's cookie."""
        return hmac.compare_digest(request.cookies.get(COOKIE, ""), self.cookie)

    def csrf_ok(self, given: str) -> bool:
        """Whether ``given`` is this session's CSRF token."""
        return bool(given) and hmac.compare_digest(given, self.csrf)


def same_origin(request: Request) -> bool:
    """Whether the POST came from a page of this server (Origin, else Referer)."""
    origin = request.headers.get("origin") or request.headers.get("referer") or ""
    if not origin:
        return False
    parts = urlsplit(origin)
    return parts.netloc == request.headers.get("host", "")


class SessionGate:
    """ASGI middleware: the token exchange, then the cookie on every request."""

    def __init__(self, app: ASGIApp, session: Session) -> None:
        self.app, self.session = app, session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        token = request.query_params.get("token")
        response: Response | None = None
        if token is not None:
            if hmac.compare_digest(token, self.session.startup_token):
                clean = request.url.remove_query_params("token")
                response = RedirectResponse(clean.path + (f"?{clean.query}" if clean.query else ""), 303)
                response.set_cookie(COOKIE, self.session.cookie, httponly=True, samesite="strict", path="/")
            else:
                response = PlainTextResponse("This link is not valid: use the one bulkcancel serve printed.", 403)
        elif not self.session.holds(request) and not scope["path"].startswith("/static/"):
            response = PlainTextResponse("Open the link bulkcancel serve printed (it holds a one-time token).", 403)
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def read_capped(request: Request, cap: int) -> bytes:
    """The whole body, refused (``TooLarge``) as soon as it passes ``cap`` bytes, whatever Content-Length says."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise TooLarge
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > cap:
            raise TooLarge
    return bytes(data)


def replay(body: bytes) -> Callable[[], Awaitable[dict[str, object]]]:
    """An ASGI ``receive`` that hands ``body`` over again (to parse a capped body as a form)."""
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
