"""The CLI as a user runs it (in-process with CliRunner), against the simulator served on loopback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bulkcancel.simulator import SimulatorConfig
from tests.conftest import (
    Ran,
    bulkcancel,
    bulkcancel_process,
    make_scenario,
    read_results,
    read_summary,
    write_csv,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parent.parent


def assert_one_clean_line(result: Ran, words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert words in lines[0]


MIXED = [
    ["Week 48", None, None, None],
    ["OrderItemId", "ReasonCode", "DateTime", "Note"],
    ["2012345601", "OUT_OF_STOCK", "27-11-2026 09:15", "ok"],
    ["2012345602", "out of stock", "", "ok, lower case"],
    ["2012345603", "OUT_OF_STOK", "", "typo"],
    ["2012345601", "OUT_OF_STOCK", "", "duplicate"],
    ["2012345605", "REQUESTED_BY_CUSTOMER", "", "shipped in scenario"],
    ["2.01235E+09", "OUT_OF_STOCK", "", "excel damage"],
    ["2012345606", "OTHER", "", '=HYPERLINK("http://x")'],
]


def test_run_xlsx_end_to_end(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(make_scenario(id_2012345605="shipped"))
    sheet = write_xlsx(tmp_path / "week48.xlsx", MIXED)
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    assert result.returncode == 1, result.stderr
    rows = read_results(tmp_path / "week48-results.xlsx")
    assert [r["Row"] for r in rows] == list(range(3, 10))  # numbers, as the sheet numbers them
    assert [r["Status"] for r in rows] == [
        "CANCELLED",
        "CANCELLED",
        "INVALID",
        "DUPLICATE",
        "FAILED",
        "INVALID",
        "CANCELLED",
    ]
    assert "did you mean OUT_OF_STOCK?" in str(rows[2]["Detail"])
    assert "same OrderItemId as row 3" in str(rows[3]["Detail"])
    assert "shipped" in str(rows[4]["Detail"])
    assert "format the column as Text" in str(rows[5]["Detail"])
    assert rows[6]["Note"] == '=HYPERLINK("http://x")'
    assert rows[0]["Time given to bol"] == datetime(2026, 11, 27, 9, 15)  # a date cell, in the run's zone
    assert rows[0]["Sent as"] == "OUT_OF_STOCK" and rows[1]["Sent as"] == "OUT_OF_STOCK"  # "out of stock" as sent
    assert rows[0]["Counts against score"] == "yes"
    assert rows[0]["ProcessStatusId"]
    # The simulator received each valid row exactly once, and nothing else.
    assert sorted(sim.cancelled_ids()) == ["2012345601", "2012345602", "2012345605", "2012345606"]
    book = openpyxl.load_workbook(tmp_path / "week48-results.xlsx")
    for ws in book.worksheets:
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    counts, facts = read_summary(tmp_path / "week48-results.xlsx")
    assert (counts["CANCELLED"], counts["FAILED"], counts["INVALID"], counts["DUPLICATE"], counts["Total"]) == (
        3,
        1,
        2,
        1,
        7,
    )
    assert facts["Environment"] == f"custom: {sim.url}"
    retry = read_results(tmp_path / "week48-results.xlsx", "Retry")
    assert [r["Row"] for r in retry] == [5, 7, 8]
    assert "CANCELLED" in result.stdout and "Result:" in result.stdout

    # The same sheet again: nothing is sent twice.
    again = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    assert again.returncode == 1
    statuses = [r["Status"] for r in read_results(tmp_path / "week48-results.xlsx")]
    assert statuses.count("SKIPPED") == 3
    assert sorted(sim.cancelled_ids()) == [
        "2012345601",
        "2012345602",
        "2012345605",
        "2012345605",
        "2012345606",
    ]  # only the FAILED row was tried again


def test_retry_sheet_fed_back_gives_only_those_rows(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = write_xlsx(tmp_path / "w.xlsx", MIXED[1:])
    bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    again = bulkcancel(
        "run",
        str(tmp_path / "w-results.xlsx"),
        "--sheet",
        "Retry",
        "--base-url",
        sim.url,
        "--quiet",
        "--out",
        str(tmp_path / "retry.xlsx"),
    )
    assert again.returncode == 1
    rows = read_results(tmp_path / "retry.xlsx")
    assert [r["OrderItemId"] for r in rows] == ["2012345603", "2.01235E+09"]
    assert [r["Status"] for r in rows] == ["INVALID", "INVALID"]


def test_run_dutch_csv_to_csv(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = tmp_path / "export.csv"
    shutil.copy(ROOT / "samples" / "dutch-export.csv", sheet)
    out = tmp_path / "result.csv"
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    text = out.read_bytes().decode("utf-8-sig")
    assert text.count("CANCELLED") == 5 and "Crème brûlée" in text
    assert len(sim.cancelled_ids()) == 5
    reasons = {e.order_item_id: e.reason for e in sim.app.state.ledger}
    assert [reasons[str(n)] for n in range(2012345631, 2012345636)] == [
        "OUT_OF_STOCK",
        "OUT_OF_STOCK",
        "REQUESTED_BY_CUSTOMER",
        "REQUESTED_BY_CUSTOMER",
        "BAD_CONDITION",
    ]


def test_dry_run_sends_nothing(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = write_xlsx(tmp_path / "w.xlsx", [MIXED[1], MIXED[2], MIXED[3]])
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--dry-run", "--quiet")
    assert result.returncode == 0, result.stderr
    assert sim.cancelled_ids() == [] and sim.app.state.status_polls == 0
    assert not (tmp_path / "w-results.xlsx").exists()  # a dry run never replaces a real result
    rows = read_results(tmp_path / "w-dry-run.xlsx")
    assert [r["Detail"] for r in rows] == ["dry run: would send OUT_OF_STOCK"] * 2


def test_rate_limit_stops_sending(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0, daily_limit=3))
    rows = [["OrderItemId", "ReasonCode"]] + [[str(2012345600 + n), "OTHER"] for n in range(8)]
    sheet = write_csv(tmp_path / "w.csv", rows)
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--concurrency", "1")
    assert result.returncode == 3, result.stderr
    statuses = [r["Status"] for r in read_results(tmp_path / "w-results.xlsx")]
    assert statuses == ["CANCELLED"] * 3 + ["NOT_SENT"] * 5
    assert "run the same sheet again tomorrow" in result.stdout
    assert len(sim.cancelled_ids()) == 4  # three accepted, one answered 409, then it stopped


def test_rejected_keys_stop_the_run(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = write_csv(
        tmp_path / "w.csv",
        [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"], ["2012345602", "OTHER"]],
    )
    result = bulkcancel(
        "run",
        str(sheet),
        "--base-url",
        sim.url,
        "--quiet",
        "--concurrency",
        "1",
        env={"BOL_PUBLIC_KEY": "unknown", "BOL_PRIVATE_KEY": "secret-private-key"},
    )
    assert_one_clean_line(result, "bol refused the API keys: BOL-ERROR [PAI-41101]")
    assert "nothing was sent" in result.stderr
    assert sim.cancelled_ids() == []  # the probe before the first cancellation found out
    assert not (tmp_path / "w-results.xlsx").exists()


def test_production_needs_keys(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "w.csv", [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"]])
    result = bulkcancel("run", str(sheet), "--env", "production")
    assert_one_clean_line(result, "BOL_PUBLIC_KEY and BOL_PRIVATE_KEY not set")


def test_production_refuses_without_a_terminal_or_yes(tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path / "w.csv",
        [
            ["OrderItemId", "ReasonCode"],
            ["2012345601", "OTHER"],
            ["2012345602", "REQUESTED_BY_CUSTOMER"],
        ],
    )
    keys = {"BOL_PUBLIC_KEY": "pub", "BOL_PRIVATE_KEY": "priv"}
    result = bulkcancel("run", str(sheet), "--env", "production", env=keys)
    assert result.returncode == 2
    assert "2 order items will be cancelled" in result.stdout
    assert "1 count against bol's cancellation norm, 1 may (not known: see below)" in result.stdout
    assert "This week's standing is not known: the Plaza API v2 has no performance indicator" in result.stdout
    assert "refusing a production run without a terminal" in result.stderr
    assert not (tmp_path / "w-results.xlsx").exists()
    dry = bulkcancel("run", str(sheet), "--env", "production", "--dry-run", "--quiet", env=keys)
    assert dry.returncode == 0, dry.stderr  # a dry run needs no confirmation and sends nothing


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p / "missing.xlsx", "missing.xlsx: no such file"),
        (lambda p: ((p / "e.csv").write_text("") and None) or p / "e.csv", "the file is empty"),
        (lambda p: write_csv(p / "h.csv", [["Id", "Why"], ["1", "x"]]), "no OrderItemId column"),
        (
            lambda p: ((p / "j.xlsx").write_text("OrderItemId,ReasonCode\n1,OTHER\n") and None) or p / "j.xlsx",
            "rename it to .csv",
        ),
    ],
    ids=["missing", "empty", "headerless", "wrong-format"],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, make: Any, words: str) -> None:
    result = bulkcancel("run", str(make(tmp_path)))
    assert_one_clean_line(result, words)


def test_bad_options(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "w.csv", [["OrderItemId", "ReasonCode"], ["1", "OTHER"]])
    assert_one_clean_line(bulkcancel("run", str(sheet), "--timezone", "Mars/Olympus"), "not a known time zone")
    assert_one_clean_line(
        bulkcancel("run", str(sheet), "--base-url", "http://plazaapi.example.com"),
        "plain http to a remote host",
    )
    assert_one_clean_line(bulkcancel("run", str(sheet), "--concurrency", "0"), "from 1 to 256")
    assert bulkcancel("run", str(sheet), "--env", "staging").returncode == 2


def test_validate_command(tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "w.xlsx", MIXED)
    result = bulkcancel("validate", str(sheet))
    assert result.returncode == 1
    rows = read_results(tmp_path / "w-checked.xlsx")
    assert [r["Status"] for r in rows] == [
        "READY",
        "READY",
        "INVALID",
        "DUPLICATE",
        "READY",
        "INVALID",
        "READY",
    ]
    clean = write_csv(tmp_path / "c.csv", [["OrderItemId", "ReasonCode"], ["1", "OTHER"]])
    assert bulkcancel("validate", str(clean), "--out", str(tmp_path / "c.csv.xlsx")).returncode == 0


def test_demo_runs_with_no_environment(tmp_path: Path) -> None:
    sheet = tmp_path / "weekly-stockouts.xlsx"
    shutil.copy(ROOT / "samples" / "weekly-stockouts.xlsx", sheet)
    result = bulkcancel("run", str(sheet), "--quiet")
    assert result.returncode == 1, result.stderr
    assert "Demo: ran against the embedded simulator" in result.stdout
    statuses = [r["Status"] for r in read_results(tmp_path / "weekly-stockouts-results.xlsx")]
    assert (
        statuses.count("CANCELLED"),
        statuses.count("ALREADY_CANCELLED"),
        statuses.count("FAILED"),
        statuses.count("INVALID"),
        statuses.count("DUPLICATE"),
        len(statuses),
    ) == (21, 1, 2, 5, 1, 30)
    again = bulkcancel("run", str(sheet), "--quiet")
    statuses = [r["Status"] for r in read_results(tmp_path / "weekly-stockouts-results.xlsx")]
    assert statuses.count("SKIPPED") == 22 and again.returncode == 1  # the one cancelled elsewhere too


@pytest.mark.parametrize(
    ("lang", "committed", "note"),
    [("en", "bulkcancel-template.xlsx", "Note"), ("nl", "bulkcancel-sjabloon.xlsx", "Opmerking")],
)
def test_template_command_matches_committed_template(tmp_path: Path, lang: str, committed: str, note: str) -> None:
    out = tmp_path / "t.xlsx"
    assert bulkcancel("template", str(out), "--lang", lang).returncode == 0

    def content(path: Path) -> list[Any]:
        book = openpyxl.load_workbook(path)
        sheets = []
        for ws in book.worksheets:
            validations = [(dv.type, dv.formula1, str(dv.sqref)) for dv in ws.data_validations.dataValidation]
            sheets.append(
                (
                    ws.title,
                    [[c.value for c in row] for row in ws.iter_rows()],
                    validations,
                    ws["A2"].number_format,
                )
            )
        return sheets

    assert content(out) == content(ROOT / "templates" / committed)
    first = content(out)[0]
    assert first[1][0] == ["OrderItemId", "ReasonCode", "DateTime", note]
    assert first[3] == "@"
    assert "OUT_OF_STOCK" in first[2][0][1] and first[2][0][2] == "B2:B2001"


def test_version_and_help() -> None:
    assert bulkcancel("--version").returncode == 0
    result = bulkcancel("run", "--help")
    assert result.returncode == 0 and "--dry-run" in result.stdout


@pytest.mark.slow
def test_the_entry_point_is_the_same_command(tmp_path: Path) -> None:
    """``python -m bulkcancel`` and the installed script: exit codes and one-line errors in a real process."""
    script = Path(sys.executable).with_name("bulkcancel")
    assert script.exists()
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert version.returncode == 0 and "version" in version.stdout
    missing = bulkcancel_process("run", str(tmp_path / "missing.csv"))
    assert (
        missing.returncode == 2
        and missing.stderr.strip() == f"bulkcancel: error: {tmp_path / 'missing.csv'}: no such file"
    )
    demo = bulkcancel_process("run", str(shutil.copy(ROOT / "samples" / "dutch-export.csv", tmp_path)), "--quiet")
    assert demo.returncode == 0, demo.stderr
    assert "CANCELLED" in demo.stdout


def test_samples_demo_scenario_is_the_packaged_one() -> None:
    from bulkcancel.send.connect import demo_scenario_path

    assert (ROOT / "samples" / "demo-scenario.json").read_text() == demo_scenario_path().read_text()


@pytest.fixture
def entry_point(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Callable[..., None]], int | str | None]]:
    """``main()`` with ``cli.main`` replaced: its exit code. The process state ``main()`` sets for
    bulkcancel's own process (SIGINT, the collector's flag, frozen objects and threshold) is put
    back after the test."""
    import gc
    import signal

    from bulkcancel import cli as package
    from bulkcancel.cli import collector

    before, threshold = signal.getsignal(signal.SIGINT), gc.get_threshold()
    ours = dict(collector._process)

    def call(command: Callable[..., None]) -> int | str | None:
        monkeypatch.setattr(package.cli, "main", command)
        with pytest.raises(SystemExit) as ended:
            package.main()
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN  # a later Ctrl-C has nothing to stop
        return ended.value.code

    yield call
    signal.signal(signal.SIGINT, before)
    collector._process.update(ours)
    gc.unfreeze()
    gc.set_threshold(*threshold)  # main() raised it for its command's start-up


def test_a_ctrl_c_that_escapes_the_command_exits_3_without_a_traceback(
    entry_point: Callable[[Callable[..., None]], int | str | None], capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(**_: Any) -> None:
        raise KeyboardInterrupt

    assert entry_point(interrupted) == 3
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("code", [0, 1, 3])
def test_a_ctrl_c_as_the_command_exits_keeps_its_exit_code_and_is_ignored_after(
    entry_point: Callable[[Callable[..., None]], int | str | None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: int,
) -> None:
    """The Ctrl-C was pending as the command returned: Python raises it from the very call that
    would ignore it. The command's own exit code stands, and SIGINT is ignored all the same."""
    import signal

    real = signal.signal
    pending = [True]

    def signal_with_one_pending(sig: int, handler: Any) -> Any:
        if pending:
            pending.clear()
            raise KeyboardInterrupt
        return real(sig, handler)

    def done(**_: Any) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(signal, "signal", signal_with_one_pending)
    assert entry_point(done) == code
    assert "Traceback" not in capsys.readouterr().err


def test_the_entry_point_keeps_the_commands_own_exit_code(
    entry_point: Callable[[Callable[..., None]], int | str | None],
) -> None:
    def done(**_: Any) -> None:
        raise SystemExit(0)

    assert entry_point(done) == 0
