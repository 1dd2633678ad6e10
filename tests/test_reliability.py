"""Never twice, never lost: faults, kills, Ctrl-C, failed writes, budget, secrets, hostile replies."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bulkcancel.send.sender import SendPolicy
from bulkcancel.simulator import Scenario, SimulatorConfig
from bulkcancel.simulator.scenario import Seller
from bulkcancel.transport import AiohttpExchange
from tests.clocks import RunClock, on_clock
from tests.conftest import bulkcancel, read_results, read_summary, start_process, write_csv
from tests.loopback import JournalBreaksAfter, KeysRevokedAfter, SlowDownFirst, refused_port

GOOD_END = {"CANCELLED", "SKIPPED"}


def sheet_of(tmp_path: Path, count: int, name: str = "w.csv") -> Path:
    rows = [["OrderItemId", "ReasonCode", "Note"]]
    rows += [[str(2012340000 + n), "OUT_OF_STOCK", f"row {n}"] for n in range(count)]
    return write_csv(tmp_path / name, rows)


def assert_never_twice(sim: Any) -> None:
    effective = sim.app.state.effective_cancellations()
    assert effective and max(effective.values()) == 1, effective


def run_until_done(sheet: Path, url: str, tries: int = 6) -> list[dict[str, object]]:
    """Run the same sheet again until every row ended well (as a user would)."""
    for _ in range(tries):
        result = bulkcancel("run", str(sheet), "--base-url", url, "--quiet")
        rows = read_results(sheet.with_name(sheet.stem + "-results.xlsx"))
        if result.returncode == 0:
            return rows
    raise AssertionError(f"not done after {tries} runs: {[r['Status'] for r in rows]}")


def test_faults_every_row_ends_and_nothing_is_cancelled_twice(
    serve: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_clock(RunClock(), monkeypatch)  # the retries' backoff and the polls wait on a virtual clock (tests/clocks.py)
    sim = serve(config=SimulatorConfig(settle_seconds=0, fail_rate=0.1, drop_rate=0.1, seed=7, daily_limit=25))
    sheet = sheet_of(tmp_path, 40)
    first = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    rows = read_results(tmp_path / "w-results.xlsx")
    assert len(rows) == 40 and all(r["Status"] for r in rows)
    assert first.returncode == 3  # the limit was reached mid-run
    # Under faults a row may end UNKNOWN (its answer lost), never FAILED for a lost answer.
    assert {r["Status"] for r in rows} <= {"CANCELLED", "UNKNOWN", "NOT_SENT"}
    assert "NOT_SENT" in {r["Status"] for r in rows}
    assert_never_twice(sim)
    object.__setattr__(sim.app.config, "daily_limit", 1000)  # a new day: the limit is lifted
    final = run_until_done(sheet, sim.url)
    assert {r["Status"] for r in final} <= GOOD_END
    assert_never_twice(sim)
    assert sum(sim.app.state.effective_cancellations().values()) == 40


def test_concurrency_limit_holds(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0, latency_ms=40))
    sheet = sheet_of(tmp_path, 30)
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--concurrency", "5")
    assert result.returncode == 0, result.stderr
    assert sim.app.state.max_in_flight == 5
    assert [r["Row"] for r in read_results(tmp_path / "w-results.xlsx")] == list(range(2, 32))


def wait_for_requests(sim: Any, count: int, timeout: float = 20) -> None:
    """Wait until the simulator has received ``count`` cancellation requests (fails if it never does)."""
    deadline = time.monotonic() + timeout
    while len(sim.cancelled_ids()) < count:
        assert time.monotonic() < deadline, f"only {len(sim.cancelled_ids())} of {count} requests arrived"
        time.sleep(0.005)


def _start(sheet: Path, url: str, *extra: str) -> subprocess.Popen[str]:
    return start_process("run", str(sheet), "--base-url", url, "--quiet", *extra)


@pytest.mark.slow
@pytest.mark.parametrize("after", [1, 8, 20, 37])
def test_sigkill_at_any_moment_loses_nothing(serve: Callable[..., Any], tmp_path: Path, after: int) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0, latency_ms=60))
    sheet = sheet_of(tmp_path, 40)
    process = _start(sheet, sim.url, "--concurrency", "3")
    wait_for_requests(sim, after)
    process.kill()
    process.wait(timeout=30)
    sim.app.latency_ms = 0  # the latency only kept the killed run mid-send; the reruns need none
    sent_before = len(sim.cancelled_ids())
    # The kill landed where it was meant to: mid-run, after the requests we waited for.
    assert process.returncode == -signal.SIGKILL
    assert after <= sent_before < 40
    final = run_until_done(sheet, sim.url)
    assert len(final) == 40 and {r["Status"] for r in final} <= GOOD_END
    assert_never_twice(sim)
    assert sum(sim.app.state.effective_cancellations().values()) == 40
    assert len(sim.cancelled_ids()) <= 40 + 3  # only requests in flight at the kill are repeated


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_the_next_run_finishes(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0, latency_ms=80))
    sheet = sheet_of(tmp_path, 60)
    process = _start(sheet, sim.url, "--concurrency", "2")
    wait_for_requests(sim, 5)
    assert process.poll() is None  # the interrupt lands mid-run
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    sim.app.latency_ms = 0  # the latency only kept the interrupted run mid-send; the rerun needs none
    assert process.returncode == 3, err
    assert "Traceback" not in err
    rows = read_results(tmp_path / "w-results.xlsx")
    statuses = [r["Status"] for r in rows]
    # Rows sent before the interrupt are CANCELLED or, when their process status was not
    # followed yet, ACCEPTED; which of the two depends on timing, both are honest.
    sent = statuses.count("CANCELLED") + statuses.count("ACCEPTED")
    assert len(rows) == 60 and "NOT_SENT" in statuses and sent >= 5
    assert "interrupted" in str(rows[-1]["Detail"])
    assert "NOT_SENT" in out  # the summary was printed
    final = run_until_done(sheet, sim.url)
    final_statuses = [r["Status"] for r in final]
    assert final_statuses.count("SKIPPED") == statuses.count("CANCELLED")
    # An ACCEPTED row is followed up on the rerun, never sent again.
    assert all(final_statuses[i] == "CANCELLED" for i, s in enumerate(statuses) if s == "ACCEPTED")
    assert_never_twice(sim)
    assert sum(sim.app.state.effective_cancellations().values()) == 60


@pytest.mark.parametrize(
    ("out", "words"),
    [
        ("not-a-folder/out.xlsx", "the folder"),
        ("missing/out.xlsx", "does not exist"),
        ("out.docx", "is written as .xlsx or .csv"),
        ("w.csv", "is the input sheet"),
        ("notes.xlsx", "is not a bulkcancel result"),
    ],
)
def test_a_result_that_cannot_be_written_is_refused_before_anything_is_sent(
    serve: Callable[..., Any], tmp_path: Path, out: str, words: str
) -> None:
    sim = serve()
    sheet = sheet_of(tmp_path, 5)
    (tmp_path / "not-a-folder").write_text("a file where a folder should be")
    (tmp_path / "notes.xlsx").write_bytes(b"PK the user's own workbook")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--out", str(tmp_path / out))
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert sim.cancelled_ids() == []  # refused before the first cancellation
    assert all((tmp_path / name).read_bytes() == data for name, data in before.items())  # nothing written over


def test_a_result_that_fails_to_write_after_sending_points_to_report(
    serve: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up between the last cancellation and the result (a corner no server reaches)."""
    from bulkcancel.errors import OutputError
    from bulkcancel.output import report

    sim = serve()
    sheet = sheet_of(tmp_path, 5)

    def disk_full(out: Path, write: object) -> None:
        raise OutputError(f"{out}: cannot be written (No space left on device); is it open in Excel?")

    with monkeypatch.context() as patch:
        patch.setattr(report, "write_atomically", disk_full)
        result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    assert result.returncode == 2
    assert "bulkcancel report" in result.stderr and "Every outcome is in the journal" in result.stderr
    run_id = result.stderr.split("bulkcancel report ")[1].split()[0]
    requests = len(sim.cancelled_ids())
    rebuilt = bulkcancel("report", run_id, "--out", str(tmp_path / "again.xlsx"))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert [r["Status"] for r in read_results(tmp_path / "again.xlsx")] == ["CANCELLED"] * 5
    assert len(sim.cancelled_ids()) == requests  # zero requests to rebuild


