"""Ask before sending again (Retailer API v10): an item whose cancellation may have reached bol
is looked up (``GET /shared/process-status?entity-id=&event-type=CANCEL_ORDER``) and, when
bol has a process for it, followed instead of sent: within a run (answers dropped after bol
applied them) and after ``kill -9`` mid-send and a rerun.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bulkcancel.backend import ProcessState, ProcessStatus
from bulkcancel.send.decide import process_to_follow
from bulkcancel.simulator.retailer import RetailerSimulator
from bulkcancel.simulator.retailer.config import RetailerConfig
from bulkcancel.simulator.server import ServedSimulator
from tests.clocks import RunClock, on_clock
from tests.conftest import Served, bulkcancel, read_results, start_process, write_csv


def sheet_of(tmp_path: Path, count: int) -> Path:
    rows = [["OrderItemId", "ReasonCode"]] + [[str(2012340000 + n), "OUT_OF_STOCK"] for n in range(count)]
    return write_csv(tmp_path / "w.csv", rows)


def run(sheet: Path, url: str, *extra: str) -> Any:
    return bulkcancel("run", str(sheet), "--api", "retailer", "--base-url", url, "--quiet", *extra)


def sent_again_after_bol_had_it(sim: Any) -> list[str]:
    """Items whose cancellation reached the simulator again after one had been applied."""
    applied: set[str] = set()
    again = []
    for entry in sim.app.state.ledger:
        if entry.order_item_id in applied:
            again.append(entry.order_item_id)
        if entry.effect is not None:
            applied.add(entry.order_item_id)
    return again


def test_an_answer_lost_after_bol_applied_it_is_looked_up_not_sent_again(
    serve_retailer: Callable[..., Any], tmp_path: Path
) -> None:
    sim = serve_retailer(config=RetailerConfig(settle_seconds=0, drop_rate=1.0))  # every answer cut off
    sheet = sheet_of(tmp_path, 20)
    result = run(sheet, sim.url, "--concurrency", "4")
    assert result.returncode == 0, result.stdout
    rows = read_results(tmp_path / "w-results.xlsx")
    assert {r["Status"] for r in rows} == {"CANCELLED"} and all(r["ProcessStatusId"] for r in rows)
    ledger = sim.app.state.ledger
    assert len(ledger) == 20 and {e.outcome for e in ledger} == {"dropped"}  # each sent once, its answer lost
    assert sent_again_after_bol_had_it(sim) == []
    assert sim.app.state.counts.entity_status_requests == 1 + 20  # the probe, then one question per item


def test_a_fault_before_bol_applied_it_is_looked_up_then_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 500 leaves the row in doubt; bol has no process for it: it is sent again, once, and cancelled.
    The retries' backoff, the polls and bol's budgets wait on one virtual clock (tests/clocks.py)."""
    clock = RunClock()
    on_clock(clock, monkeypatch)
    config = RetailerConfig(settle_seconds=0, fail_rate=0.3, drop_rate=0.3, seed=11)
    sim = RetailerSimulator(config=config, monotonic=clock)
    sheet = sheet_of(tmp_path, 30)
    with ServedSimulator(sim) as url:
        for _ in range(4):
            result = run(sheet, url, "--force")
            if result.returncode == 0:
                break
    assert result.returncode == 0, result.stdout
    assert {r["Status"] for r in read_results(tmp_path / "w-results.xlsx")} <= {"CANCELLED", "SKIPPED"}
    assert sent_again_after_bol_had_it(Served(sim, url)) == []
    assert max(sim.state.effective_cancellations().values()) == 1
    assert len(sim.state.effective_cancellations()) == 30


@pytest.mark.parametrize(
    ("states", "chosen"),
    [
        ((), None),
        (("FAILURE", "SUCCESS", "PENDING"), "SUCCESS"),  # cancelled by one of them: that one
        (("FAILURE", "PENDING", "PENDING"), "PENDING"),  # the newest still pending
        (("TIMEOUT", "FAILURE"), "TIMEOUT"),  # nothing better: the newest
    ],
)
def test_the_process_a_row_follows(states: tuple[str, ...], chosen: str | None) -> None:
    processes = [
        ProcessStatus(str(n), "", "2012340000", "CANCEL_ORDER", "", ProcessState(s)) for n, s in enumerate(states)
    ]
    found = process_to_follow(processes)
    assert (found.status.value if found else None) == chosen
    if found is not None:
        assert found is next(p for p in processes if p.status is found.status)  # the newest of its kind


@pytest.mark.slow
@pytest.mark.parametrize("after", [3, 17])
def test_after_kill_9_mid_send_the_rerun_sends_nothing_bol_already_had(
    serve_retailer: Callable[..., Any], tmp_path: Path, after: int
) -> None:
    sim = serve_retailer(config=RetailerConfig(settle_seconds=0, latency_ms=150, limits={}))
    sheet = sheet_of(tmp_path, 30)
    process = start_process(
        "run", str(sheet), "--api", "retailer", "--base-url", sim.url, "--quiet", "--concurrency", "4"
    )
    deadline = time.monotonic() + 30
    while len(sim.app.state.ledger) < after:
        assert time.monotonic() < deadline, "the run sent too little"
        time.sleep(0.005)
    process.kill()
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    time.sleep(0.5)  # requests on the wire at the kill still land (and are applied)
    sim.app.latency_ms = 0  # the latency only kept the killed run mid-send; the reruns need none
    assert after <= len(sim.app.state.ledger) < 30
    probes_and_lookups = sim.app.state.counts.entity_status_requests
    for _ in range(4):
        result = run(sheet, sim.url)
        if result.returncode == 0:
            break
    assert result.returncode == 0, result.stdout
    rows = read_results(tmp_path / "w-results.xlsx")
    assert {r["Status"] for r in rows} <= {"CANCELLED", "SKIPPED"} and len(rows) == 30
    assert sent_again_after_bol_had_it(sim) == []
    # The rows in flight at the kill were asked about (beyond the reruns' probes), not sent blind.
    assert sim.app.state.counts.entity_status_requests - probes_and_lookups > 1
    assert Counter(e.order_item_id for e in sim.app.state.ledger) == Counter(str(2012340000 + n) for n in range(30))
