"""How busy a simulator is: requests, the most in flight at once, first request to last answer."""

from __future__ import annotations

import threading
import time


class BusySpan:
    """Counted by every simulator's state (tests and benchmarks read it); safe between threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = self.max_in_flight = self.requests = 0
        self.first_request: float | None = None  # time.monotonic() of the first request
        self.last_answer: float | None = None

    def enter(self) -> None:
        """A request arrived."""
        with self.lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if self.first_request is None:
                self.first_request = time.monotonic()

    def leave(self) -> None:
        """A request was answered."""
        with self.lock:
            self.in_flight -= 1
            self.last_answer = time.monotonic()

    def _forget_span(self) -> None:
        """Start the span again (call with ``lock`` held)."""
        self.first_request = self.last_answer = None
        self.max_in_flight = self.requests = 0
