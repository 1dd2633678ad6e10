"""How busy a simulator is (``simulator/busy.py``): what the concurrency tests and benchmarks read."""

from __future__ import annotations

import threading

from bulkcancel.simulator.busy import BusySpan


def test_the_most_requests_in_flight_at_once_is_kept() -> None:
    span = BusySpan()
    for step in "eeelleeell":  # three arrive, two answered, three more: four at once at most
        span.enter() if step == "e" else span.leave()
    assert (span.requests, span.in_flight, span.max_in_flight) == (6, 2, 4)
    assert span.first_request is not None and span.last_answer is not None


def test_counts_hold_when_many_threads_come_at_once() -> None:
    span, start = BusySpan(), threading.Barrier(16)

    def request() -> None:
        start.wait()
        for _ in range(500):
            span.enter()
            span.leave()

    threads = [threading.Thread(target=request) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert span.requests == 16 * 500 and span.in_flight == 0
    assert 1 <= span.max_in_flight <= 16
