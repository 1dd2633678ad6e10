"""Whole runs with ``--api retailer``: the same sheet, journal, statuses and workbook as Plaza.

The CLI in-process (CliRunner) against the Retailer simulator on loopback; the demo
in-process over ASGI. What a real process needs (kill -9) is marked slow.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import shutil
import signal
import socket
import sqlite3
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from starlette.types import Receive, Scope, Send

from bulkcancel.retailer.client import RetailerClient
from bulkcancel.send import connect
from bulkcancel.simulator.retailer import RetailerConfig, RetailerSimulator
from bulkcancel.simulator.retailer.config import DEFAULT_LIMITS, Limit
from bulkcancel.simulator.scenario import Scenario, ScenarioItem
from bulkcancel.simulator.server import ServedSimulator
from tests.clocks import RunClock, on_clock
from tests.conftest import bulkcancel, read_results, read_summary, start_process, write_csv

ROOT = Path(__file__).resolve().parents[1]
GOOD_END = {"CANCELLED", "ALREADY_CANCELLED", "FAILED"}


def sheet_of(tmp_path: Path, count: int, name: str = "w.csv", reason: str = "OUT_OF_STOCK") -> Path:
    rows = [["OrderItemId", "ReasonCode", "DateTime"]]
    rows += [[str(2012340000 + n), reason, "30-11-2026 09:00"] for n in range(count)]
    return write_csv(tmp_path / name, rows)


def limits(**groups: str) -> dict[str, Limit]:
    chosen = dict(DEFAULT_LIMITS)
    chosen.update({group.replace("_", "-"): Limit.parse(value) for group, value in groups.items()})
    return chosen


def run(sheet: Path, url: str, *extra: str, env: dict[str, str] | None = None) -> Any:
    return bulkcancel("run", str(sheet), "--api", "retailer", "--base-url", url, "--quiet", *extra, env=env)


def results_of(sheet: Path) -> list[dict[str, object]]:
    return read_results(sheet.with_name(sheet.stem + "-results.xlsx"))


def test_the_demo_runs_in_process_with_the_same_outcomes_as_plaza(tmp_path: Path) -> None:
    sheet = tmp_path / "weekly-stockouts.xlsx"
    shutil.copy(ROOT / "samples" / "weekly-stockouts.xlsx", sheet)
    plaza = bulkcancel("run", str(sheet), "--quiet", "--journal", str(tmp_path / "plaza.sqlite3"))
    plaza_rows = results_of(sheet)
    retailer = bulkcancel("run", str(sheet), "--api", "retailer", "--quiet", "--force")
    retailer_rows = results_of(sheet)
    assert plaza.returncode == retailer.returncode == 1  # the demo has invalid and failing rows
    scenario = json.loads((ROOT / "samples" / "demo-scenario.json").read_text())
    fbb = {item["id"] for item in scenario["items"] if item.get("fulfilment") == "FBB"}
    for mine, theirs in zip(retailer_rows, plaza_rows, strict=True):
        if str(mine["OrderItemId"]) in fbb and theirs["Status"] == "CANCELLED":
            # The Retailer API fails FBB items later in the process status (bol fulfils them).
            assert mine["Status"] == "FAILED" and "only FBR" in str(mine["Detail"])
        else:
            assert mine["Status"] == theirs["Status"], (mine, theirs)
    assert "Retailer API v10" in retailer.stdout and "takes no timestamp" in retailer.stdout
    sent = [r for r in retailer_rows if r["Status"] == "CANCELLED"]
    assert sent and all(r["Time given to bol"] is None for r in sent)  # v10 takes none
    assert [r["DateTime"] for r in retailer_rows] == [r["DateTime"] for r in plaza_rows]  # the sheet's own column
    assert all(r["ProcessStatusId"] and "-" in str(r["ProcessStatusId"]) for r in sent)  # UUID-like strings


def test_a_run_over_loopback_cancels_and_follows_up_in_bulk(serve_retailer: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve_retailer(
        config=RetailerConfig(
            settle_seconds=0.3,
            limits=limits(cancellation="1000/1"),
            omit_links_rate=0.5,  # live answers leave them out, spec or not
            omit_entity_rate=0.5,
            seed=5,
        )
    )
    sheet = sheet_of(tmp_path, 500)
    result = run(sheet, sim.url, "--concurrency", "16", "--json")
    assert result.returncode == 0, result.stderr
    rows = results_of(sheet)
    assert {r["Status"] for r in rows} == {"CANCELLED"} and len(rows) == 500
    counts = sim.app.state.counts
    assert counts.entity_status_requests == 1 and counts.status_requests == 0  # the probe; no GET per item
    assert counts.bulk_status_requests <= 10  # 0.02 per row at most on 500 rows
    assert counts.token_requests == 1
    summary = json.loads(result.stdout)
    assert summary["statuses"] == {"CANCELLED": 500} and summary["api"] == "retailer"


def test_items_bol_refuses_later_end_failed_with_bols_message(
    serve_retailer: Callable[..., Any], tmp_path: Path
) -> None:
    items = {
        "2012340000": ScenarioItem(id="2012340000", state="unknown"),
        "2012340001": ScenarioItem(id="2012340001", state="shipped"),
        "2012340002": ScenarioItem(id="2012340002", fulfilment="FBB"),
        "2012340003": ScenarioItem(id="2012340003", state="cancelled"),
    }
    sim = serve_retailer(Scenario(items=items))
    sheet = sheet_of(tmp_path, 5)
    result = run(sheet, sim.url)
    assert result.returncode == 1
    by_id = {str(r["OrderItemId"]): r for r in results_of(sheet)}
    assert by_id["2012340000"]["Status"] == "FAILED" and "unknown order item id" in str(by_id["2012340000"]["Detail"])
    assert by_id["2012340001"]["Status"] == "FAILED" and "shipped" in str(by_id["2012340001"]["Detail"])
    assert by_id["2012340002"]["Status"] == "FAILED" and "only FBR" in str(by_id["2012340002"]["Detail"])
    assert by_id["2012340003"]["Status"] == "ALREADY_CANCELLED"
    assert by_id["2012340004"]["Status"] == "CANCELLED"


class SteppingClock:
    """One fake clock for the client and the simulator: each API request bol serves takes ``step``
    seconds of it (its latency), and a sleep moves it to its end; wall time plays no part."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 1000.0, step
        self.tokens_asked_at: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        ends = self.now + max(seconds, 0.0)
        await asyncio.sleep(0)
        self.now = max(self.now, ends)

    def serving(self, sim: RetailerSimulator) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
        """``sim`` as served: the clock moves one step as each API request arrives (not the token's)."""

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and scope["path"] == "/token":
                self.tokens_asked_at.append(self.now)
            elif scope["type"] == "http":
                self.now += self.step
            await sim(scope, receive, send)

        return app


