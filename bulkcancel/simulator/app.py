"""The Plaza v2 simulator as a Starlette application (served by uvicorn, or in-process over ASGI).

Auth, rate limits, body validation and answers follow docs/bol-apis.md, "Plaza API v2".
bol documents no Plaza v2 error code for malformed XML or an invalid value, so the
simulator answers 41201 for a missing required tag (a wrong namespace leaves every tag
missing) and 41100 with the schema validator's message for everything else, as bol's
Offer API did. Faults are drawn from a seeded random source so a run can be repeated.
"""

from __future__ import annotations

import hmac
import json
import logging
import random
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import resources
from itertools import groupby
from typing import Any

from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bulkcancel.plaza.documents import PLAZA_NS
from bulkcancel.plaza.signing import parse_http_date, signature
from bulkcancel.safexml import XMLRejected, local_name, parse_xml
from bulkcancel.simulator import xmlout
from bulkcancel.simulator.asgi import Dropping, Simulated
from bulkcancel.simulator.scenario import Scenario, Seller, SimulatorConfig
from bulkcancel.simulator.state import SimulatorState

_ORDERS = "/services/rest/orders/v2"
_MAX_BODY = 64 * 1024
logger = logging.getLogger(__name__)
_PAGE_SIZE = 25


_Result = tuple[int, bytes, str, bool]  # status, body, content type, whether to cut the connection