@pytest.mark.slow
def test_report_of_a_killed_run_reads_item_states(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0, latency_ms=100))
    sheet = sheet_of(tmp_path, 30)
    process = _start(sheet, sim.url, "--concurrency", "2")
    wait_for_requests(sim, 6)
    process.kill()
    process.wait(timeout=30)
    assert len(sim.cancelled_ids()) < 30  # killed mid-run
    rebuilt = bulkcancel("report", "latest", "--out", str(tmp_path / "r.xlsx"))
    assert rebuilt.returncode == 0, rebuilt.stderr  # it wrote the result: exit 0
    assert "the run itself ended with exit 3" in rebuilt.stdout
    statuses = [r["Status"] for r in read_results(tmp_path / "r.xlsx")]
    assert len(statuses) == 30
    assert statuses.count("CANCELLED") + statuses.count("ACCEPTED") >= 4
    assert statuses.count("NOT_SENT") >= 20


def test_daily_budget_sends_only_what_fits(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = sheet_of(tmp_path, 5)
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--daily-budget", "3")
    assert result.returncode == 3
    statuses = [r["Status"] for r in read_results(tmp_path / "w-results.xlsx")]
    assert statuses == ["CANCELLED"] * 3 + ["NOT_SENT"] * 2
    assert "over today's budget of 3" in result.stdout
    again = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--daily-budget", "3")
    assert again.returncode == 3  # the budget is spent for today: nothing more goes out
    assert len(sim.cancelled_ids()) == 3


def test_default_journal_honours_xdg_data_home(
    serve: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = serve()
    monkeypatch.delenv("BULKCANCEL_JOURNAL")
    data_home = tmp_path / "data-home"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    result = bulkcancel("run", str(sheet_of(tmp_path, 2)), "--base-url", sim.url, "--quiet")
    assert result.returncode == 0, result.stderr
    journal = data_home / "bulkcancel" / "journal.sqlite3"
    with sqlite3.connect(journal) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM items WHERE state='CANCELLED'").fetchone()[0] == 2


def test_secrets_appear_nowhere(serve: Callable[..., Any], tmp_path: Path) -> None:
    public, private = "PUBLICKEYFORTHISTEST1234", "Pr1vate-Key-That-Must-Never-Leak-" + "x" * 40
    sim = serve(Scenario(sellers=(Seller(public, private),)))
    sheet = sheet_of(tmp_path, 4)
    env = {"BOL_PUBLIC_KEY": public, "BOL_PRIVATE_KEY": private}
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--verbose", env=env)
    assert result.returncode == 0, result.stderr
    assert "DEBUG" in result.stderr and "PUT http://127.0.0.1" in result.stderr  # it really was verbose
    csv_out = bulkcancel(
        "run",
        str(sheet),
        "--base-url",
        sim.url,
        "--verbose",
        "--out",
        str(tmp_path / "r.csv"),
        env=env,
    )
    artefacts = {
        "stdout": result.stdout + csv_out.stdout,
        "stderr": result.stderr + csv_out.stderr,
        "journal": b"".join(p.read_bytes() for p in tmp_path.glob("journal.sqlite3*")).decode("latin-1"),
        "workbook": (tmp_path / "w-results.xlsx").read_bytes().decode("latin-1"),
        "csv": (tmp_path / "r.csv").read_text(encoding="utf-8-sig"),
    }
    for name, text in artefacts.items():
        assert private not in text, name
        assert f"{public}:" not in text, name  # no X-BOL-Authorization value


def test_hostile_replies_never_crash_the_run(tmp_path: Path) -> None:
    """A server answering XXE, entity bombs, huge and truncated bodies, and control characters."""
    from bulkcancel.simulator.server import ServedSimulator

    hits: list[str] = []
    bodies = [  # none is bol's: control characters are not XML, a DOCTYPE bol never sends, ...
        b"<ServiceError><errorCode>41201</errorCode><errorMessage>bad \x07\x1b[31m=cmd|' /C calc'!A0"
        + b"y" * 40_000
        + b"</errorMessage></ServiceError>",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/steal">]><r>&x;</r>',
        b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><l>&b;</l>',
        b"<r>" + b"x" * 2_000_000 + b"</r>",
        b"<ServiceError><errorCode>400",
    ]

    class Hostile:
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                return
            hits.append(scope["path"])
            if scope["path"].startswith("/services/rest/process-status/"):  # the probe, answered as bol does
                await send(
                    {"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"application/xml")]}
                )
                await send(
                    {"type": "http.response.body", "body": b"<serviceError><errorCode>41301</errorCode></serviceError>"}
                )
                return
            item = int(scope["path"].split("/")[-2]) % len(bodies)
            status = 400 if item == 0 else 200
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(b"content-type", b"application/xml")],
                }
            )
            await send({"type": "http.response.body", "body": bodies[item]})

    server = ServedSimulator(Hostile())  # type: ignore[arg-type]
    with server as url:
        rows = [["OrderItemId", "ReasonCode"]] + [[str(2012340000 + n), "OTHER"] for n in range(5)]
        sheet = write_csv(tmp_path / "h.csv", rows)
        result = bulkcancel("run", str(sheet), "--base-url", url, "--quiet", "--concurrency", "5")
    assert result.returncode == 3, result.stderr  # rows whose 200 could not be read must be run again
    assert "Traceback" not in result.stderr
    out = read_results(tmp_path / "h-results.xlsx")
    # A 200 that is not bol's may still mean bol cancelled the item: UNKNOWN, never FAILED; a 400 that is
    # not bol's was not applied: NOT_SENT. The run stops at the first: rows not yet sent are NOT_SENT.
    statuses = [r["Status"] for r in out]
    assert statuses[0] == "NOT_SENT" and "UNKNOWN" in statuses[1:] and set(statuses[1:]) <= {"UNKNOWN", "NOT_SENT"}
    details = " ".join(str(r["Detail"]) for r in out)
    assert all("not an answer bol gives" in str(r["Detail"]) for r in out)
    assert "\x07" not in details and "\x1b" not in details and "calc" not in details  # no body is ever shown
    assert len(hits) == len(set(hits))  # no cancellation went out twice
    assert hits[0] == "/services/rest/process-status/v2/0"  # the probe
    assert all(path.startswith("/services/rest/order-items/") for path in hits[1:])  # no entity fetched
    assert (tmp_path / "h-results.xlsx").stat().st_size < 5_000_000


