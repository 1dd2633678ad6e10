"""What the Retailer simulator remembers: tokens, processes, the ledger and the buckets.

A cancellation is answered 202 PENDING whatever the item (bol checks the rules while
processing, not on receipt); its effect is decided and applied at once (so a second request
for the item fails) and shown when the process settles. Processes are forgotten after the
retention time: a GET is then 404 and the bulk query leaves the id out.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bulkcancel.simulator.busy import BusySpan
from bulkcancel.simulator.retailer.config import Limit, RetailerConfig
from bulkcancel.simulator.scenario import Scenario


def uuid7(rng: random.Random, now: float) -> str:
    """A UUIDv7-like id, as live processStatusIds look since May 2026."""
    millis = int(now * 1000) & ((1 << 48) - 1)
    tail = rng.getrandbits(74)
    value = (millis << 80) | (0x7 << 76) | ((tail >> 62) << 64) | (0b10 << 62) | (tail & ((1 << 62) - 1))
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@dataclass
class Process:
    """One CANCEL_ORDER process."""

    id: str
    entity_id: str
    created: datetime
    created_at: float  # time.monotonic(), for settling and retention
    final_status: str
    error_message: str | None
    polls: int = 0
    omit_links: bool = False
    omit_entity: bool = False


@dataclass(frozen=True)
class LedgerEntry:
    """One cancellation request as the simulator received it."""

    seq: int
    at: datetime
    order_item_id: str
    reason: str
    http_status: int
    outcome: str  # accepted, bad-request, unauthorized, rate-limited, fault, dropped
    effect: str | None  # cancelled, already-cancelled, shipped, unknown, fbb, not-requested
    process_id: str | None


@dataclass
class Bucket:
    """A token bucket for one (client, group)."""

    limit: Limit
    tokens: float
    updated: float

    def take(self, now: float) -> tuple[bool, int, float, float]:
        """(allowed, remaining, seconds until full, seconds until the next request may come)."""
        rate = self.limit.capacity / self.limit.seconds
        self.tokens = min(float(self.limit.capacity), self.tokens + (now - self.updated) * rate)
        self.updated = now
        allowed = self.tokens >= 1
        if allowed:
            self.tokens -= 1
        until_full = (self.limit.capacity - self.tokens) / rate
        until_next = 0.0 if self.tokens >= 1 else (1 - self.tokens) / rate
        return allowed, math.floor(self.tokens), until_full, until_next


@dataclass
class Counts:
    """Request counters for tests and benchmarks."""

    token_requests: int = 0
    cancel_requests: int = 0
    status_requests: int = 0  # single GETs
    bulk_status_requests: int = 0
    bulk_status_ids: int = 0
    entity_status_requests: int = 0  # queries by entity id and event type
    orders_requests: int = 0
    indicator_requests: int = 0
    order_requests: int = 0  # GET /retailer/orders/{order-id}
    rate_limited: Counter[str] = field(default_factory=Counter)  # 429s per group
    expired_token_answers: int = 0


class RetailerState(BusySpan):
    """Everything the simulator remembers; safe to share between threads."""

    def __init__(
        self,
        scenario: Scenario,
        config: RetailerConfig,
        rng: random.Random,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.scenario, self.config, self._rng = scenario, config, rng
        self._monotonic = monotonic  # tokens' and rate limits' clock (a test's fake one moves with its fake sleep)
        self.tokens: dict[str, tuple[str, float]] = {}  # token -> (client id, expires at, monotonic)
        self.processes: dict[str, Process] = {}
        self._by_entity: dict[str, list[str]] = {}  # entity id -> its process ids, oldest first
        self.ledger: list[LedgerEntry] = []
        self.counts = Counts()
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def reset_timing(self) -> None:
        """Forget the busy span, counters and ledger (benchmarks reuse one server)."""
        with self.lock:
            self._forget_span()
            self.counts = Counts()
            self.ledger.clear()

    # Tokens

    def issue_token(self, client_id: str, ttl: float) -> str:
        """A new opaque JWT-looking token for ``client_id``."""
        token = "eyJraWQiOiJzaW0ifQ." + os.urandom(24).hex()
        with self.lock:
            self.counts.token_requests += 1
            self.tokens[token] = (client_id, self._monotonic() + ttl)
        return token

    def token_client(self, token: str) -> tuple[str | None, float]:
        """(client id, seconds past expiry) of a token; client None when it was never issued."""
        with self.lock:
            found = self.tokens.get(token)
        if found is None:
            return None, 0.0
        return found[0], self._monotonic() - found[1]

    # Rate limits

    def take(self, client_id: str, group: str) -> tuple[bool, int, float, float, int] | None:
        """Spend one request of ``group``: (allowed, remaining, until full, until next, limit); None: unlimited."""
        limit = self.config.limit(group)
        if limit is None:
            return None
        now = self._monotonic()
        with self.lock:
            bucket = self._buckets.setdefault((client_id, group), Bucket(limit, float(limit.capacity), now))
            allowed, remaining, until_full, until_next = bucket.take(now)
            if not allowed:
                self.counts.rate_limited[group] += 1
        return allowed, remaining, until_full, until_next, limit.capacity

    # Cancellations and processes

    def record(self, **entry: object) -> LedgerEntry:
        """Append one cancellation request to the ledger."""
        with self.lock:
            made = LedgerEntry(seq=len(self.ledger) + 1, **entry)  # type: ignore[arg-type]
            self.ledger.append(made)
            return made

    def _effect(self, item_id: str, reason: str) -> str:
        item = self.scenario.item(item_id)
        if item.state == "unknown":
            return "unknown"
        if item.fulfilment == "FBB":
            return "fbb"
        if item.state == "shipped":
            return "shipped"
        if item.state == "cancelled":
            return "already-cancelled"
        if self.config.refuse_unrequested and reason == "REQUESTED_BY_CUSTOMER" and not item.cancel_request:
            return "not-requested"
        return "cancelled"

    def accept(self, item_id: str, reason: str, now: datetime) -> tuple[Process, str]:
        """Apply a valid cancellation: decide its outcome and mark an open item cancelled."""
        with self.lock:
            effect = self._effect(item_id, reason)
            if effect == "cancelled":
                self.scenario.item(item_id).state = "cancelled"
            final = "SUCCESS" if effect == "cancelled" else "FAILURE"
            if self._rng.random() < self.config.timeout_rate:
                final = "TIMEOUT"
            text = self.config.failure_texts.get(effect) if final == "FAILURE" else None
            process = Process(
                id=uuid7(self._rng, now.timestamp()),
                entity_id=item_id,
                created=now,
                created_at=time.monotonic(),
                final_status=final,
                error_message=text.format(id=item_id) if text else None,
                omit_links=self._rng.random() < self.config.omit_links_rate,
                omit_entity=self._rng.random() < self.config.omit_entity_rate,
            )
            self.processes[process.id] = process
            self._by_entity.setdefault(item_id, []).append(process.id)
            return process, effect

    def read(self, process_id: str) -> tuple[Process, str] | None:
        """The process and the status it shows now; None when it never was or is forgotten."""
        with self.lock:
            process = self.processes.get(process_id)
            if process is None:
                return None
            age = time.monotonic() - process.created_at
            if age > self.config.retention_seconds:
                return None
            process.polls += 1
            if age >= self.config.settle_seconds and process.polls > self.config.pending_polls:
                return process, process.final_status
            return process, "PENDING"

    def of_entity(self, entity_id: str) -> list[tuple[Process, str]]:
        """The processes bol still keeps for ``entity_id``, newest first, each with the status it shows now."""
        with self.lock:
            ids = list(reversed(self._by_entity.get(entity_id, [])))
        return [found for process_id in ids if (found := self.read(process_id)) is not None]

    def forget(self, process_id: str) -> None:
        """Drop a process now, as retention would (for tests of omitted ids)."""
        with self.lock:
            self.processes.pop(process_id, None)

    # Views for tests and benchmarks

    def effective_cancellations(self) -> Counter[str]:
        """How many times each order item was actually cancelled (must never exceed 1)."""
        with self.lock:
            return Counter(e.order_item_id for e in self.ledger if e.effect == "cancelled")
