"""The Retailer API v10 simulator as a Starlette application (served by uvicorn, or in-process).

Routes: ``POST /token`` (client credentials), ``PUT /retailer/orders/cancellation``,
``GET /shared/process-status/{id}``, ``POST /shared/process-status`` (bulk),
``GET /shared/process-status?entity-id=&event-type=`` (by entity),
``GET /retailer/orders``, ``GET /retailer/orders/{order-id}``, their ``-demo`` mirrors with
bol's static demo answers, and
``/_simulator/...`` views for tests. Every API answer carries ``x-ratelimit-limit``,
``-remaining`` and ``-reset`` (seconds until the bucket is full) and ``x-request-id``; a
429 carries ``Retry-After`` unless configured not to. Faults and quirks come from a seeded
random source so a run can be repeated.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import os
import random
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bulkcancel.reasons import ReasonCode
from bulkcancel.retailer.documents import MEDIA_TYPE
from bulkcancel.simulator.asgi import Dropping, Simulated
from bulkcancel.simulator.retailer import insights
from bulkcancel.simulator.retailer.config import RetailerConfig
from bulkcancel.simulator.retailer.state import Process, RetailerState
from bulkcancel.simulator.scenario import Scenario, ScenarioItem

PAGE_SIZE = 50
MAX_BODY = 256 * 1024
JSON_TYPE = MEDIA_TYPE + ";charset=UTF-8"
NGINX_500 = (
    b"<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n"
    b"<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
BODY_TITLE = "Error validating request body. Consult the bol.com API documentation for more information."
REASONS = ", ".join(code.value for code in ReasonCode)
EVENT_TYPES = frozenset(
    [
        "CREATE_SHIPMENT",
        "CANCEL_ORDER",
        "CHANGE_TRANSPORT",
        "HANDLE_RETURN_ITEM",
        "CREATE_RETURN_ITEM",
        "CREATE_INBOUND",
        "DELETE_OFFER",
        "CREATE_OFFER",
        "UPDATE_OFFER",
        "UPDATE_OFFER_STOCK",
        "UPDATE_OFFER_PRICE",
        "CREATE_OFFER_EXPORT",
        "UNPUBLISHED_OFFER_REPORT",
        "CREATE_PRODUCT_CONTENT",
        "CREATE_SUBSCRIPTION",
        "UPDATE_SUBSCRIPTION",
        "DELETE_SUBSCRIPTION",
        "SEND_SUBSCRIPTION_TST_MSG",
        "CREATE_SHIPPING_LABEL",
        "CREATE_REPLENISHMENT",
        "UPDATE_REPLENISHMENT",
        "REQUEST_PRODUCT_DESTINATIONS",
        "CREATE_SOV_SEARCH_TERM_REPORT",
        "CREATE_SOV_CATEGORY_REPORT",
        "UPLOAD_INVOICE",
        "CREATE_CAMPAIGN_PERFORMANCE_REPORT",
    ]
)  # the v10 spec's event-type enum


class Answer(Exception):
    """Short-circuits a handler with a response."""

    def __init__(self, response: Response) -> None:
        self.response = response


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> Answer:
    """A bol Problem (only the fields bol sends for this kind of error)."""
    body: dict[str, Any] = {"title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    return Answer(JSONResponse(body, status_code=status, media_type=JSON_TYPE))


def invalid_body(instance: str, *violations: tuple[str, str]) -> Answer:
    """bol's 400 for a request body that does not match the schema."""
    return problem(
        400,
        BODY_TITLE,
        "Bad request",
        type="https://api.bol.com/problems",
        host="Instance-101",
        instance=instance,
        violations=[{"name": name, "reason": reason} for name, reason in violations],
    )


