"""The async Retailer API v10 client: one shared token, paced endpoints, typed replies out.

As for Plaza, HTTP status is data (a 400, 401 or 503 comes back as a ``Reply``) and only
the network failing raises ``NetworkError``. Two rules are this API's own:

- a request whose token could not be had never left: a token endpoint that cannot be
  reached raises ``NetworkError(maybe_delivered=False)``, and one that refuses the client
  id and secret answers the request with a 401 ``Reply`` that says so;
- a 401 "Expired JWT" is answered by renewing the shared token once and sending that
  request again (bol did not act on a request it refused); a second 401 is the answer.

Read-only calls (status queries, order pages) wait out a 429 themselves, a few times;
a cancellation's 429 goes back to the sender, which retries it and journals each attempt.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from urllib.parse import quote, urlencode, urlsplit

from bulkcancel.backend import ApiError, NetworkError, NotBol, OrdersReply, Reply, StatusesReply, WaitTooLong
from bulkcancel.i18n import Text
from bulkcancel.judge import foreign
from bulkcancel.norm.standing import NotKnown, Standing, Unknown, Week
from bulkcancel.reasons import ReasonCode
from bulkcancel.retailer import answers
from bulkcancel.retailer.documents import (
    MAX_JSON_BYTES,
    MEDIA_TYPE,
    Token,
    UnreadableAnswer,
    build_cancellation,
    build_status_query,
    is_expired_token,
    parse_order,
    parse_orders,
    parse_problem,
    parse_token,
    status_line,
)
from bulkcancel.retailer.environments import ClientCredentials
from bulkcancel.retailer.indicator import INDICATOR_PATH, indicator_params, parse_indicator
from bulkcancel.retailer.pacing import Pacer, Sleep
from bulkcancel.retailer.token import TokenHolder
from bulkcancel.targets import Target
from bulkcancel.transport import AiohttpExchange, Answer, Exchange, Timeouts, origin_of, retry_after

log = logging.getLogger("bulkcancel.retailer")

CANCEL_PATH = "/retailer/orders/cancellation"
STATUS_PATH = "/shared/process-status/{id}"
BULK_STATUS_PATH = "/shared/process-status"
ORDERS_PATH = "/retailer/orders"
ORDER_PATH = "/retailer/orders/{id}"
READ_ATTEMPTS = 4  # a read-only call waits out this many 429s before it gives the 429 back


class TokenRefused(Exception):
    """The token endpoint would not give a token for these credentials (``not_bol``: what answered
    there was not bol's token endpoint at all)."""

    def __init__(self, message: object, not_bol: NotBol | None = None) -> None:
        super().__init__(message)
        self.not_bol = not_bol

    def failure(self) -> tuple[int, ApiError, NotBol | None]:
        """The status, error and not-bol verdict of the request that waited for the token."""
        if self.not_bol is not None:
            return self.not_bol.http_status, foreign(self.not_bol), self.not_bol
        return 401, ApiError(401, "token", str(self)), None


def demo_path(path: str) -> str:
    """bol's demo endpoints: the first path segment gets ``-demo`` (``/retailer-demo/...``)."""
    first, _, rest = path.lstrip("/").partition("/")
    return f"/{first}-demo/{rest}"


class RetailerClient:
    """A Retailer API v10 client over one ``Exchange`` (aiohttp's pool unless one is given)."""

    status_batch = 1000  # POST /shared/process-status takes up to 1,000 ids
    fulfilment_methods = ("ALL",)
    orders_page_size = 50
    lists_delivery_dates = False  # the list has no dates: the order's detail has them
    takes_timestamp = False  # v10's CancellationRequest has no timestamp

    def __init__(
        self,
        target: Target,
        credentials: ClientCredentials,
        *,
        exchange: Exchange | None = None,
        timeout: float = 30.0,
        max_connections: int = 16,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._target, self._credentials = target, credentials
        self._base = target.base_url.rstrip("/")
        self._exchange = exchange or AiohttpExchange(max_connections, MAX_JSON_BYTES, Timeouts.of(timeout))
        self._sleep = sleep
        self.tokens = TokenHolder(self._fetch_token, clock)
        self._clock = clock
        self.pacers: dict[str, Pacer] = {}  # one per endpoint (resource group)
        self.rate_limited = 0  # 429 answers seen (all endpoints)

    def __repr__(self) -> str:
        return f"RetailerClient(base_url={self._base!r}, credentials={self._credentials!r})"

    async def __aenter__(self) -> RetailerClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._exchange.aclose()

    @property
    def origin(self) -> str:
        """Where the requests go, for messages."""
        return origin_of(self._base)

    # The token

    async def _fetch_token(self) -> Token:
        pair = f"{self._credentials.client_id}:{self._credentials.client_secret}".encode()
        headers = {
            "Authorization": "Basic " + base64.b64encode(pair).decode(),
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        where = urlsplit(self._target.login_url).hostname or self._target.login_url
        try:
            answer = await self._exchange.exchange(
                "POST", self._target.login_url, headers, b"grant_type=client_credentials"
            )
        except NetworkError as exc:
            raise NetworkError(f"no token: {exc}", maybe_delivered=False) from None
        log.debug("POST %s -> HTTP %d", self._target.login_url, answer.status)
        found = answers.token_not_bol(answer)
        if found is not None:  # a proxy's login page, an HTML 502: not bol refusing the keys
            login = origin_of(self._target.login_url)
            raise TokenRefused(
                Text("{where} answered something bol does not send", where=login), replace(found, origin=login)
            )
        if answer.status == 200:
            try:
                return parse_token(answer.body)
            except UnreadableAnswer as exc:
                raise TokenRefused(f"{where}: {exc}") from None
        if answer.status >= 500 or answer.status == 429:
            # The cancellation waiting for this token never left: retrying it later is safe.
            said = Text("no token: {where} answered {status}", where=where, status=status_line(answer.status))
            raise NetworkError(said, maybe_delivered=False)
        error = parse_problem(answer.status, answer.body)
        if error.code == "invalid_client" or answer.status == 401:
            raise TokenRefused(
                Text(
                    "{where} refused the client id and secret ({message}); check BOL_CLIENT_ID and "
                    "BOL_CLIENT_SECRET (seller dashboard: Settings > API settings)",
                    where=where,
                    message=error.message,
                )
            )
        status = status_line(answer.status)
        raise TokenRefused(
            Text("{where} gave no token: {message} ({status})", where=where, message=error.message, status=status)
        )

    # Requests

    def _url(self, path: str, params: dict[str, str] | None) -> str:
        path = demo_path(path) if self._target.demo_paths else path
        return self._base + path + (f"?{urlencode(params)}" if params else "")

    async def _call(
        self, endpoint: str, method: str, path: str, *, body: bytes | None = None, params: dict[str, str] | None = None
    ) -> Answer:
        """One request with the shared token, paced by its endpoint; an expired token is renewed once.

        The token is taken once the pacer lets the request go, never before: a wait for the
        budget (up to a 429's Retry-After) could outlast the token taken before it.
        """
        url = self._url(path, params)
        pacer = self.pacers.get(endpoint) or self.pacers.setdefault(endpoint, Pacer(self._clock, self._sleep, endpoint))
        for attempt in (1, 2):
            generation = await pacer.acquire()
            answer: Answer | None = None
            try:
                token = await self.tokens.get()
                headers = {"Authorization": f"Bearer {token}", "Accept": MEDIA_TYPE}
                if body is not None:
                    headers["Content-Type"] = MEDIA_TYPE
                answer = await self._exchange.exchange(method, url, headers, body)
            finally:
                if answer is None:
                    pacer.settle(generation, None, 0, None)
                else:
                    pacer.settle(generation, answer.headers, answer.status, retry_after(answer.headers))
            log.debug("%s %s -> HTTP %d (%d bytes)", method, url, answer.status, len(answer.body))
            self.rate_limited += answer.status == 429
            if answer.status == 401 and attempt == 1 and is_expired_token(parse_problem(401, answer.body)):
                token = await self.tokens.renew(token)
                continue
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    async def _read(
        self, endpoint: str, method: str, path: str, *, body: bytes | None = None, params: dict[str, str] | None = None
    ) -> Answer:
        """A read-only call: a 429 is waited out (its pacer holds every request of the endpoint)."""
        for _ in range(READ_ATTEMPTS - 1):
            answer = await self._call(endpoint, method, path, body=body, params=params)
            if answer.status != 429:
                return answer
        return await self._call(endpoint, method, path, body=body, params=params)

    @staticmethod
    def _refused(exc: TokenRefused) -> Reply:
        status, error, not_bol = exc.failure()
        return Reply(status, error=error, not_bol=not_bol)

    async def cancel(self, order_item_id: str, reason: ReasonCode, when: datetime) -> Reply:
        """PUT one cancellation (v10 takes no timestamp: ``when`` is not sent); a 202 gives a ProcessStatus."""
        try:
            answer = await self._call(
                "cancellation", "PUT", CANCEL_PATH, body=build_cancellation(order_item_id, reason)
            )
        except TokenRefused as exc:
            return self._refused(exc)
        return answers.reply(answer)

    async def process_status(self, process_status_id: str) -> Reply:
        """GET one process status."""
        try:
            answer = await self._read("process-status", "GET", STATUS_PATH.format(id=process_status_id))
        except TokenRefused as exc:
            return self._refused(exc)
        return answers.reply(answer)

    async def process_statuses(self, process_status_ids: Sequence[str]) -> StatusesReply:
        """POST one bulk query for up to 1,000 ids; ids bol no longer keeps are left out."""
        ids = list(dict.fromkeys(process_status_ids))
        try:
            answer = await self._read("process-status-bulk", "POST", BULK_STATUS_PATH, body=build_status_query(ids))
        except TokenRefused as exc:
            status, error, not_bol = exc.failure()
            return StatusesReply(status, error=error, not_bol=not_bol)
        return answers.bulk_statuses(answer, ids)

    async def cancellations_of(self, order_item_id: str) -> StatusesReply:
        """bol's CANCEL_ORDER processes for one order item, newest first (the first page: 50)."""
        params = {"entity-id": order_item_id, "event-type": "CANCEL_ORDER"}
        try:
            answer = await self._read("process-status", "GET", BULK_STATUS_PATH, params=params)
        except TokenRefused as exc:
            status, error, not_bol = exc.failure()
            return StatusesReply(status, error=error, not_bol=not_bol)
        return answers.entity_statuses(answer)

    looks_up = True  # cancellations_of asks bol whether a cancellation reached it

    async def probe(self, order_item_id: str) -> Reply:
        """Ask bol for the cancellations of the first row's item (docs/bol-apis.md, "The probe"):
        a 200 ``ProcessStatusResponse`` by the spec, from the generous single-status budget."""
        found = await self.cancellations_of(order_item_id)
        return Reply(found.http_status, error=found.error, retry_after=found.retry_after, not_bol=found.not_bol)

    async def open_orders(self, page: int = 1, fulfilment_method: str = "ALL") -> OrdersReply:
        """GET one page (50 orders) of open orders; ``{}`` past the last page is no items."""
        params = {"status": "OPEN", "fulfilment-method": fulfilment_method, "page": str(page)}
        try:
            answer = await self._read("orders", "GET", ORDERS_PATH, params=params)
        except TokenRefused as exc:
            status, error, not_bol = exc.failure()
            return OrdersReply(status, error=error, not_bol=not_bol)
        return answers.orders(answer, parse_orders)

    async def order_detail(self, order_id: str) -> OrdersReply:
        """GET one order (its own budget, apart from the list's): every item with dates, title and
        distribution party; a 404 is an ``error``."""
        try:
            answer = await self._read("order", "GET", ORDER_PATH.format(id=quote(order_id, safe="")))
        except TokenRefused as exc:
            status, error, not_bol = exc.failure()
            return OrdersReply(status, error=error, not_bol=not_bol)
        return answers.orders(answer, parse_order)

    async def cancellation_standing(self, week: Week) -> Standing | NotKnown:
        """The week's CANCELLATIONS indicator; NotKnown, with why, when it cannot be had (never raises)."""
        try:
            answer = await self._read("insights", "GET", INDICATOR_PATH, params=indicator_params(week))
        except TokenRefused as exc:
            return NotKnown(Unknown.UNREADABLE if exc.not_bol else Unknown.REFUSED, str(exc))
        except WaitTooLong as exc:  # the indicator's own budget: not known this run, nothing more
            return NotKnown(Unknown.REFUSED, exc.in_language("en"))
        except NetworkError as exc:
            return NotKnown(Unknown.UNREACHABLE, str(exc))
        foreign = answers.not_bol(answer)
        if foreign is not None:
            return NotKnown(Unknown.UNREADABLE, f"not an answer of bol's: {foreign.why.value}, {foreign.http_status}")
        if answer.status != 200:
            said, line = parse_problem(answer.status, answer.body).message, status_line(answer.status)
            return NotKnown(Unknown.REFUSED, line if said == line else f"{line}: {said}")
        return parse_indicator(answer.body, week)
