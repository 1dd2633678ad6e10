"""Retailer API v10 JSON in and out: the cancellation body, ProcessStatus, Problem, orders, tokens.

Every field bol sends is read as optional (docs/bol-apis.md, "Following a cancellation":
live answers leave out ``links``, ``entityId`` and ``violations`` the spec requires),
ids stay strings (``processStatusId`` is UUID-like since May 2026, and the spec's own
example is not a valid UUID), and a body that is not JSON (an HTML 500 from a proxy) is an
error with its status line, never an exception.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from http import HTTPStatus
from typing import Any

from bulkcancel.backend import (
    ApiError,
    DistributionParty,
    Link,
    OpenOrderItem,
    ProcessState,
    ProcessStatus,
    says_token_expired,
)
from bulkcancel.reasons import ReasonCode

MEDIA_TYPE = "application/vnd.retailer.v10+json"
MAX_JSON_BYTES = 8 * 1024 * 1024  # a bulk status answer for 1,000 ids is about 400 KB


class UnreadableAnswer(ValueError):
    """A 2xx body that is not the JSON bol documents."""


def build_cancellation(order_item_id: str, reason: ReasonCode) -> bytes:
    """The body of ``PUT /retailer/orders/cancellation``: one item (v10's maxItems is 1), no timestamp."""
    return json.dumps({"orderItems": [{"orderItemId": order_item_id, "reasonCode": reason.value}]}).encode()


def build_status_query(ids: list[str]) -> bytes:
    """The body of ``POST /shared/process-status`` (1 to 1,000 ids)."""
    if not 1 <= len(ids) <= 1000:
        raise ValueError("a bulk process-status query takes 1 to 1,000 ids")
    return json.dumps({"processStatusQueries": [{"processStatusId": i} for i in ids]}).encode()


def _json(body: bytes) -> Any:
    if len(body) > MAX_JSON_BYTES:
        raise UnreadableAnswer(f"the answer is larger than {MAX_JSON_BYTES // (1024 * 1024)} MB")
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UnreadableAnswer("the answer is not JSON") from None


def _object(body: bytes) -> dict[str, Any]:
    data = _json(body)
    if not isinstance(data, dict):
        raise UnreadableAnswer("the answer is not a JSON object")
    return data


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def process_status_of(data: Mapping[str, Any]) -> ProcessStatus:
    """One ProcessStatus object; ``processStatusId`` and a known ``status`` are the only musts."""
    ps_id = _text(data, "processStatusId")
    if not ps_id:
        raise UnreadableAnswer("a process status without processStatusId")
    try:
        state = ProcessState(_text(data, "status"))
    except ValueError:
        raise UnreadableAnswer(f"process status {ps_id}: unknown status {data.get('status')!r}") from None
    links = tuple(
        Link(_text(link, "rel"), _text(link, "href"), _text(link, "method") or "GET")
        for link in data.get("links") or ()
        if isinstance(link, dict)
    )
    return ProcessStatus(
        id=ps_id,
        seller_id="",
        entity_id=_text(data, "entityId"),
        event_type=_text(data, "eventType"),
        description=_text(data, "description"),
        status=state,
        error_message=_text(data, "errorMessage") or None,
        create_timestamp=_text(data, "createTimestamp") or None,
        links=links,
    )


def parse_process_status(body: bytes) -> ProcessStatus:
    """A 202 or 200 body holding one ProcessStatus."""
    return process_status_of(_object(body))


def parse_status_list(body: bytes) -> dict[str, ProcessStatus]:
    """A ``ProcessStatusResponse`` by id, in bol's order; ``{}`` (as bol answers an empty list elsewhere) is none."""
    data = _object(body)
    statuses = data.get("processStatuses", [])
    if not isinstance(statuses, list) or not all(isinstance(entry, dict) for entry in statuses):
        raise UnreadableAnswer("processStatuses is not a list of process statuses")
    found = (process_status_of(entry) for entry in statuses)
    return {status.id: status for status in found}


def parse_bulk_statuses(body: bytes) -> dict[str, ProcessStatus]:
    """The answer to a bulk query by id; ids bol no longer keeps are simply absent."""
    return parse_status_list(body)


PROBLEM_KEYS = frozenset({"type", "title", "detail", "violations"})  # what says what went wrong
OAUTH_KEYS = frozenset({"error", "error_description", "error_uri"})  # RFC 6749 5.2: the token endpoint's errors


def is_problem(body: bytes) -> bool:
    """Whether ``body`` is a bol Problem or an OAuth error (docs/bol-apis.md, "Only bol is bol").

    A Problem's fields are all optional in live answers, but every one bol was seen to send
    says what went wrong (``title``, ``detail``, ``type`` or ``violations``); a ``status``
    alone is what any web framework's error page has too (Spring's ``{"timestamp", "status",
    "error", "path"}``), and taking that for bol's 404 would read "not found" as bol's word
    that an order is gone. An OAuth error has ``error`` and nothing but its own fields."""
    try:
        data = _object(body)
    except UnreadableAnswer:
        return False
    keys = data.keys()
    return bool(PROBLEM_KEYS & keys) or ("error" in keys and keys <= OAUTH_KEYS)


def status_line(http_status: int) -> str:
    """``HTTP 503 Service Unavailable``."""
    try:
        return f"HTTP {http_status} {HTTPStatus(http_status).phrase}"
    except ValueError:
        return f"HTTP {http_status}"


def problem_message(data: Mapping[str, Any]) -> str:
    """What a person reads of a Problem: each violation as ``name: reason``, else detail, else title."""
    violations = [
        f"{_text(v, 'name')}: {_text(v, 'reason')}".strip(": ")
        for v in data.get("violations") or ()
        if isinstance(v, dict)
    ]
    violations = [v for v in violations if v]
    if violations:
        return "; ".join(violations)
    for key in ("detail", "title", "error_description", "error"):
        text = _text(data, key).strip()
        if text and text.lower() != "bad request":
            return text
    return ""


def parse_problem(http_status: int, body: bytes) -> ApiError:
    """A Problem (every field optional), an OAuth error, or any other body: never raises."""
    try:
        data = _object(body)
    except UnreadableAnswer:
        data = {}
    message = problem_message(data) or _text(data, "detail") or status_line(http_status)
    return ApiError(http_status, _text(data, "error") or None, message)


def is_expired_token(error: ApiError) -> bool:
    """A 401 that says the token ran out ("Expired JWT"), not that the credentials are bad (``backend``)."""
    return says_token_expired(error)


def _count(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    try:
        return max(int(value), 0) if value is not None else 0
    except (TypeError, ValueError):
        raise UnreadableAnswer(f"{key} {value!r} is not a whole number") from None


def _date(data: Mapping[str, Any], key: str) -> date | None:
    """An optional ``format: date`` field (``2017-02-10``); a date-time's own day is taken too."""
    text = _text(data, key).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise UnreadableAnswer(f"{key} {text!r} is not a date") from None


def _party(data: Mapping[str, Any]) -> DistributionParty | None:
    text = _text(data, "distributionParty").upper()
    try:
        return DistributionParty(text) if text else None
    except ValueError:
        raise UnreadableAnswer(f"distributionParty {text!r} is neither RETAILER nor BOL") from None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def order_item_of(order: Mapping[str, Any], item: Mapping[str, Any]) -> OpenOrderItem:
    """One item of a ``ReducedOrder`` (the list: flat ``fulfilmentMethod``, no dates) or of an
    ``Order`` (the detail: ``fulfilment {method, distributionParty, ...Date}``, ``product``)."""
    fulfilment = _mapping(item.get("fulfilment"))
    product = _mapping(item.get("product"))
    method = _text(item, "fulfilmentMethod") or _text(fulfilment, "method")
    return OpenOrderItem(
        order_id=_text(order, "orderId"),
        order_item_id=_text(item, "orderItemId"),
        ean=_text(item, "ean") or _text(product, "ean"),
        title=_text(product, "title"),
        quantity=_count(item, "quantity"),
        cancel_request=bool(item.get("cancellationRequest")),
        fulfilment_method=(method or "FBR").upper(),
        date_time_customer=_text(order, "orderPlacedDateTime"),
        quantity_shipped=_count(item, "quantityShipped"),
        quantity_cancelled=_count(item, "quantityCancelled"),
        latest_delivery_date=_date(fulfilment, "latestDeliveryDate"),
        exact_delivery_date=_date(fulfilment, "exactDeliveryDate"),
        expiry_date=_date(fulfilment, "expiryDate"),
        distribution_party=_party(fulfilment),
    )


def _items_of(order: Any) -> list[OpenOrderItem]:
    if not isinstance(order, dict):
        return []
    return [
        order_item_of(order, item)
        for item in order.get("orderItems") or ()
        if isinstance(item, dict) and _text(item, "orderItemId")
    ]


def parse_orders(body: bytes) -> list[OpenOrderItem]:
    """One page of ``GET /retailer/orders``; ``{}`` (bol's answer past the last page) is no items."""
    data = _object(body)
    return [item for order in data.get("orders") or () for item in _items_of(order)]


def parse_order(body: bytes) -> list[OpenOrderItem]:
    """``GET /retailer/orders/{order-id}``: every item of the order, with its dates and title."""
    data = _object(body)
    if not _text(data, "orderId"):
        raise UnreadableAnswer("an order without orderId")
    return _items_of(data)


@dataclass(frozen=True)
class Token:
    """An access token and how many seconds it lives (from ``expires_in``, never assumed)."""

    access_token: str
    expires_in: float

    def __repr__(self) -> str:
        return f"Token(<hidden>, expires_in={self.expires_in})"


def parse_token(body: bytes) -> Token:
    """A 200 from the token endpoint; ``UnreadableAnswer`` says what is wrong with it."""
    data = _object(body)
    token = _text(data, "access_token")
    if not token:
        raise UnreadableAnswer("the token endpoint gave no access_token")
    kind = _text(data, "token_type")
    if kind and kind.lower() != "bearer":
        raise UnreadableAnswer(f"the token endpoint gave a {kind!r} token, not a bearer token")
    try:
        expires_in = float(data["expires_in"])
    except (KeyError, TypeError, ValueError):
        raise UnreadableAnswer("the token endpoint did not say when the token expires (expires_in)") from None
    if expires_in <= 0:
        # A token per request would follow, and bol blocks the IP address for that.
        raise UnreadableAnswer(f"the token endpoint gave a token that expires at once (expires_in {expires_in:g})")
    return Token(token, expires_in)