class RetailerSimulator(Simulated[RetailerState]):
    """A Retailer API v10 look-alike; ``state`` holds the ledger tests read."""

    def __init__(
        self,
        scenario: Scenario | None = None,
        config: RetailerConfig | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or RetailerConfig()
        self.latency_ms = self.config.latency_ms
        self._rng = random.Random(self.config.seed)
        self.state = RetailerState(scenario or Scenario(), self.config, self._rng, monotonic)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._others_left = self.config.spent_by_others
        api = [
            ("/retailer/orders/cancellation", self.cancel, ["PUT"]),
            ("/shared/process-status/{id}", self.status, ["GET"]),
            ("/shared/process-status", self.bulk_status, ["POST"]),
            ("/shared/process-status", self.entity_status, ["GET"]),
            ("/retailer/orders", self.orders, ["GET"]),
            ("/retailer/insights/performance/indicator", self.performance, ["GET"]),
            ("/retailer/orders/{order_id}", self.order, ["GET"]),
        ]
        demo = [
            ("/retailer-demo/orders/cancellation", self.demo_cancel, ["PUT"]),
            ("/shared-demo/process-status/{id}", self.demo_status, ["GET"]),
            ("/shared-demo/process-status", self.demo_bulk_status, ["POST"]),
            ("/shared-demo/process-status", self.demo_entity_status, ["GET"]),
            ("/retailer-demo/orders", self.demo_orders, ["GET"]),
            ("/retailer-demo/orders/{order_id}", self.demo_order, ["GET"]),
        ]
        routes = [Route("/token", self.token, methods=["POST"])]
        routes += [Route(path, self._guarded(handler), methods=methods) for path, handler, methods in api + demo]
        routes += [
            Route("/_simulator/ledger", self.ledger_view, methods=["GET"]),
            Route("/_simulator/reset", self.reset_view, methods=["POST", "GET"]),
        ]
        self.app = Starlette(routes=routes)

    # Plumbing

    def _guarded(self, handler: Callable[[Request, str], Any]) -> Callable[[Request], Any]:
        """Bearer token, media types, rate limit and faults before ``handler(request, client)``."""

        async def endpoint(request: Request) -> Response:
            limits: tuple[bool, int, float, float, int] | None = None
            try:
                client = self._bearer(request)
                self._media_types(request)
                group = _group(request)
                limits = self.state.take(client, group)
                if limits is not None and not limits[0]:
                    raise self._too_many(limits[3])
                if group == self.config.spent_group and self._spent_by_others():
                    raise self._too_many(0.5)
                # the indicator has an error mode of its own (``indicator_status``): faults drawn for the
                # other routes stay where a seed put them
                if group != "insights" and self.config.fail_rate and self._rng.random() < self.config.fail_rate:
                    raise self._fault()
                response: Response = await handler(request, client)
            except Answer as answer:
                response = answer.response
            if limits is not None:
                _, remaining, until_full, _, capacity = limits
                response.headers["x-ratelimit-limit"] = str(capacity)
                response.headers["x-ratelimit-remaining"] = str(remaining)
                response.headers["x-ratelimit-reset"] = str(math.ceil(until_full))
            response.headers["x-request-id"] = os.urandom(16).hex()
            return response

        return endpoint

    def _spent_by_others(self) -> bool:
        with self.state.lock:
            if self._others_left <= 0:
                return False
            self._others_left -= 1
            self.state.counts.rate_limited[self.config.spent_group] += 1
            return True

    def _bearer(self, request: Request) -> str:
        auth = request.headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            raise problem(401, "Unauthorized", "Full authentication is required to access this resource.")
        client, late = self.state.token_client(auth[7:].strip())
        if client is None:
            raise problem(401, "Unauthorized", "Invalid JWT.")
        if late > self.config.clock_skew:
            self.state.counts.expired_token_answers += 1
            now = self._clock()
            expired = now - timedelta(seconds=late)
            raise problem(
                401,
                "Expired JWT",
                f"JWT expired at {expired:%Y-%m-%dT%H:%M:%SZ}. Current time: {now:%Y-%m-%dT%H:%M:%SZ}, "
                f"a difference of {int(late * 1000)} milliseconds.  Allowed clock skew: "
                f"{int(self.config.clock_skew * 1000)} milliseconds.",
            )
        return client

    @staticmethod
    def _media_types(request: Request) -> None:
        accept = request.headers.get("accept", "")
        if MEDIA_TYPE not in accept and "application/vnd.advertiser.v10+json" not in accept:
            raise problem(406, "Not Acceptable", f"Accept header must be {MEDIA_TYPE}.")
        if request.method in ("PUT", "POST"):
            ctype = request.headers.get("content-type", "").split(";")[0].strip()
            if ctype != MEDIA_TYPE:
                raise problem(400, "Bad Request", f"Content type '{ctype}' not supported; use {MEDIA_TYPE}.")

    def _too_many(self, until_next: float) -> Answer:
        wait = max(until_next, 0.001)
        answer = problem(429, "Too Many Requests", f"Too many requests, retry in {math.ceil(wait)} seconds.")
        if self.config.retry_after == "integer":
            answer.response.headers["retry-after"] = str(math.ceil(wait))
        elif self.config.retry_after == "decimal":
            answer.response.headers["retry-after"] = f"{wait:.2f}"
        return answer

    def _fault(self) -> Answer:
        status = self._rng.choice((500, 503))
        if self.config.html_errors:
            return Answer(Response(NGINX_500 if status == 500 else b"", status_code=status, media_type="text/html"))
        return problem(status, "Internal Server Error" if status == 500 else "Service Unavailable")

    @staticmethod
    async def _json(request: Request) -> Any:
        body = await request.body()
        if len(body) > MAX_BODY:
            raise problem(413, "Payload Too Large")
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise problem(400, BODY_TITLE, "Bad request", type="https://api.bol.com/problems") from None

    def _status_json(self, process: Process, status: str, base: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "processStatusId": process.id,
            "entityId": process.entity_id,
            "eventType": "CANCEL_ORDER",
            "description": f"Cancel order item with id {process.entity_id}.",
            "status": status,
            "createTimestamp": process.created.astimezone().isoformat(timespec="seconds"),
            "links": [{"rel": "self", "href": f"{base}/shared/process-status/{process.id}", "method": "GET"}],
        }
        if status == "FAILURE" and process.error_message:
            body["errorMessage"] = process.error_message
        if process.omit_links:
            del body["links"]
        if process.omit_entity:
            del body["entityId"]
        return body

    @staticmethod
    def _base(request: Request) -> str:
        return f"{request.url.scheme}://{request.url.netloc}"

    # The token endpoint

    async def token(self, request: Request) -> Response:
        """``POST /token``: Basic auth, ``grant_type=client_credentials`` in the body (never the query)."""
        if "client_secret" in request.query_params or "grant_type" in request.query_params:
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        auth = request.headers.get("authorization", "")
        try:
            client_id, _, secret = base64.b64decode(auth[6:], validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            client_id = secret = ""
        if not auth.lower().startswith("basic "):
            client_id = secret = ""
        form = parse_qs((await request.body()).decode("latin-1"))
        if form.get("grant_type") != ["client_credentials"]:
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        known = {c.client_id: c for c in self.state.scenario.clients}
        found = known.get(client_id)
        if found is None or found.secret != secret:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if not found.active:
            return JSONResponse(
                {
                    "title": "Forbidden",
                    "status": 403,
                    "detail": "Account is not active, access denied. "
                    "Please contact partnerservice if this is unexpected.",
                },
                status_code=403,
            )
        quirk = self.config.token_quirk
        ttl = 0 if quirk == "expires-immediately" else self.config.token_ttl
        access = self.state.issue_token(client_id, ttl)
        return JSONResponse(
            {
                "access_token": "" if quirk == "empty-token" else access,
                "expires_in": int(ttl) if float(ttl).is_integer() else ttl,
                "scope": self.config.token_scope,
                "token_type": "Unexpected" if quirk == "unexpected-bearer" else "Bearer",
            }
        )

    # The API

    async def cancel(self, request: Request, client: str) -> Response:
        """``PUT /retailer/orders/cancellation``: 202 PENDING for any valid body; rules resolve later."""
        self.state.counts.cancel_requests += 1
        instance = f"{self._base(request)}/retailer/orders/cancellation"
        entry: dict[str, Any] = {
            "at": self._clock(),
            "order_item_id": "",
            "reason": "",
            "effect": None,
            "process_id": None,
        }
        try:
            data = await self._json(request)
            item_id, reason = _cancellation(data, instance)
        except Answer as answer:
            self.state.record(**entry, http_status=answer.response.status_code, outcome="bad-request")
            raise
        process, effect = self.state.accept(item_id, reason, self._clock())
        drop = self.config.drop_rate and self._rng.random() < self.config.drop_rate
        self.state.record(
            **{**entry, "order_item_id": item_id, "reason": reason, "effect": effect, "process_id": process.id},
            http_status=202,
            outcome="dropped" if drop else "accepted",
        )
        body = json.dumps(self._status_json(process, "PENDING", self._base(request))).encode()
        if drop:
            return Dropping(body, status_code=202, media_type=JSON_TYPE)
        return Response(body, status_code=202, media_type=JSON_TYPE)

    async def status(self, request: Request, client: str) -> Response:
        """``GET /shared/process-status/{id}``: 404 once bol no longer keeps it."""
        self.state.counts.status_requests += 1
        found = self.state.read(request.path_params["id"])
        if found is None:
            raise problem(
                404,
                "Not Found",
                "Not Found",
                type="https://api.bol.com/problems",
                instance=str(request.url),
            )
        return JSONResponse(self._status_json(*found, self._base(request)), media_type=JSON_TYPE)

    async def bulk_status(self, request: Request, client: str) -> Response:
        """``POST /shared/process-status``: 1 to 1,000 ids; the ones bol no longer keeps are left out."""
        self.state.counts.bulk_status_requests += 1
        data = await self._json(request)
        queries = data.get("processStatusQueries") if isinstance(data, dict) else None
        instance = f"{self._base(request)}/shared/process-status"
        if not isinstance(queries, list) or not 1 <= len(queries) <= 1000:
            raise invalid_body(instance, ("processStatusQueries", "Collection size must be between 1 and 1000."))
        ids = [q.get("processStatusId") for q in queries if isinstance(q, dict)]
        if len(ids) != len(queries) or not all(isinstance(i, str) and i for i in ids):
            raise invalid_body(instance, ("processStatusQueries[].processStatusId", "must not be blank"))
        self.state.counts.bulk_status_ids += len(ids)
        found = [self._status_json(*hit, self._base(request)) for i in ids if (hit := self.state.read(str(i)))]
        return JSONResponse({"processStatuses": found}, media_type=JSON_TYPE)

    async def entity_status(self, request: Request, client: str) -> Response:
        """``GET /shared/process-status?entity-id=&event-type=&page=``: the processes bol still keeps for
        one entity, newest first, 50 a page; both parameters required (400 otherwise, as the spec says)."""
        self.state.counts.entity_status_requests += 1
        params = request.query_params
        entity, event, page = params.get("entity-id", ""), params.get("event-type", ""), params.get("page", "1")
        violations = []
        if not entity:
            violations.append(("entity-id", "must not be blank"))
        if event not in EVENT_TYPES:
            violations.append(("process-status-event-type", f"Request contains invalid value(s): '{event}'."))
        if not page.isdigit() or int(page) < 1:
            violations.append(("page", "must be greater than or equal to 1"))
        if violations:
            raise problem(
                400,
                "Error validating request. Consult the bol.com API documentation for more information.",
                "Bad request",
                type="https://api.bol.com/problems",
                instance=str(request.url),
                violations=[{"name": name, "reason": reason} for name, reason in violations],
            )
        found = self.state.of_entity(entity) if event == "CANCEL_ORDER" else []
        start = (int(page) - 1) * PAGE_SIZE
        base = self._base(request)
        body = [self._status_json(*hit, base) for hit in found[start : start + PAGE_SIZE]]
        return JSONResponse({"processStatuses": body}, media_type=JSON_TYPE)

    async def orders(self, request: Request, client: str) -> Response:
        """``GET /retailer/orders``: 50 orders a page, newest first; ``{}`` past the last page."""
        self.state.counts.orders_requests += 1
        params = request.query_params
        page = int(params["page"]) if params.get("page", "").isdigit() else 1
        method = params.get("fulfilment-method", "ALL").upper()
        wanted = params.get("status", "OPEN").upper()  # bol's default is not documented: OPEN here
        states = {"OPEN": {"open"}, "SHIPPED": {"shipped"}, "ALL": {"open", "shipped"}}.get(wanted, {"open"})
        with self.state.lock:
            items = sorted(
                (
                    i
                    for i in self.state.scenario.items.values()
                    if i.state in states and (method == "ALL" or i.fulfilment == method)
                ),
                key=lambda i: (i.placed, i.order_id, i.id),
                reverse=True,
            )
            orders = [(oid, list(group)) for oid, group in groupby(items, key=lambda i: i.order_id)]
        chosen = orders[(page - 1) * PAGE_SIZE : page * PAGE_SIZE] if page >= 1 else []
        if not chosen:
            return JSONResponse({}, media_type=JSON_TYPE)  # bol's answer for a page past the end
        body = {
            "orders": [
                {
                    "orderId": oid,
                    "orderPlacedDateTime": group[0].placed,
                    "orderItems": [
                        {
                            "orderItemId": i.id,
                            "ean": i.ean,
                            "fulfilmentMethod": i.fulfilment,
                            "fulfilmentStatus": "OPEN" if i.state == "open" else "HANDLED",
                            "quantity": i.quantity,
                            "quantityShipped": i.shipped,
                            "quantityCancelled": i.cancelled,
                            "cancellationRequest": i.cancel_request,
                            "latestChangedDateTime": i.placed,
                        }
                        for i in group
                    ],
                }
                for oid, group in chosen
            ]
        }
        return JSONResponse(body, media_type=JSON_TYPE)

    async def performance(self, request: Request, client: str) -> Response:
        """``GET /retailer/insights/performance/indicator``: the scenario's numbers per week (insights.py)."""
        self.state.counts.indicator_requests += 1
        if self.config.indicator_status != 200:
            raise problem(self.config.indicator_status, "Simulated indicator failure")
        params = dict(request.query_params)
        if found := insights.violations(params):
            raise invalid_body(str(request.url), *found)
        return JSONResponse(insights.indicator(self.state.scenario, params), media_type=JSON_TYPE)

    async def order(self, request: Request, client: str) -> Response:
        """``GET /retailer/orders/{order-id}``: the ``Order`` with every item's fulfilment, or a 404 Problem."""
        self.state.counts.order_requests += 1
        order_id = request.path_params["order_id"]
        with self.state.lock:
            items = [i for i in self.state.scenario.items.values() if i.order_id == order_id and i.state != "unknown"]
        if not items:
            raise problem(
                404, "Not Found", f"Order {order_id} not found.", type="https://api.bol.com/problems",
                instance=str(request.url),
            )  # fmt: skip
        return JSONResponse(order_json(order_id, items), media_type=JSON_TYPE)

    # bol's demo environment: static answers whatever is asked (docs/bol-apis.md)

    async def demo_cancel(self, request: Request, client: str) -> Response:
        """Always processStatusId "1", PENDING (bol's demo)."""
        _cancellation(await self._json(request), f"{self._base(request)}/retailer-demo/orders/cancellation")
        body = _demo_status("1")
        body["eventType"], body["description"] = "CANCEL_ORDER", "This is a mocked process status."
        return JSONResponse(body, status_code=202, media_type=JSON_TYPE)

    async def demo_status(self, request: Request, client: str) -> Response:
        """The mocked statuses 1 (PENDING), 2 (SUCCESS), 3 (TIMEOUT), 4 (FAILURE)."""
        ps_id = request.path_params["id"]
        if ps_id not in {"1", "2", "3", "4"}:
            raise problem(404, "Not Found", "Not Found", type="https://api.bol.com/problems", instance=str(request.url))
        return JSONResponse(_demo_status(ps_id), media_type=JSON_TYPE)

    async def demo_bulk_status(self, request: Request, client: str) -> Response:
        """The mocked statuses among the ids asked for."""
        data = await self._json(request)
        queries = data.get("processStatusQueries", []) if isinstance(data, dict) else []
        ids = [q.get("processStatusId") for q in queries if isinstance(q, dict)]
        return JSONResponse(
            {"processStatuses": [_demo_status(i) for i in ids if i in {"1", "2", "3", "4"}]}, media_type=JSON_TYPE
        )

    async def demo_entity_status(self, request: Request, client: str) -> Response:
        """No mocked process belongs to an entity the demo is asked about: an empty list."""
        return JSONResponse({"processStatuses": []}, media_type=JSON_TYPE)

    async def demo_orders(self, request: Request, client: str) -> Response:
        """Two static orders on page 1, ``{}`` after."""
        if request.query_params.get("page", "1") != "1":
            return JSONResponse({}, media_type=JSON_TYPE)
        items = [("7616222250", "6107434013", False), ("7616222700", "6107331383", True)]
        body = {
            "orders": [
                {
                    "orderId": order_id,
                    "orderPlacedDateTime": "2021-04-08T15:52:55+02:00",
                    "orderItems": [
                        {
                            "orderItemId": item_id,
                            "ean": "8712626055143",
                            "fulfilmentMethod": "FBR",
                            "fulfilmentStatus": "OPEN",
                            "quantity": 1,
                            "quantityShipped": 0,
                            "quantityCancelled": 0,
                            "cancellationRequest": requested,
                            "latestChangedDateTime": "2021-04-08T15:52:55+02:00",
                        }
                    ],
                }
                for order_id, item_id, requested in items
            ]
        }
        return JSONResponse(body, media_type=JSON_TYPE)

    async def demo_order(self, request: Request, client: str) -> Response:
        """The two static demo orders; any other id is 404."""
        order_id = request.path_params["order_id"]
        items = {"7616222250": ("6107434013", False), "7616222700": ("6107331383", True)}
        if order_id not in items:
            raise problem(404, "Not Found", "Not Found", type="https://api.bol.com/problems", instance=str(request.url))
        item_id, requested = items[order_id]
        demo = ScenarioItem(
            id=item_id, order_id=order_id, cancel_request=requested, ean="8712626055143",
            title="Star Wars - Rogue One (Blu-ray)", placed="2021-04-08T15:52:55+02:00",
        )  # fmt: skip
        return JSONResponse(order_json(order_id, [demo]), media_type=JSON_TYPE)

    # Views for tests

    async def ledger_view(self, request: Request) -> Response:
        """The ledger and counters as JSON."""
        counts = self.state.counts
        return JSONResponse(
            {
                "ledger": [{**asdict(e), "at": e.at.isoformat()} for e in self.state.ledger],
                "counts": {**asdict(counts), "rate_limited": dict(counts.rate_limited)},
                "max_in_flight": self.state.max_in_flight,
                "requests": self.state.requests,
                "busy_seconds": (self.state.last_answer or 0) - (self.state.first_request or 0),
            }
        )

    async def reset_view(self, request: Request) -> Response:
        """Forget the ledger and counters."""
        self.state.reset_timing()
        return JSONResponse({})


def _group(request: Request) -> str:
    path = request.url.path
    if path.endswith("/orders/cancellation"):
        return "cancellation"
    if "/process-status" in path:
        return "process-status-bulk" if request.method == "POST" else "process-status"
    if "/insights/" in path:
        return "insights"
    if path.rstrip("/").endswith("/orders"):
        return "orders"
    return "order"  # GET /retailer/orders/{order-id}: a budget of its own


def order_json(order_id: str, items: list[ScenarioItem]) -> dict[str, Any]:
    """bol's ``Order``: what the list has, plus each item's ``fulfilment``, ``product`` and prices."""
    return {
        "orderId": order_id,
        "pickupPoint": False,
        "orderPlacedDateTime": items[0].placed,
        "shipmentDetails": {"salutation": "UNKNOWN", "firstName": "Demo", "surname": "Klant", "countryCode": "NL"},
        "billingDetails": {"salutation": "UNKNOWN", "firstName": "Demo", "surname": "Klant", "countryCode": "NL"},
        "orderItems": [_order_item_json(item) for item in items],
    }


def _order_item_json(item: ScenarioItem) -> dict[str, Any]:
    fulfilment: dict[str, Any] = {
        "method": item.fulfilment,
        "distributionParty": item.distribution,
        "timeFrameType": "REGULAR",
    }
    if item.exact_delivery:
        fulfilment["exactDeliveryDate"] = item.exact_delivery
    elif item.latest_delivery:
        fulfilment["latestDeliveryDate"] = item.latest_delivery
    if item.expiry:
        fulfilment["expiryDate"] = item.expiry
    return {
        "orderItemId": item.id,
        "cancellationRequest": item.cancel_request,
        "fulfilment": fulfilment,
        "offer": {"offerId": f"offer-{item.ean}", "reference": ""},
        "product": {"ean": item.ean, "title": item.title},
        "quantity": item.quantity,
        "quantityShipped": item.shipped,
        "quantityCancelled": item.cancelled,
        "unitPrice": 19.95,
        "totalPrice": round(19.95 * item.quantity, 2),
        "discounts": [],
        "commission": 2.1,
        "latestChangedDateTime": item.placed,
    }


def _cancellation(data: Any, instance: str) -> tuple[str, str]:
    """(orderItemId, reasonCode) of a valid CancellationRequest, else bol's 400 with its violations."""
    items = data.get("orderItems") if isinstance(data, dict) else None
    if not isinstance(items, list) or len(items) != 1:
        raise invalid_body(instance, ("orderItems", "Collection size must be between 1 and 1."))
    item = items[0]
    if not isinstance(item, dict):
        raise invalid_body(instance, ("orderItems[0]", "must be an object"))
    item_id, reason = item.get("orderItemId"), item.get("reasonCode")
    violations = []
    if not isinstance(item_id, str) or not item_id:
        violations.append(("orderItems[0].orderItemId", "must not be blank"))
    if reason not in {code.value for code in ReasonCode}:
        violations.append(
            ("orderItems[0].reasonCode", f"Request contains invalid value(s): '{reason}', allowed values: {REASONS}.")
        )
    if violations:
        raise invalid_body(instance, *violations)
    return str(item_id), str(reason)


def _demo_status(ps_id: str) -> dict[str, Any]:
    status, entity, event = {
        "1": ("PENDING", "555551", "CREATE_SHIPMENT"),
        "2": ("SUCCESS", "555552", "CREATE_SHIPMENT"),
        "3": ("TIMEOUT", "555553", "CREATE_INBOUND"),
        "4": ("FAILURE", "555554", "CHANGE_TRANSPORT"),
    }[ps_id]
    body: dict[str, Any] = {
        "processStatusId": ps_id,
        "entityId": entity,
        "eventType": event,
        "description": "This is a mocked process status.",
        "status": status,
        "createTimestamp": "2025-08-06T14:08:30.691614431+02:00",
        "links": [{"rel": "self", "href": f"https://api.bol.com/shared-demo/process-status/{ps_id}", "method": "GET"}],
    }
    if status == "FAILURE":
        body["errorMessage"] = "This is a mocked error message."
    return body
