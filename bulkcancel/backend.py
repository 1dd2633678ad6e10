"""What every bol API backend gives the pipeline: the calls and the typed answers.

Plaza v2 (``plaza/``) is one backend; the Retailer API v10 (``retailer/``) the other. The sender,
the pre-flight and the simulator-backed demo speak only these types, so a new backend is
a client that returns them (see docs/architecture.md). HTTP status is data: a 409, 401 or
503 comes back as a ``Reply``; only the network failing raises ``NetworkError``.

**bol's own failure text** is read here and nowhere else: for three answers bol gives no code
a program could rely on, only words (an item "already cancelled", a token that "expired", and
Plaza's error code written inside its message as ``PAI-41501``). ``says_already_cancelled``,
``says_token_expired`` and ``code_in_message`` are the only decisions bulkcancel takes on a text;
every other one is taken on a value (an enum, a status, a code).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from bulkcancel.errors import BulkCancelError
from bulkcancel.i18n import Text
from bulkcancel.norm.standing import NotKnown, Standing, Week
from bulkcancel.reasons import ReasonCode


class ProcessState(StrEnum):
    """The status of an asynchronous bol process (a cancellation)."""

    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    TIMEOUT = "TIMEOUT"

    @property
    def is_final(self) -> bool:
        """Whether bol will not change this status any more."""
        return self is not ProcessState.PENDING


@dataclass(frozen=True)
class Link:
    """A link of a process status (``rel``, ``href``, ``method``)."""

    rel: str
    href: str
    method: str


@dataclass(frozen=True)
class ProcessStatus:
    """bol's answer to an asynchronous request such as a cancellation."""

    id: str
    seller_id: str
    entity_id: str
    event_type: str
    description: str
    status: ProcessState
    error_message: str | None = None
    create_timestamp: str | None = None
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class ApiError:
    """An error reply: HTTP status, bol's code (when it gave one) and its message."""

    http_status: int
    code: str | None
    message: str

    @property
    def is_rate_limit(self) -> bool:
        """HTTP 409 with code 41501: Plaza's 'too many requests'."""
        return self.http_status == 409 and "41501" in (self.code, code_in_message(self.message))


_ALREADY_CANCELLED = re.compile(r"already\s+(been\s+)?cancel", re.IGNORECASE)
_PLAZA_CODE = re.compile(r"PAI-(\d+)")


def says_already_cancelled(message: str) -> bool:
    """Whether bol's failure text says the item was cancelled already (by us or anyone)."""
    return bool(_ALREADY_CANCELLED.search(message))


def says_token_expired(error: ApiError) -> bool:
    """A 401 whose text says the token ran out ("Expired JWT"), not that the credentials are bad."""
    text = error.message.lower()
    return error.http_status == 401 and (("expired" in text and "jwt" in text) or "token expired" in text)


def code_in_message(message: str) -> str | None:
    """Plaza's error code where it is only written in the message (``... [PAI-41501] ...``)."""
    found = _PLAZA_CODE.search(message)
    return found.group(1) if found else None


class DistributionParty(StrEnum):
    """Who delivers an order item: the seller, or bol (v10's ``fulfilment.distributionParty``)."""

    RETAILER = "RETAILER"
    BOL = "BOL"


@dataclass(frozen=True)
class OpenOrderItem:
    """One item of an open order, as bol's order listing (and, for v10, the order's detail) shows it.

    The Retailer API's list has no title and no dates: those fields are empty until the
    item is read from ``order_detail``. Plaza's list carries the title and the latest
    delivery date, but no expiry and no distribution party.
    """

    order_id: str
    order_item_id: str
    ean: str
    title: str
    quantity: int
    cancel_request: bool
    fulfilment_method: str
    date_time_customer: str
    quantity_shipped: int = 0
    quantity_cancelled: int = 0
    latest_delivery_date: date | None = None
    exact_delivery_date: date | None = None  # when the customer chose the day (then there is no latest)
    expiry_date: date | None = None  # bol cancels the item itself on this day
    distribution_party: DistributionParty | None = None  # None: the answer did not say

    @property
    def open_quantity(self) -> int:
        """Units neither shipped nor cancelled."""
        return max(self.quantity - self.quantity_shipped - self.quantity_cancelled, 0)

    @property
    def promised_delivery(self) -> date | None:
        """The date promised to the customer: the exact one when chosen, else the latest."""
        return self.exact_delivery_date or self.latest_delivery_date


class Foreign(StrEnum):
    """Why an answer is not one bol gives (a proxy's login page, a captive portal, a stray server)."""

    EMPTY = "empty"  # no body: bol's answers always have one
    HTML = "html"  # an HTML page (a login page, a proxy's error page)
    DOCTYPE = "doctype"  # a document type declaration: bol's JSON and XML never have one
    TOO_LARGE = "too-large"  # larger than any answer bol gives to this request
    MEDIA_TYPE = "media-type"  # not bol's media type
    SHAPE = "shape"  # bol's media type, but not a document bol sends for this request


