"""The async Plaza v2 client: signed requests in, typed replies out.

HTTP status is data here: a 409, a 401 or a 503 comes back as a ``Reply`` and the caller
decides what it means. Only the network failing raises (``NetworkError``), saying whether
the request may have reached bol. Each call signs afresh with the current time, so a retry
is never sent with a stale date.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlencode

import httpx

from bulkcancel.plaza.documents import (
    ORDERS_V21,
    OpenOrderItem,
    PlazaError,
    ProcessStatus,
    build_cancellation,
    parse_error,
    parse_orders,
    parse_process_status,
)
from bulkcancel.plaza.safexml import MAX_XML_BYTES, XMLRejected
from bulkcancel.plaza.signing import ApiKeys, auth_headers
from bulkcancel.plaza.transport import AiohttpTransport
from bulkcancel.reasons import ReasonCode

log = logging.getLogger("bulkcancel.plaza")

CANCEL_PATH = "/services/rest/order-items/v2/{id}/cancellation"
STATUS_PATH = "/services/rest/process-status/v2/{id}"
ORDERS_PATH = "/services/rest/orders/v2"


class NetworkError(Exception):
    """The exchange failed below HTTP; ``maybe_delivered`` says whether bol may have acted."""

    def __init__(self, message: str, *, maybe_delivered: bool) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered


@dataclass(frozen=True)
class Reply:
    """One HTTP answer: its status and, when it could be read, what it said."""

    http_status: int
    process_status: ProcessStatus | None = None
    error: PlazaError | None = None


@dataclass(frozen=True)
class OrdersReply:
    """One page of open orders, or the error that came instead."""

    http_status: int
    items: tuple[OpenOrderItem, ...] = ()
    error: PlazaError | None = None


class CancellationBackend(Protocol):
    """What the pipeline needs from a bol API; Plaza v2 is one, Retailer v10 may be another."""

    async def cancel(self, order_item_id: str, reason: ReasonCode, when: datetime) -> Reply: ...

    async def process_status(self, process_status_id: str) -> Reply: ...

    async def open_orders(self, page: int, fulfilment_method: str) -> OrdersReply: ...

    async def aclose(self) -> None: ...


def quiet_http_logging() -> None:
    """httpx logs every request at INFO; keep it and httpcore at WARNING unless configured."""
    for name in ("httpx", "httpcore"):
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.WARNING)


async def _read_capped(response: httpx.Response) -> bytes:
    """The body, read no further than the XML size cap (the parser refuses a larger one)."""
    try:
        return response.content[: MAX_XML_BYTES + 1]  # a transport that already read it
    except httpx.ResponseNotRead:
        pass
    data = bytearray()
    async for chunk in response.aiter_raw():
        data.extend(chunk)
        if len(data) > MAX_XML_BYTES:
            break
    return bytes(data)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class PlazaClient:
    """A signed Plaza v2 client over an httpx transport.

    Any httpx transport works (``MockTransport`` or ``ASGITransport`` in tests and the demo):
    requests are ``httpx.Request`` objects handed straight to it, since the client needs none
    of ``AsyncClient``'s redirects, cookies, auth flows or hooks. The default transport,
    aiohttp's pool, is called without building httpx objects at all: at 64 requests in
    flight the client is CPU-bound and they cost a fifth of it (benchmarks/bench_run.py).
    """

    def __init__(
        self,
        base_url: str,
        keys: ApiKeys,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        max_connections: int = 16,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        quiet_http_logging()
        self._keys = keys
        self._clock = clock
        self._base = base_url.rstrip("/")
        self._transport = transport or AiohttpTransport(max_connections, MAX_XML_BYTES)
        self._timeouts = {"connect": min(timeout, 10.0), "read": timeout, "write": timeout, "pool": timeout}

    def __repr__(self) -> str:
        return f"PlazaClient(base_url={self._base!r}, keys={self._keys!r})"

    async def __aenter__(self) -> PlazaClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._transport.aclose()

    async def _request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        accept: str | None = None,
        params: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        headers = auth_headers(self._keys, method, path, self._clock())
        headers["Accept"] = accept or "application/xml"
        url = self._base + path + (f"?{urlencode(params)}" if params else "")
        try:
            if isinstance(self._transport, AiohttpTransport):
                status, data = await self._transport.exchange(method, url, headers, body, self._timeouts)
            else:
                status, data = await self._exchange(method, url, headers, body)
            log.debug("%s %s -> HTTP %d (%d bytes)", method, url, status, len(data))
            return status, data
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise NetworkError(f"could not connect ({type(exc).__name__})", maybe_delivered=False) from None
        except httpx.TransportError as exc:
            raise NetworkError(f"connection lost ({type(exc).__name__})", maybe_delivered=True) from None

    async def _exchange(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> tuple[int, bytes]:
        """Through any httpx transport (MockTransport, ASGITransport: tests and the demo)."""
        request = httpx.Request(method, url, headers=headers, content=body, extensions={"timeout": self._timeouts})
        response = await self._transport.handle_async_request(request)
        try:
            return response.status_code, await _read_capped(response)
        finally:
            await response.aclose()

    @staticmethod
    def _reply(status: int, body: bytes) -> Reply:
        if 200 <= status < 300:
            try:
                return Reply(status, process_status=parse_process_status(body))
            except XMLRejected as exc:
                return Reply(status, error=PlazaError(status, None, f"unreadable reply: {exc}"))
        return Reply(status, error=parse_error(status, body))

    async def cancel(self, order_item_id: str, reason: ReasonCode, when: datetime) -> Reply:
        """PUT one cancellation; a 200 carries a (usually PENDING) ProcessStatus."""
        path = CANCEL_PATH.format(id=order_item_id)
        status, body = await self._request("PUT", path, body=build_cancellation(when, reason))
        return self._reply(status, body)

    async def process_status(self, process_status_id: str) -> Reply:
        """GET the current state of a process."""
        status, body = await self._request("GET", STATUS_PATH.format(id=process_status_id))
        return self._reply(status, body)

    async def open_orders(self, page: int = 1, fulfilment_method: str = "FBR") -> OrdersReply:
        """GET one page (25 orders) of open orders in the v2.1 format."""
        params = {"page": str(page), "fulfilment-method": fulfilment_method}
        status, body = await self._request("GET", ORDERS_PATH, accept=ORDERS_V21, params=params)
        if status != 200:
            return OrdersReply(status, error=parse_error(status, body))
        try:
            return OrdersReply(status, items=tuple(parse_orders(body)))
        except XMLRejected as exc:
            return OrdersReply(status, error=PlazaError(status, None, f"unreadable reply: {exc}"))
