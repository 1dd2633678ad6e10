"""What both simulators share around their routes: latency, the busy span, and cut connections."""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from bulkcancel.simulator.busy import BusySpan


class DroppedConnection(Exception):
    """Raised mid-response to make the server cut the connection (a simulated fault)."""


class Dropping(Response):
    """Sends the head and a few bytes of the body, then cuts the connection (after the effect)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": self.body[:10], "more_body": True})
        raise DroppedConnection("simulated dropped connection after the effect")


S = TypeVar("S", bound=BusySpan)


class Simulated(Generic[S]):
    """An ASGI app around ``self.app`` that waits ``latency_ms`` and counts each API request in
    ``self.state`` (``/_simulator/...`` views are neither delayed nor counted)."""

    app: Starlette
    state: S
    latency_ms: float

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_simulator/"):
            await self.app(scope, receive, send)
            return
        self.state.enter()
        try:
            if self.latency_ms:
                await asyncio.sleep(self.latency_ms / 1000)
            await self.app(scope, receive, send)
        finally:
            self.state.leave()