@dataclass(frozen=True)
class NotBol:
    """An HTTP answer that did not come from bol: why, and what it was (for the one line a person reads)."""

    why: Foreign
    http_status: int
    media_type: str  # the Content-Type it came with, without parameters ("" when none)
    size: int  # bytes read (at most the client's cap plus one)
    origin: str = ""  # who answered, when it is not where the run's requests go (the token endpoint)


LONGEST_WAIT = 300.0  # seconds: a 429 asking for a longer wait ends the run's use of that endpoint


class WaitTooLong(BulkCancelError):
    """bol's rate limit (a 429's Retry-After, or a spent budget's reset) allows the next request to
    an endpoint only after ``LONGEST_WAIT``: raised, before anything is sent, to every request that
    would wait."""

    def __init__(self, endpoint: str, seconds: float) -> None:
        super().__init__(
            Text(
                "bol's rate limit allows the next request ({endpoint}) in {seconds} s, longer than bulkcancel "
                "waits; run again after that",
                seconds=f"{seconds:.0f}",
                endpoint=endpoint,
            )
        )
        self.endpoint, self.seconds = endpoint, seconds


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
    error: ApiError | None = None
    retry_after: float | None = None  # seconds the server asked us to wait (Retry-After)
    not_bol: NotBol | None = None  # set (with ``error``) when the answer is not one bol gives


@dataclass(frozen=True)
class StatusesReply:
    """The answer to a status query for several processes: what bol still keeps, by id.

    An id missing from ``statuses`` in a 200 (or a 404 for a single id) is one bol no
    longer keeps; with ``error`` set, nothing is known about any of them.
    """

    http_status: int
    statuses: Mapping[str, ProcessStatus] = field(default_factory=dict)
    error: ApiError | None = None
    retry_after: float | None = None
    not_bol: NotBol | None = None  # set (with ``error``) when the answer is not one bol gives


@dataclass(frozen=True)
class OrdersReply:
    """One page of open orders (or the items of one order), or the error that came instead."""

    http_status: int
    items: tuple[OpenOrderItem, ...] = ()
    error: ApiError | None = None
    not_bol: NotBol | None = None  # set (with ``error``) when the answer is not one bol gives


class CancellationBackend(Protocol):
    """What the pipeline needs from a bol API."""

    async def cancel(self, order_item_id: str, reason: ReasonCode, when: datetime) -> Reply: ...

    async def process_status(self, process_status_id: str) -> Reply: ...

    async def process_statuses(self, process_status_ids: Sequence[str]) -> StatusesReply:
        """The status of up to ``status_batch`` processes in one request."""
        ...

    @property
    def status_batch(self) -> int:
        """How many process ids one status request can carry (Plaza 1, Retailer API 1,000)."""
        ...

    @property
    def fulfilment_methods(self) -> tuple[str, ...]:
        """The ``fulfilment-method`` values that list every open order between them."""
        ...

    @property
    def rate_limited(self) -> int:
        """How many answers so far were 429 Too Many Requests (bol watches for too many)."""
        ...

    @property
    def takes_timestamp(self) -> bool:
        """Whether a cancellation carries the sheet's DateTime (Plaza yes, Retailer API v10 no)."""
        ...

    async def open_orders(self, page: int, fulfilment_method: str) -> OrdersReply: ...

    async def cancellation_standing(self, week: Week) -> Standing | NotKnown:
        """The week's standing against bol's cancellation norm, or why it is not known (never raises)."""
        ...

    @property
    def orders_page_size(self) -> int:
        """How many orders a full page of ``open_orders`` holds (Plaza 25, Retailer API 50)."""
        ...

    @property
    def lists_delivery_dates(self) -> bool:
        """Whether ``open_orders`` gives the promised dates (Plaza) or only ``order_detail`` does (v10)."""
        ...

    async def order_detail(self, order_id: str) -> OrdersReply:
        """Every item of one order with what the list leaves out (dates, title, distribution party)."""
        ...

    async def probe(self, order_item_id: str) -> Reply:
        """One cheap authenticated request about the first row's item: is bol there (``not_bol``
        None), and does it take our keys (not a 401)?"""
        ...

    @property
    def looks_up(self) -> bool:
        """Whether ``cancellations_of`` can ask bol if a cancellation reached it (Retailer yes, Plaza no)."""
        ...

    async def cancellations_of(self, order_item_id: str) -> StatusesReply:
        """bol's cancellation processes for one order item, newest first (only when ``looks_up``)."""
        ...

    @property
    def origin(self) -> str:
        """Where the requests go (scheme, host and port; never credentials), for messages."""
        ...

    async def aclose(self) -> None: ...
