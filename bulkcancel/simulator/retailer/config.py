"""The Retailer simulator's switches: token lifetime, limits, settling, quirks and faults.

What bol does not publish is a switch here, with our reading as its default
(docs/bol-apis.md, "Retailer API v10"; how sure, in brackets): the limit on cancellations
[NOT FOUND; 25 a second like shipments], the texts of a failed cancellation [NOT FOUND],
whether ``REQUESTED_BY_CUSTOMER`` without a customer request fails [INFERRED], what a
429 says about when to come back, and how often live answers leave out ``links`` and
``entityId``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bulkcancel.errors import ConfigError


@dataclass(frozen=True)
class Limit:
    """A token bucket: ``capacity`` requests, refilled evenly over ``seconds``."""

    capacity: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> Limit:
        """``5/1`` (5 a second), ``25/60`` (25 a minute)."""
        count, _, seconds = text.partition("/")
        try:
            limit = cls(int(count), float(seconds or 1))
        except ValueError:
            raise ConfigError(f"limit {text!r}: write it as COUNT/SECONDS, e.g. 5/1") from None
        if limit.capacity < 1 or limit.seconds <= 0:
            raise ConfigError(f"limit {text!r}: COUNT and SECONDS must be positive")
        return limit


# Resource groups and their budgets per client. Live values: the orders list 25 a minute, one
# order 25 a second, bulk status 2 a second (docs/bol-apis.md, "Rate limits"); the cancellation
# endpoint's limit was not found.
DEFAULT_LIMITS: dict[str, Limit] = {
    "cancellation": Limit(25, 1.0),
    "orders": Limit(25, 60.0),
    "order": Limit(25, 1.0),
    "process-status": Limit(50, 1.0),
    "process-status-bulk": Limit(2, 1.0),
    "insights": Limit(20, 60.0),  # the performance indicator: 20 a minute (docs/bol-apis.md)
}

# The errorMessage of a FAILURE, per effect ({id}: the order item). bol's texts for a failed
# cancellation were not found; "unknown" follows the live text for an unknown id.
FAILURE_TEXTS: dict[str, str] = {
    "unknown": (
        "Request contains unknown order item id(s): [{id}]. Possible reasons: order item(s) do not exist "
        "or order item(s) can not be fulfilled by the retailer (only FBR items can be fulfilled)."
    ),
    "fbb": (
        "Request contains unknown order item id(s): [{id}]. Possible reasons: order item(s) do not exist "
        "or order item(s) can not be fulfilled by the retailer (only FBR items can be fulfilled)."
    ),
    "shipped": "Order item {id} has already been shipped and can no longer be cancelled.",
    "already-cancelled": "Order item {id} has already been cancelled.",
    "not-requested": "Order item {id} has no cancellation request by the customer.",
}


@dataclass(frozen=True)
class RetailerConfig:
    """Behaviour switches for one simulator."""

    token_ttl: float = 599.0  # expires_in of each token (299 and 599 are both seen live)
    token_scope: str = "retailer"  # noqa: S105 (an OAuth scope, not a secret)
    token_quirk: str = ""  # "", "empty-token", "unexpected-bearer", "expires-immediately"
    clock_skew: float = 1.0  # seconds past expiry a token is still taken (bol allows 1,000 ms)
    latency_ms: float = 0.0
    settle_seconds: float = 0.5  # how long a process stays PENDING
    pending_polls: int = 0  # and for at least this many status reads
    timeout_rate: float = 0.0  # share of processes that end TIMEOUT instead of their outcome
    retention_seconds: float = 48 * 3600.0  # then GET is 404 and the bulk query leaves the id out
    limits: dict[str, Limit] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    retry_after: str = "integer"  # on a 429: "integer", "decimal" or "missing"
    spent_by_others: int = 0  # the first N requests of ``spent_group`` get 429, as if another tool spent the budget
    spent_group: str = "cancellation"
    fail_rate: float = 0.0  # share of API requests answered 500 or 503 without doing anything (not the indicator)
    html_errors: bool = False  # 5xx bodies as nginx's HTML page instead of a Problem
    drop_rate: float = 0.0  # share of cancellations applied whose answer is then cut off
    omit_links_rate: float = 0.0  # share of process statuses without ``links`` (seen live)
    omit_entity_rate: float = 0.0  # share without ``entityId`` (seen live)
    indicator_status: int = 200  # any other: the performance indicator answers this HTTP status (error mode)
    refuse_unrequested: bool = False  # REQUESTED_BY_CUSTOMER on an item without a request fails
    failure_texts: dict[str, str] = field(default_factory=lambda: dict(FAILURE_TEXTS))
    seed: int | None = None

    def limit(self, group: str) -> Limit | None:
        """The budget of ``group`` (None: unlimited)."""
        return self.limits.get(group)
