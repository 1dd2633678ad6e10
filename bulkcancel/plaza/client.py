"""The async Plaza v2 client: signed requests in, typed replies out.

HTTP status is data here: a 409, a 401 or a 503 comes back as a ``Reply`` and the caller
decides what it means. Only the network failing raises (``backend.NetworkError``, from the
exchange), saying whether the request may have reached bol. Each call signs afresh with
the current time, so a retry is never sent with a stale date.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from bulkcancel.backend import OrdersReply, Reply, StatusesReply
from bulkcancel.norm.standing import NotKnown, Standing, Unknown, Week
from bulkcancel.plaza import answers
from bulkcancel.plaza.documents import (
    ORDERS_V21,
    build_cancellation,
    parse_orders,
)
from bulkcancel.plaza.signing import ApiKeys, auth_headers
from bulkcancel.reasons import ReasonCode
from bulkcancel.safexml import MAX_XML_BYTES
from bulkcancel.transport import AiohttpExchange, Answer, Exchange, Timeouts, origin_of

log = logging.getLogger("bulkcancel.plaza")

CANCEL_PATH = "/services/rest/order-items/v2/{id}/cancellation"
STATUS_PATH = "/services/rest/process-status/v2/{id}"
ORDERS_PATH = "/services/rest/orders/v2"


def quiet_http_logging() -> None:
    """httpx logs every request at INFO; keep it and httpcore at WARNING unless configured."""
    for name in ("httpx", "httpcore"):
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.WARNING)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class PlazaClient:
    """A signed Plaza v2 client over one ``Exchange`` (aiohttp's pool unless one is given:
    ``HttpxExchange`` over ``ASGITransport`` for the demo, ``MockTransport`` in tests)."""

    def __init__(
        self,
        base_url: str,
        keys: ApiKeys,
        *,
        exchange: Exchange | None = None,
        timeout: float = 30.0,
        max_connections: int = 16,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        quiet_http_logging()
        self._keys = keys
        self._clock = clock
        self._base = base_url.rstrip("/")
        self._exchange = exchange or AiohttpExchange(max_connections, MAX_XML_BYTES, Timeouts.of(timeout))
        self.rate_limited = 0  # 429 answers seen

    def __repr__(self) -> str:
        return f"PlazaClient(base_url={self._base!r}, keys={self._keys!r})"

    async def __aenter__(self) -> PlazaClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._exchange.aclose()

    async def _request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        accept: str | None = None,
        params: dict[str, str] | None = None,
    ) -> Answer:
        headers = auth_headers(self._keys, method, path, self._clock())
        headers["Accept"] = accept or "application/xml"
        url = self._base + path + (f"?{urlencode(params)}" if params else "")
        answer = await self._exchange.exchange(method, url, headers, body)
        self.rate_limited += answer.status == 429
        log.debug("%s %s -> HTTP %d (%d bytes)", method, url, answer.status, len(answer.body))
        return answer

    @property
    def origin(self) -> str:
        """Where the requests go, for messages."""
        return origin_of(self._base)

    async def cancel(self, order_item_id: str, reason: ReasonCode, when: datetime) -> Reply:
        """PUT one cancellation; a 200 carries a (usually PENDING) ProcessStatus."""
        path = CANCEL_PATH.format(id=order_item_id)
        return answers.reply(await self._request("PUT", path, body=build_cancellation(when, reason)))

    async def process_status(self, process_status_id: str) -> Reply:
        """GET the current state of a process."""
        return answers.reply(await self._request("GET", STATUS_PATH.format(id=process_status_id)))

    status_batch = 1  # Plaza v2 has no bulk status query
    fulfilment_methods = ("FBR", "FBB")
    takes_timestamp = True

    async def process_statuses(self, process_status_ids: Sequence[str]) -> StatusesReply:
        """One GET per id (Plaza has no bulk query): the ids bol still keeps, by id."""
        found = {}
        for ps_id in process_status_ids:
            reply = await self.process_status(ps_id)
            if reply.process_status is not None:
                found[ps_id] = reply.process_status
            elif reply.http_status != 404 or reply.not_bol is not None:
                return StatusesReply(
                    reply.http_status, error=reply.error, retry_after=reply.retry_after, not_bol=reply.not_bol
                )
        return StatusesReply(200, found)

    looks_up = False  # Plaza v2 has no process-status query by entity id

    async def cancellations_of(self, order_item_id: str) -> StatusesReply:
        """Not in Plaza v2 (``looks_up`` is False: the sender never asks)."""
        raise NotImplementedError("Plaza v2 has no process-status query by entity id")

    async def probe(self, order_item_id: str) -> Reply:
        """GET the process status of id 0, which no process has (Plaza v2 has no query by entity id):
        bol's error document or a 401 means bol is there (it costs from the generous status budget)."""
        return answers.reply(await self._request("GET", STATUS_PATH.format(id="0")))

    orders_page_size = 25
    lists_delivery_dates = True  # the list carries LatestDeliveryDate

    async def open_orders(self, page: int = 1, fulfilment_method: str = "FBR") -> OrdersReply:
        """GET one page (25 orders) of open orders in the v2.1 format."""
        params = {"page": str(page), "fulfilment-method": fulfilment_method}
        return self._orders(await self._request("GET", ORDERS_PATH, accept=ORDERS_V21, params=params))

    async def order_detail(self, order_id: str) -> OrdersReply:
        """GET one open order (``/services/rest/orders/v2/{orderId}``): its items as the list shows them."""
        path = f"{ORDERS_PATH}/{quote(order_id, safe='')}"
        return self._orders(await self._request("GET", path, accept=ORDERS_V21))

    @staticmethod
    def _orders(answer: Answer) -> OrdersReply:
        return answers.orders(answer, parse_orders)

    async def cancellation_standing(self, week: Week) -> Standing | NotKnown:
        """Plaza v2 has no performance indicator: the standing is never known through it."""
        return NotKnown(Unknown.NO_ENDPOINT)
