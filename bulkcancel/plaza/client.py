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


def _utcnow() -> datetime:
    return datetime.now(UTC)


class PlazaClient:
    """A signed Plaza v2 client over one ``httpx.AsyncClient``."""

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
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        if transport is None:
            transport = AiohttpTransport(max_connections, MAX_XML_BYTES)
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=limits,
            follow_redirects=False,
            trust_env=False,
        )

    def __repr__(self) -> str:
        return f"PlazaClient(base_url={str(self._http.base_url)!r}, keys={self._keys!r})"

    async def __aenter__(self) -> PlazaClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

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
        if accept:
            headers["Accept"] = accept
        try:
            async with self._http.stream(method, path, content=body, headers=headers, params=params) as response:
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data.extend(chunk)
                    if len(data) > MAX_XML_BYTES:
                        break  # the parser refuses it; stop reading a runaway body
                return response.status_code, bytes(data)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise NetworkError(f"could not connect ({type(exc).__name__})", maybe_delivered=False) from None
        except httpx.TransportError as exc:
            raise NetworkError(f"connection lost ({type(exc).__name__})", maybe_delivered=True) from None

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