def test_accepted_rows_are_followed_up_not_sent_again(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = sheet_of(tmp_path, 6)
    first = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--no-follow")
    assert first.returncode == 0, first.stderr
    rows = read_results(tmp_path / "w-results.xlsx")
    assert {r["Status"] for r in rows} == {"ACCEPTED"} and all(r["ProcessStatusId"] for r in rows)
    assert sim.app.state.status_polls == 1  # the probe before the first cancellation, no follow-up
    second = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    assert second.returncode == 0, second.stderr
    assert {r["Status"] for r in read_results(tmp_path / "w-results.xlsx")} == {"CANCELLED"}
    assert len(sim.cancelled_ids()) == 6  # followed up by polling the stored ids, never sent again
    assert sim.app.state.status_polls >= 6


@pytest.mark.slow
def test_second_ctrl_c_stops_at_once_and_the_journal_stays_consistent(
    serve: Callable[..., Any], tmp_path: Path
) -> None:
    """Four cancellations are on the wire (bol answers each after 2 s): the first Ctrl-C would
    wait for their answers, the second stops at once. They stay in doubt (SENDING), nothing
    else was sent, and the rerun ends every row without cancelling one twice."""
    sim = serve(config=SimulatorConfig(settle_seconds=0, latency_ms=2000))
    sheet = sheet_of(tmp_path, 40)
    process = _start(sheet, sim.url, "--concurrency", "4")
    deadline = time.monotonic() + 30
    while sim.app.state.in_flight < 4:  # the probe has been answered; four cancellations wait on the wire
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()[1]
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 3, err
    assert "Traceback" not in err
    with sqlite3.connect(tmp_path / "journal.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        states = Counter(row[0] for row in db.execute("SELECT state FROM items"))
    assert states["SENDING"] == 4, states  # stopped before their answers came back
    assert set(states) <= {"SENDING", "UNSENT"}, states
    sim.app.latency_ms = 0
    final = run_until_done(sheet, sim.url)
    assert {r["Status"] for r in final} <= GOOD_END
    assert_never_twice(sim)


def _all_open(count: int) -> Scenario:
    return Scenario(default="open")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12, 13])
