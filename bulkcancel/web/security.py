"""What keeps a page on localhost safe from every other site and program the browser meets.

- Host check (DNS rebinding): only ``127.0.0.1``/``localhost`` (and a ``--host`` given) are served.
- A random root: every URL of the page is under ``/<random>/``, and the session cookie's
  Path is that root. Browsers do not separate cookies by port, so another program on
  127.0.0.1 would receive a cookie scoped to ``/``; it never sees one scoped to a path it
  cannot guess. Anything outside the root is a 404.
- The start-up token (``<root>/?token=...``) works once and for ``TOKEN_TTL`` seconds: it
  becomes an HttpOnly, SameSite=Strict cookie and the browser goes on without it.
- Fetch metadata: a request whose ``Sec-Fetch-Site`` names another site is refused (only the
  start-up link itself may come from elsewhere: the local file that opens the browser).
- CSRF: every POST carries the session's CSRF token (a form field or ``X-CSRF-Token``) and
  an Origin (or Referer) of this server.
- Uploads are capped while the body streams, not only by Content-Length (413 with a message).

Secrets are compared as UTF-8 bytes: a token, cookie or CSRF value outside ASCII is a
refusal (4xx), never an error.
"""

from __future__ import annotations

import hmac
import html
import secrets
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from bulkcancel.i18n import N_
from bulkcancel.web.texts import say

COOKIE = "bulkcancel_session"
TOKEN_TTL = 600.0  # seconds the start-up link works (once)
FOREIGN = N_("This request came from another site; bulkcancel only answers its own page.")
NO_SESSION = N_("Open the link bulkcancel serve printed (it holds a one-time token).")
SPENT = N_(
    "This link has been used or has expired (it works once, for 10 minutes): "
    "stop bulkcancel serve with Ctrl-C and start it again for a new one."
)


class TooLarge(Exception):
    """The request body is over the cap."""


def same_secret(given: str, expected: str) -> bool:
    """Whether ``given`` is ``expected``, in constant time; any text (non-ASCII too) is merely wrong."""
    return bool(given) and hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())


class Session:
    """The one session of this server: its root, the start-up token, the cookie it becomes, the CSRF token."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, token_ttl: float = TOKEN_TTL) -> None:
        self.root = "/" + secrets.token_urlsafe(16)
        self.startup_token = secrets.token_urlsafe(24)
        self.cookie = secrets.token_urlsafe(32)
        self.csrf = secrets.token_urlsafe(24)
        self._clock, self._ttl = clock, token_ttl
        self._issued = clock()
        self._spent = False

    def redeem(self, token: str) -> bool:
        """Whether ``token`` is the start-up token, still unused and young enough; it is spent then."""
        if self._spent or self._clock() - self._issued > self._ttl or not same_secret(token, self.startup_token):
            return False
        self._spent = True
        return True

    def holds(self, request: Request) -> bool:
        """Whether the request carries this session's cookie."""
        return same_secret(request.cookies.get(COOKIE, ""), self.cookie)

    def csrf_ok(self, given: str) -> bool:
        """Whether ``given`` is this session's CSRF token."""
        return same_secret(given, self.csrf)

    def inside(self, path: str) -> bool:
        """Whether ``path`` is one of the page's (under its root)."""
        return path == self.root or path.startswith(self.root + "/")

    def local(self, target: str) -> str:
        """``target`` when it is a path of this page, else the page's first step: no redirect leaves it."""
        if not self.inside(target) or any(c in target for c in "\\\r\n\t") or "//" in target:
            return self.root + "/"
        return target


def same_origin(request: Request) -> bool:
    """Whether the POST came from a page of this server (Origin, else Referer)."""
    origin = request.headers.get("origin") or request.headers.get("referer") or ""
    if not origin:
        return False
    parts = urlsplit(origin)
    return parts.netloc == request.headers.get("host", "")


def foreign(request: Request) -> bool:
    """Whether the browser says another site made this request (``Sec-Fetch-Site``)."""
    return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")


def _onward(url: str) -> HTMLResponse:
    """A page that goes on to ``url`` from this origin (after a cross-site start, a 303 would not
    carry the SameSite=Strict cookie)."""
    safe = html.escape(url, quote=True)
    return HTMLResponse(
        f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={safe}">'
        f'<title>bulkcancel</title><p><a href="{safe}">bulkcancel</a></p>'
    )


class SessionGate:
    """ASGI middleware: the root, the fetch metadata, the token exchange, then the cookie on every request."""

    def __init__(self, app: ASGIApp, session: Session, on_redeemed: Callable[[], None] | None = None) -> None:
        self.app, self.session, self.on_redeemed = app, session, on_redeemed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response = self.judge(Request(scope))
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def judge(self, request: Request) -> Response | None:
        """The refusal (or the token exchange) for ``request``; None: let it through."""
        session, path = self.session, request.url.path
        if not session.inside(path):
            return PlainTextResponse(say(request, NO_SESSION), 404)
        token = request.query_params.get("token")
        if token is not None and request.method == "GET":
            clean = request.url.remove_query_params("token")
            onward = session.local(clean.path + (f"?{clean.query}" if clean.query else ""))
            if session.redeem(token):
                if self.on_redeemed is not None:
                    self.on_redeemed()
                response: Response = _onward(onward) if foreign(request) else RedirectResponse(onward, 303)
                response.set_cookie(COOKIE, session.cookie, httponly=True, samesite="strict", path=session.root)
                return response
            if session.holds(request) and not foreign(request):
                return RedirectResponse(onward, 303)  # a refresh of the address it started with
            return PlainTextResponse(say(request, SPENT), 403)
        if foreign(request):
            return PlainTextResponse(say(request, FOREIGN), 403)
        if not session.holds(request) and not path.startswith(session.root + "/static/"):
            return PlainTextResponse(say(request, NO_SESSION), 403)
        return None


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
