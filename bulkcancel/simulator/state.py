"""The simulator's memory: processes, the ledger of cancellation requests, rate windows.

Business rules are checked when a cancellation is accepted (the item is marked cancelled at
once, so a second request fails), and revealed asynchronously: the process status stays
PENDING for ``settle_seconds`` and ``pending_polls`` polls, as bol checks rules after
answering 200.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from bulkcancel.simulator.busy import BusySpan
from bulkcancel.simulator.scenario import Scenario, SimulatorConfig


@dataclass
class Process:
    """One CANCEL_ORDER process."""

    id: int
    seller_id: int
    entity_id: str
    created: datetime
    final_status: str
    error_message: str | None
    polls: int = 0


@dataclass(frozen=True)
class LedgerEntry:
    """One cancellation request as the simulator received it."""

    seq: int
    at: datetime
    order_item_id: str
    reason: str
    date_time: str
    http_status: int
    outcome: str  # accepted, bad-request, unauthorized, rate-limited, fault, dropped
    effect: str | None  # cancelled, already-cancelled, shipped, unknown (accepted only)
    process_id: int | None


def _effect_of(state: str) -> tuple[str, str, str | None]:
    """(effect, final status, error message template) for an item in ``state``."""
    if state == "open":
        return "cancelled", "SUCCESS", None
    if state == "cancelled":
        return "already-cancelled", "FAILURE", "Order item {id} has already been cancelled."
    if state == "shipped":
        return (
            "shipped",
            "FAILURE",
            "Order item {id} has already been shipped; it cannot be cancelled.",
        )
    return "unknown", "FAILURE", "Order item {id} does not exist."


class SimulatorState(BusySpan):
    """Everything the simulator remembers; safe to share between threads."""

    def __init__(self, scenario: Scenario, config: SimulatorConfig) -> None:
        super().__init__()
        self.scenario = scenario
        self.config = config
        self.processes: dict[int, Process] = {}
        self.ledger: list[LedgerEntry] = []
        self.status_polls = 0
        self._next_process = 1_000_001
        self._windows: dict[tuple[str, str, int], int] = {}

    def reset_timing(self) -> None:
        """Forget the busy span and counters (benchmarks reuse one server)."""
        with self.lock:
            self._forget_span()
            self.status_polls = 0
            self.ledger.clear()

    def take_rate(self, public: str, endpoint: str, limit: int, window: float, now: float) -> bool:
        """Count one request; False when the window's limit is already used up."""
        key = (public, endpoint, int(now // window))
        with self.lock:
            used = self._windows.get(key, 0)
            if used >= limit:
                return False
            self._windows[key] = used + 1
            return True

    def record(self, entry_args: dict[str, object]) -> LedgerEntry:
        """Append one cancellation request to the ledger."""
        with self.lock:
            entry = LedgerEntry(seq=len(self.ledger) + 1, **entry_args)  # type: ignore[arg-type]
            self.ledger.append(entry)
            return entry

    def accept(self, item_id: str, seller_id: int, now: datetime) -> tuple[Process, str]:
        """Apply a valid cancellation: decide its outcome and mark an open item cancelled."""
        with self.lock:
            item = self.scenario.item(item_id)
            effect, final, message = _effect_of(item.state)
            if effect == "cancelled":
                item.state = "cancelled"
            process = Process(
                id=self._next_process,
                seller_id=seller_id,
                entity_id=item_id,
                created=now,
                final_status=final,
                error_message=message.format(id=item_id) if message else None,
            )
            self._next_process += 1
            self.processes[process.id] = process
            return process, effect

    def poll(self, process_id: int, now: datetime) -> tuple[Process, str] | None:
        """The process and the status it shows now, or None when there is no such process."""
        with self.lock:
            self.status_polls += 1
            process = self.processes.get(process_id)
            if process is None:
                return None
            process.polls += 1
            settled = (now - process.created).total_seconds() >= self.config.settle_seconds
            if settled and process.polls > self.config.pending_polls:
                return process, process.final_status
            return process, "PENDING"

    # Views for tests and benchmarks.

    def effective_cancellations(self) -> Counter[str]:
        """How many times each order item was actually cancelled (must never exceed 1)."""
        with self.lock:
            return Counter(e.order_item_id for e in self.ledger if e.effect == "cancelled")