@pytest.mark.parametrize("kill", [False, True], ids=["whole", "killed"])
def test_faults_and_drops_end_with_every_row_cancelled_once(
    serve: Callable[..., Any], tmp_path: Path, seed: int, kill: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """500 open items, 10 % 5xx and 10 % answers dropped after the cancellation was applied
    (optionally a kill -9 mid-run): reruns end with every row CANCELLED or SKIPPED, no row
    is ever FAILED, and the simulator's ledger shows no item cancelled twice. The reruns (in this
    process) wait their backoff and polls on a virtual clock (tests/clocks.py)."""
    on_clock(RunClock(), monkeypatch)
    sim = serve(
        _all_open(500), SimulatorConfig(settle_seconds=0, fail_rate=0.1, drop_rate=0.1, seed=seed, latency_ms=5)
    )
    sheet = sheet_of(tmp_path, 500)
    if kill:
        process = _start(sheet, sim.url, "--concurrency", "8")
        wait_for_requests(sim, 150)
        process.kill()
        process.wait(timeout=30)
        assert len(sim.cancelled_ids()) < 560  # killed mid-run
    seen: set[object] = set()
    for _ in range(6):
        result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--concurrency", "8")
        statuses = [r["Status"] for r in read_results(tmp_path / "w-results.xlsx")]
        seen |= set(statuses)
        if result.returncode == 0:
            break
    assert result.returncode == 0, result.stdout
    assert set(statuses) <= GOOD_END and len(statuses) == 500
    assert "FAILED" not in seen
    assert_never_twice(sim)
    assert sum(sim.app.state.effective_cancellations().values()) == 500


def test_an_unreachable_server_leaves_every_row_not_sent_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{refused_port()}"
    attempts: list[str] = []
    connect = AiohttpExchange.exchange

    async def counted(self: AiohttpExchange, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Any:
        attempts.append(url)  # a refused connection reaches no server that could count it
        return await connect(self, method, url, headers, body)

    monkeypatch.setattr(AiohttpExchange, "exchange", counted)
    result = bulkcancel("run", str(sheet_of(tmp_path, 200)), "--base-url", url, "--quiet", "--concurrency", "4")
    # it gives up at once (the check that the server is there, or a few requests in a row that never
    # left), not after 5 attempts with backoff for each of 200 rows
    assert len(attempts) <= SendPolicy().unreachable_after + 4
    assert result.returncode == 3, result.stderr
    statuses = [r["Status"] for r in read_results(tmp_path / "w-results.xlsx")]
    assert statuses == ["NOT_SENT"] * 200
    lines = [line for line in result.stdout.splitlines() if "could not connect" in line]
    assert len(lines) == 1 and url in lines[0] and "connection refused" in lines[0]


def test_keys_revoked_mid_run_stop_sending_and_polling(tmp_path: Path) -> None:
    from bulkcancel.simulator import PlazaSimulator
    from bulkcancel.simulator.server import ServedSimulator

    simulator = PlazaSimulator(Scenario(default="open"), SimulatorConfig(settle_seconds=30))
    revoked = KeysRevokedAfter(simulator, cancels=3)
    with ServedSimulator(revoked) as url:  # type: ignore[arg-type]
        result = bulkcancel("run", str(sheet_of(tmp_path, 10)), "--base-url", url, "--quiet", "--concurrency", "1")
    assert result.returncode == 2 and "bol refused the API keys" in result.stderr
    rows = read_results(tmp_path / "w-results.xlsx")
    assert [r["Status"] for r in rows[:3]] == ["ACCEPTED"] * 3
    assert all("with valid keys" in str(r["Detail"]) for r in rows[:3])
    assert {r["Status"] for r in rows[3:]} == {"NOT_SENT"}
    # every request after the revocation is refused and counted: one refused cancellation and
    # at most a poll or two, not the three rows polled with revoked keys until they settle
    assert len(revoked.refused) <= 3


def test_a_journal_that_fails_mid_run_stops_sending_and_the_result_says_so(tmp_path: Path) -> None:
    from bulkcancel.simulator import PlazaSimulator
    from bulkcancel.simulator.server import ServedSimulator

    simulator = PlazaSimulator(Scenario(default="open"), SimulatorConfig(settle_seconds=0))
    broken = JournalBreaksAfter(simulator, str(tmp_path / "journal.sqlite3"), cancels=4)
    with ServedSimulator(broken) as url:  # type: ignore[arg-type]
        result = bulkcancel("run", str(sheet_of(tmp_path, 20)), "--base-url", url, "--quiet", "--concurrency", "1")
    assert result.returncode == 3, result.stderr
    assert (
        "journal" in result.stdout
        and "cannot be written" in result.stdout
        and "run the same sheet again" in result.stdout
    )
    statuses = [r["Status"] for r in read_results(tmp_path / "w-results.xlsx")]
    assert len(statuses) == 20 and statuses.count("NOT_SENT") >= 14
    assert len(simulator.state.ledger) <= 5  # nothing left once the journal could not record it


@pytest.mark.parametrize("command", [("plan",), ("run", "--check"), ("requests",)])
def test_an_unreachable_server_during_the_check_is_one_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    url = f"http://127.0.0.1:{refused_port()}"
    sheet = () if command == ("requests",) else (str(sheet_of(tmp_path, 3)),)
    result = bulkcancel(command[0], *sheet, *command[1:], "--base-url", url, "--quiet")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("bulkcancel: error: could not list open orders")
    assert url in result.stderr and "unexpected" not in result.stderr


def test_a_429_with_retry_after_holds_every_request_for_that_long(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the run's virtual clock (tests/clocks.py): the two seconds asked for pass in no wall time."""
    from bulkcancel.simulator import PlazaSimulator
    from bulkcancel.simulator.server import ServedSimulator

    clock = RunClock()
    on_clock(clock, monkeypatch)
    simulator = PlazaSimulator(Scenario(default="open"), SimulatorConfig(settle_seconds=0))
    slow = SlowDownFirst(simulator, refusals=1, seconds=2, clock=clock)
    with ServedSimulator(slow) as url:  # type: ignore[arg-type]
        result = bulkcancel("run", str(sheet_of(tmp_path, 6)), "--base-url", url, "--quiet", "--concurrency", "3")
    assert result.returncode == 0, result.stdout
    assert [r["Status"] for r in read_results(tmp_path / "w-results.xlsx")] == ["CANCELLED"] * 6
    # Once the 429 was answered, no cancellation left within the 2 s it asked for, from any worker:
    # only the two sent at the same moment as the refused one (already on the wire) came sooner.
    refused = slow.refused_at[0]
    after = [moment - refused for moment in slow.passed_at]
    assert len([gap for gap in after if gap < 2.0]) <= 2, after
    assert max(after) >= 2.0  # the rest waited, then went
    assert len(simulator.state.ledger) == 6  # the refused request was sent again once, nothing twice
    _, facts = read_summary(tmp_path / "w-results.xlsx")
    assert facts["Rate-limit waits"] == 1