def _schema() -> etree.XMLSchema:
    source = resources.files("bulkcancel.simulator").joinpath("plazaapi-v2.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(source))


class _Answer(Exception):
    """Short-circuits a handler with an HTTP answer."""

    def __init__(self, status: int, body: bytes) -> None:
        self.status = status
        self.body = body


def _error(status: int, code: str, detail: str = "") -> _Answer:
    return _Answer(status, xmlout.error_body(code, detail))


class PlazaSimulator(Simulated[SimulatorState]):
    """A Plaza API v2 look-alike; ``state`` holds the ledger tests read."""

    def __init__(
        self,
        scenario: Scenario | None = None,
        config: SimulatorConfig | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config or SimulatorConfig()
        self.latency_ms = self.config.latency_ms
        self.state = SimulatorState(scenario or Scenario(), self.config)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._rng = random.Random(self.config.seed)
        self._schema = _schema()
        self.app = Starlette(routes=self._routes())

    # Plumbing: Starlette routes (as the Retailer simulator and the upload page)

    def _routes(self) -> list[Route]:
        cancel = self._endpoint(lambda r, h, b, base: self._cancel(r.path_params["id"], h, b, base))
        status = self._endpoint(self._status_route)
        orders = self._endpoint(self._orders_route)
        return [
            Route("/services/rest/order-items/v2/{id}/cancellation", cancel, methods=["PUT"]),
            Route("/services/rest/process-status/v2/{id}", status, methods=["GET"]),
            Route(_ORDERS, orders, methods=["GET"]),
            Route(_ORDERS + "/", orders, methods=["GET"]),
            Route(_ORDERS + "/{order_id}", self._endpoint(self._order_route), methods=["GET"]),
            Route("/_simulator/{what}", self._endpoint(lambda r, h, b, base: self._introspect(r.url.path))),
        ]

    def _endpoint(self, handler: Callable[[Request, dict[str, str], bytes, str], _Result]) -> Callable[[Request], Any]:
        """A route that reads the body (capped), runs ``handler`` and answers as bol would."""

        async def endpoint(request: Request) -> Response:
            body = await request.body()
            if len(body) > _MAX_BODY:
                body = b"\x00" * (_MAX_BODY + 1)  # refused by the XML parser as too long
            headers = {k.lower(): v for k, v in request.headers.items()}
            base = f"{request.url.scheme}://{headers.get('host', 'localhost')}"
            drop = False
            try:
                status, payload, content_type, drop = handler(request, headers, body, base)
            except _Answer as answer:
                status, payload, content_type = answer.status, answer.body, "application/xml"
            except Exception:  # a bug here must look like bol's generic error, not kill the server
                logger.exception("simulator error")
                status, payload, content_type = 500, xmlout.error_body("41000"), "application/xml"
            if drop:
                return Dropping(payload, status_code=status, media_type=content_type)
            return Response(payload, status_code=status, media_type=content_type)

        return endpoint

    def _status_route(self, request: Request, headers: dict[str, str], body: bytes, base: str) -> _Result:
        seller = self._authenticate("GET", request.url.path, headers)
        self._limit(seller, "status", self.config.status_per_hour, 3600)
        return self._status(request.path_params["id"], base)

    def _orders_route(self, request: Request, headers: dict[str, str], body: bytes, base: str) -> _Result:
        seller = self._authenticate("GET", request.url.path, headers)
        self._limit(seller, "orders", self.config.orders_per_hour, 3600)
        return self._orders(request.url.query)

    def _order_route(self, request: Request, headers: dict[str, str], body: bytes, base: str) -> _Result:
        """One open order (an empty ``Orders`` when it has no open item)."""
        seller = self._authenticate("GET", request.url.path, headers)
        self._limit(seller, "orders", self.config.orders_per_hour, 3600)
        order_id = request.path_params["order_id"]
        with self.state.lock:
            items = [i for i in self.state.scenario.items.values() if i.order_id == order_id and i.state == "open"]
        return 200, xmlout.orders_body([(order_id, items)] if items else []), "application/xml", False

    # The rules

    def _authenticate(self, method: str, path: str, headers: dict[str, str]) -> Seller:
        date, auth = headers.get("x-bol-date"), headers.get("x-bol-authorization")
        if not date or not auth or ":" not in auth:
            raise _error(401, "41102")
        sent = parse_http_date(date)
        if sent is None or abs((self._clock() - sent).total_seconds()) > self.config.max_skew_seconds:
            raise _error(401, "41102")
        public, given = auth.split(":", 1)
        seller = next((s for s in self.state.scenario.sellers if s.public == public), None)
        if seller is None:
            raise _error(401, "41101")
        expected = signature(seller.private, method, headers.get("content-type", ""), date, path)
        if not hmac.compare_digest(expected.encode(), given.encode()):
            raise _error(401, "41103")
        if not seller.active:
            raise _error(401, "41104")
        return seller

    def _limit(self, seller: Seller, endpoint: str, limit: int, window: float) -> None:
        now = self._clock().timestamp()
        if not self.state.take_rate(seller.public, endpoint, limit, window, now):
            raise _error(409, "41501")

    def _check_cancellation(self, body: bytes) -> tuple[str, str]:
        try:
            root = parse_xml(body, max_bytes=_MAX_BODY)
        except XMLRejected as exc:
            raise _error(400, "41100", exc.reason) from None
        if local_name(root) != "Cancellation" or etree.QName(root).namespace != PLAZA_NS:
            raise _error(400, "41201", f"Cancellation in namespace {PLAZA_NS}")
        for tag in ("DateTime", "ReasonCode"):
            if root.find(f"{{{PLAZA_NS}}}{tag}") is None:
                raise _error(400, "41201", tag)
        if not self._schema.validate(root):
            errors = [entry for entry in self._schema.error_log]  # type: ignore[attr-defined]
            raise _error(400, "41100", errors[-1].message if errors else "invalid Cancellation")
        when = root.findtext(f"{{{PLAZA_NS}}}DateTime") or ""
        return when, root.findtext(f"{{{PLAZA_NS}}}ReasonCode") or ""

    def _cancel(self, item_id: str, headers: dict[str, str], body: bytes, base: str) -> tuple[int, bytes, str, bool]:
        entry: dict[str, Any] = {
            "at": self._clock(),
            "order_item_id": item_id,
            "reason": "",
            "date_time": "",
            "effect": None,
            "process_id": None,
        }
        try:
            seller = self._authenticate("PUT", f"/services/rest/order-items/v2/{item_id}/cancellation", headers)
            self._limit(seller, "cancel", self.config.daily_limit, self.config.window_seconds)
            if self._rng.random() < self.config.fail_rate:
                status = self._rng.choice((500, 503))
                raise _error(status, "41000")
            entry["date_time"], entry["reason"] = self._check_cancellation(body)
        except _Answer as answer:
            outcome = {400: "bad-request", 401: "unauthorized", 409: "rate-limited"}
            self.state.record(
                {
                    **entry,
                    "http_status": answer.status,
                    "outcome": outcome.get(answer.status, "fault"),
                }
            )
            raise
        process, effect = self.state.accept(item_id, seller.seller_id, self._clock())
        drop = self._rng.random() < self.config.drop_rate
        self.state.record(
            {
                **entry,
                "http_status": 200,
                "effect": effect,
                "process_id": process.id,
                "outcome": "dropped" if drop else "accepted",
            }
        )
        payload = xmlout.process_status_body(
            process_id=process.id,
            seller_id=process.seller_id,
            entity_id=item_id,
            status="PENDING",
            created=process.created,
            base_url=base,
        )
        return 200, payload, "application/xml", drop

    def _status(self, raw_id: str, base: str) -> tuple[int, bytes, str, bool]:
        found = self.state.poll(int(raw_id), self._clock()) if raw_id.isdigit() else None
        if found is None:
            raise _error(404, "41301", raw_id)
        process, status = found
        payload = xmlout.process_status_body(
            process_id=process.id,
            seller_id=process.seller_id,
            entity_id=process.entity_id,
            status=status,
            created=process.created,
            base_url=base,
            error_message=process.error_message if status == "FAILURE" else None,
        )
        return 200, payload, "application/xml", False

    def _orders(self, query: str) -> tuple[int, bytes, str, bool]:
        params = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
        raw_page = params.get("page", "1")
        page = int(raw_page) if raw_page.isdigit() else 1
        method = params.get("fulfilment-method", "FBR").upper()
        with self.state.lock:
            open_items = sorted(
                (i for i in self.state.scenario.items.values() if i.state == "open" and i.fulfilment == method),
                key=lambda i: (i.placed, i.order_id, i.id),
                reverse=True,
            )
            orders = [(oid, list(items)) for oid, items in groupby(open_items, key=lambda i: i.order_id)]
        chosen = orders[(page - 1) * _PAGE_SIZE : page * _PAGE_SIZE] if page >= 1 else []
        return 200, xmlout.orders_body(chosen), "application/xml", False

    def _introspect(self, path: str) -> tuple[int, bytes, str, bool]:
        if path == "/_simulator/reset":
            self.state.reset_timing()
            return 200, b"{}", "application/json", False
        if path == "/_simulator/ledger":
            data = [{**asdict(e), "at": e.at.isoformat()} for e in self.state.ledger]
            body = json.dumps(
                {
                    "ledger": data,
                    "status_polls": self.state.status_polls,
                    "max_in_flight": self.state.max_in_flight,
                    "requests": self.state.requests,
                    "busy_seconds": (self.state.last_answer or 0) - (self.state.first_request or 0),
                }
            )
            return 200, body.encode(), "application/json", False
        raise _Answer(404, b"")