def test_a_token_that_lives_one_second_is_renewed_mid_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole run on one fake clock shared by the client and bol: every request takes 1/32 s, so a
    1 s token lasts about 32 of them; the client renews it a fifth of its life before it ends,
    every time, and bol never answers Expired JWT (none allowed, none waited for)."""
    clock = SteppingClock(step=1 / 32)
    # budgets the run never reaches: a pacer's sleep would move this clock under requests in flight
    budgets = limits(cancellation="1000/1", process_status_bulk="1000/1")
    config = RetailerConfig(settle_seconds=0, token_ttl=1, clock_skew=0, limits=budgets)
    sim = RetailerSimulator(config=config, monotonic=clock)
    monkeypatch.setattr(connect, "RetailerClient", functools.partial(RetailerClient, clock=clock, sleep=clock.sleep))
    with ServedSimulator(clock.serving(sim)) as url:
        result = run(sheet_of(tmp_path, 60), url, "--concurrency", "2")
    assert result.returncode == 0, result.stderr
    assert {r["Status"] for r in results_of(tmp_path / "w.csv")} == {"CANCELLED"}
    assert sim.state.counts.expired_token_answers == 0
    asked = clock.tokens_asked_at
    assert len(asked) >= 3 and sim.state.counts.token_requests == len(asked)  # renewed mid-run, more than once
    # Each token is renewed while it still has time left, at a fifth of its life before the end (0.8 s
    # after the client asked for it; bol sees each ask after at most the other request in flight).
    lives = [later - earlier for earlier, later in itertools.pairwise(asked)]
    assert all(0.8 - clock.step <= life < 1.0 for life in lives), lives


def test_pacing_from_the_headers_keeps_429s_rare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = RunClock()  # the run and bol on one virtual clock (tests/clocks.py): the refills take no wall time
    on_clock(clock, monkeypatch)
    config = RetailerConfig(settle_seconds=0, limits=limits(cancellation="10/1"))
    sim = RetailerSimulator(config=config, monotonic=clock)
    sheet = sheet_of(tmp_path, 25)
    with ServedSimulator(sim) as url:
        result = run(sheet, url, "--concurrency", "16")
    assert result.returncode == 0, result.stderr
    assert {r["Status"] for r in results_of(sheet)} == {"CANCELLED"}
    # 25 at once under 10 a second: the simulator's bucket (tests/test_retailer_simulator.py)
    # refuses what comes faster, so few 429s mean the run paced itself over the refills
    assert sim.state.counts.rate_limited["cancellation"] <= 2  # under 10 % of 25
    assert clock.now - 1000.0 >= 1.5  # the last 15 waited for the bucket's refills


@pytest.mark.parametrize("retry_after", ["missing"])  # with Retry-After: test_retailer_client
def test_a_429_mid_run_is_waited_out_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, retry_after: str
) -> None:
    """Another tool of the seller spent the budget: the first request gets 429, with or without Retry-After."""
    clock = RunClock()  # the waits for the budget pass in no wall time (tests/clocks.py)
    on_clock(clock, monkeypatch)
    sim = RetailerSimulator(
        config=RetailerConfig(settle_seconds=0, spent_by_others=2, retry_after=retry_after), monotonic=clock
    )
    sheet = sheet_of(tmp_path, 6)
    with ServedSimulator(sim) as url:
        result = run(sheet, url)
    assert result.returncode == 0, result.stderr
    assert {r["Status"] for r in results_of(sheet)} == {"CANCELLED"}
    _, facts = read_summary(sheet.with_name("w-results.xlsx"))
    assert facts["Too many requests (HTTP 429)"] == sum(sim.state.counts.rate_limited.values()) == 2
    assert max(sim.state.effective_cancellations().values()) == 1


def test_ids_bol_no_longer_keeps_end_accepted_with_a_way_to_check(
    serve_retailer: Callable[..., Any], tmp_path: Path
) -> None:
    sim = serve_retailer(config=RetailerConfig(settle_seconds=30, retention_seconds=0.2))
    sheet = sheet_of(tmp_path, 3)
    result = run(sheet, sim.url)
    rows = results_of(sheet)
    assert {r["Status"] for r in rows} == {"ACCEPTED"}, result.stdout
    assert all("no longer" in str(r["Detail"]) for r in rows)
    counts = sim.app.state.counts
    # the run's first process asked early (send/firstpoll.py), then one bulk query for the other two
    assert (counts.bulk_status_requests, counts.bulk_status_ids) == (2, 3)
    assert counts.status_requests == 0 and counts.entity_status_requests == 1


def test_answers_lost_after_bol_applied_them_never_cancel_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = RunClock()  # the retries' backoff, the polls and bol's budgets on one virtual clock (tests/clocks.py)
    on_clock(clock, monkeypatch)
    config = RetailerConfig(
        settle_seconds=0, drop_rate=0.2, fail_rate=0.1, seed=7, limits=limits(cancellation="1000/1")
    )
    sim = RetailerSimulator(config=config, monotonic=clock)
    sheet = sheet_of(tmp_path, 30)
    with ServedSimulator(sim) as url:
        for _ in range(6):
            result = run(sheet, url, "--force")
            if result.returncode == 0:
                break
    rows = results_of(sheet)
    assert result.returncode == 0 and {r["Status"] for r in rows} <= {"CANCELLED", "SKIPPED"}
    effective = sim.state.effective_cancellations()
    assert len(effective) == 30 and max(effective.values()) == 1
    assert any(e.outcome == "dropped" for e in sim.state.ledger)


def test_a_process_that_times_out_at_bol_ends_failed_saying_so(
    serve_retailer: Callable[..., Any], tmp_path: Path
) -> None:
    sim = serve_retailer(config=RetailerConfig(settle_seconds=0, timeout_rate=1.0))
    sheet = sheet_of(tmp_path, 2)
    result = run(sheet, sim.url)
    rows = results_of(sheet)
    assert result.returncode == 1 and {r["Status"] for r in rows} == {"FAILED"}
    assert all("TIMEOUT" in str(r["Detail"]) for r in rows)


def test_production_through_a_base_url_keeps_the_safeguards(serve_retailer: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve_retailer()
    sheet = sheet_of(tmp_path, 2)
    env = {"BOL_CLIENT_ID": "bulkcancel-demo-client", "BOL_CLIENT_SECRET": "bulkcancel-demo-secret-not-a-real-one"}
    result = bulkcancel("run", str(sheet), "--api", "retailer", "--env", "production", "--base-url", sim.url, env=env)
    assert result.returncode == 2 and "refusing a production run without a terminal" in result.stderr
    assert sim.app.state.ledger == []


def test_html_500s_from_a_proxy_stop_the_run_and_nothing_is_sent_twice(
    serve_retailer: Callable[..., Any], tmp_path: Path
) -> None:
    """An nginx page is not bol's answer: the run stops at the first (no row sent five times);
    once the proxy is gone, the same sheet finishes and nothing was cancelled twice."""
    sim = serve_retailer(config=RetailerConfig(settle_seconds=0, fail_rate=0.3, html_errors=True, seed=3))
    sheet = sheet_of(tmp_path, 30)
    first = run(sheet, sim.url)
    rows = results_of(sheet)
    assert first.returncode == 3, first.stdout
    # ACCEPTED: a status poll met the page, so the run stopped following too
    assert {r["Status"] for r in rows} <= {"CANCELLED", "ACCEPTED", "UNKNOWN", "NOT_SENT"}
    assert "NOT_SENT" in {r["Status"] for r in rows}  # it stopped
    assert "<html>" not in " ".join(str(r["Detail"]) for r in rows)
    sent = Counter(e.order_item_id for e in sim.app.state.ledger)
    assert not sent or max(sent.values()) == 1  # no cancellation went out twice
    sim.app.config = replace(sim.app.config, fail_rate=0.0)  # the proxy is gone
    second = run(sheet, sim.url)
    assert second.returncode == 0, second.stdout
    assert {r["Status"] for r in results_of(sheet)} <= {"CANCELLED", "SKIPPED"}
    assert max(sim.app.state.effective_cancellations().values()) == 1


def test_plan_and_requests_page_through_open_orders(serve_retailer: Callable[..., Any], tmp_path: Path) -> None:
    items = {
        str(2012340000 + n): ScenarioItem(id=str(2012340000 + n), order_id=f"A{n:09d}", cancel_request=n < 3)
        for n in range(120)
    }
    items["2012340119"].state = "shipped"
    sim = serve_retailer(Scenario(items=items))
    sheet = sheet_of(tmp_path, 120)
    result = bulkcancel("plan", str(sheet), "--api", "retailer", "--base-url", sim.url, "--quiet")
    rows = read_results(tmp_path / "w-plan.xlsx")
    statuses = [r["Status"] for r in rows]
    # Three customers asked (OUT_OF_STOCK would count against the score), one item was shipped.
    assert statuses.count("READY") == 116 and statuses.count("INVALID") == 4, result.stdout
    assert "REQUESTED_BY_CUSTOMER" in str(rows[0]["Detail"]) and "open" in str(rows[119]["Detail"])
    assert sim.app.state.counts.orders_requests == 4  # 50 + 50 + 20, then {}
    assert sim.app.state.ledger == []  # plan sends nothing
    out = tmp_path / "requests.xlsx"
    result = bulkcancel("requests", "--api", "retailer", "--base-url", sim.url, "--out", str(out))
    assert result.returncode == 0 and "3 customer cancellation requests" in result.stdout


def test_the_api_follows_the_credentials_set(serve_retailer: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve_retailer()
    sheet = sheet_of(tmp_path, 2)
    both = {"BOL_CLIENT_ID": "a", "BOL_CLIENT_SECRET": "b", "BOL_PUBLIC_KEY": "c", "BOL_PRIVATE_KEY": "d"}
    refused = bulkcancel("run", str(sheet), "--env", "production", env=both)
    assert refused.returncode == 2 and "choose one with --api" in refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    client = {"BOL_CLIENT_ID": "bulkcancel-demo-client", "BOL_CLIENT_SECRET": "bulkcancel-demo-secret-not-a-real-one"}
    chosen = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", env=client)
    assert chosen.returncode == 0 and "Retailer API v10" in chosen.stdout
    assert len(sim.app.state.ledger) == 2
    wrong = bulkcancel("run", str(sheet), "--api", "plaza", "--login-url", "https://login.example/token")
    assert wrong.returncode == 2 and "--login-url is for the Retailer API" in wrong.stderr
    remote = bulkcancel("run", str(sheet), "--api", "retailer", "--login-url", "http://login.example/token")
    assert remote.returncode == 2 and "plain http" in remote.stderr


def test_refused_credentials_stop_before_anything_is_sent(serve_retailer: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve_retailer()
    sheet = sheet_of(tmp_path, 3)
    secret = "a-very-secret-value-1234"
    result = run(sheet, sim.url, env={"BOL_CLIENT_ID": "not-known", "BOL_CLIENT_SECRET": secret})
    assert result.returncode == 2
    assert "refused the client id and secret" in result.stderr and "nothing was sent" in result.stderr
    assert secret not in result.stdout + result.stderr
    assert sim.app.state.ledger == []


def test_no_secret_or_token_reaches_output_logs_journal_or_workbook(
    serve_retailer: Callable[..., Any], tmp_path: Path
) -> None:
    sim = serve_retailer()
    sheet = sheet_of(tmp_path, 4)
    journal = tmp_path / "journal.sqlite3"
    env = {"BOL_CLIENT_ID": "bulkcancel-demo-client", "BOL_CLIENT_SECRET": "bulkcancel-demo-secret-not-a-real-one"}
    result = run(sheet, sim.url, "--verbose", env=env)
    assert result.returncode == 0, result.stderr
    tokens = list(sim.app.state.tokens)
    assert tokens
    seen = result.stdout + result.stderr
    with sqlite3.connect(journal) as db:
        seen += " ".join(
            str(row)
            for table in ("runs", "items", "run_rows")
            for row in db.execute(f"SELECT * FROM {table}")  # noqa: S608
        )
    seen += (tmp_path / "w-results.xlsx").read_bytes().decode("latin-1")
    for secret in [env["BOL_CLIENT_SECRET"], *tokens]:
        assert secret not in seen
    assert "Bearer <redacted>" in result.stderr or "Bearer" not in result.stderr


def test_the_journal_knows_an_item_cancelled_through_the_other_api(tmp_path: Path) -> None:
    sheet = sheet_of(tmp_path, 3)
    first = bulkcancel("run", str(sheet), "--quiet")  # the Plaza demo
    assert first.returncode == 0
    second = bulkcancel("run", str(sheet), "--api", "retailer", "--quiet", "--force")
    rows = results_of(sheet)
    assert second.returncode == 0 and {r["Status"] for r in rows} == {"SKIPPED"}
    assert all("other credentials" in str(r["Detail"]) for r in rows)


@pytest.mark.slow
def test_simulate_serves_the_retailer_api_for_a_run(tmp_path: Path) -> None:
    from bulkcancel.simulator.server import free_port

    port = free_port()
    server = start_process("simulate", "--api", "retailer", "--port", str(port), "--settle-seconds", "0")
    try:
        banner = server.stdout.readline() if server.stdout else ""
        assert "Retailer API v10 simulator" in banner
        deadline = time.monotonic() + 20
        while True:  # the banner comes before uvicorn listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        sheet = sheet_of(tmp_path, 3)
        result = run(sheet, f"http://127.0.0.1:{port}")
        assert result.returncode == 0 and {r["Status"] for r in results_of(sheet)} == {"CANCELLED"}
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)


@pytest.mark.slow
def test_kill_9_mid_run_then_the_rerun_finishes_without_cancelling_twice(
    serve_retailer: Callable[..., Any], tmp_path: Path
) -> None:
    sim = serve_retailer(config=RetailerConfig(settle_seconds=0.2, latency_ms=40, limits=limits(cancellation="1000/1")))
    sheet = sheet_of(tmp_path, 60)
    process = start_process(
        "run", str(sheet), "--api", "retailer", "--base-url", sim.url, "--quiet", "--concurrency", "2"
    )
    deadline = time.monotonic() + 30
    while len(sim.app.state.ledger) < 10:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    sim.app.latency_ms = 0  # the latency only kept the killed run mid-send; the reruns need none
    assert len(sim.app.state.ledger) < 60
    for _ in range(4):
        result = run(sheet, sim.url, "--force")
        if result.returncode == 0:
            break
    rows = results_of(sheet)
    assert result.returncode == 0 and {r["Status"] for r in rows} <= {"CANCELLED", "SKIPPED"}
    effective = sim.app.state.effective_cancellations()
    assert len(effective) == 60 and max(effective.values()) == 1


@pytest.mark.parametrize(
    ("options", "statuses"),
    [
        (("--dry-run",), {"NOT_SENT"}),
        (("--no-follow",), {"ACCEPTED"}),
        (("--canary", "2", "--yes"), {"CANCELLED"}),
        (("--check",), {"CANCELLED"}),
    ],
)
def test_run_options_work_with_the_retailer_api(
    serve_retailer: Callable[..., Any], tmp_path: Path, options: tuple[str, ...], statuses: set[str]
) -> None:
    sim = serve_retailer(Scenario(items={str(2012340000 + n): ScenarioItem(id=str(2012340000 + n)) for n in range(5)}))
    sheet = sheet_of(tmp_path, 5)
    result = run(sheet, sim.url, *options)
    out = "w-dry-run.xlsx" if "--dry-run" in options else "w-results.xlsx"
    assert {r["Status"] for r in read_results(tmp_path / out)} == statuses, result.stdout
    if "--dry-run" in options:
        assert sim.app.state.ledger == []


def test_runs_and_report_know_retailer_runs(serve_retailer: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve_retailer()
    sheet = sheet_of(tmp_path, 2)
    assert run(sheet, sim.url).returncode == 0
    assert bulkcancel("run", str(sheet), "--quiet", "--force").returncode == 0  # the Plaza demo, same journal
    listed = bulkcancel("runs", "--api", "retailer", env={"COLUMNS": "250", "TERM": "xterm"})
    assert listed.returncode == 0 and "retailer" in listed.stdout and "plaza" not in listed.stdout
    both = bulkcancel("runs", env={"COLUMNS": "250", "TERM": "xterm"})
    assert "retailer" in both.stdout and "plaza" in both.stdout
    run_id = next(line.split()[0] for line in listed.stdout.splitlines() if "retailer" in line)
    again = bulkcancel("report", run_id, "--out", str(tmp_path / "again.xlsx"))
    assert again.returncode == 0 and {r["Status"] for r in read_results(tmp_path / "again.xlsx")} == {"CANCELLED"}


@pytest.mark.parametrize("others", [0, 2])  # 2: another tool spent the budget first (429s of 0.5 s)
def test_a_budget_that_refills_later_than_a_run_waits_ends_the_rows_not_sent_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, others: int
) -> None:
    """bol's budget of two cancellations a quarter of an hour: the next one only 450 s later,
    longer than a run waits (five minutes). No row stands still for it and none goes after it:
    bol's own headers say so (or its 429's Retry-After)."""
    clock = RunClock()
    on_clock(clock, monkeypatch)
    config = RetailerConfig(settle_seconds=0, spent_by_others=others, limits=limits(cancellation="2/900"))
    sim = RetailerSimulator(config=config, monotonic=clock)
    sheet = sheet_of(tmp_path, 6)
    with ServedSimulator(sim) as url:
        result = run(sheet, url)
    assert clock.now - 1000.0 < 300  # nobody waited the 450 s (virtual time: tests/clocks.py)
    assert sim.state.counts.rate_limited["cancellation"] <= others + 1
    rows = results_of(sheet)
    taken = sum(sim.state.effective_cancellations().values())  # what the budget let through
    assert taken <= 2 and [r["Status"] for r in rows].count("CANCELLED") == taken, result.stdout
    unsent = [str(r["Detail"]) for r in rows if r["Status"] == "NOT_SENT"]
    assert len(unsent) == 6 - taken and sum("allows the next request in" in d for d in unsent) >= len(unsent) - 1
    said = " ".join(result.stdout.split())  # the console wraps long lines
    assert "allows the next request in" in said and result.returncode == 3, result.stderr  # stopped early
