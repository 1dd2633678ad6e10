"""bol's cancellation norm in runs: the standing read from the simulators on loopback, the run's
effect on ``plan``/``run`` (``--json``, the console, the Summary), and the guard in production."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import bulkcancel
from bulkcancel.errors import BulkCancelError
from bulkcancel.norm.standing import NormEffect, Standing, Week
from bulkcancel.retailer.environments import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from bulkcancel.simulator.performance import WeekNumbers
from bulkcancel.simulator.retailer import RetailerConfig, RetailerSimulator
from bulkcancel.simulator.scenario import Scenario, ScenarioItem
from bulkcancel.targets import Api
from tests.conftest import Served, read_results, write_csv
from tests.conftest import bulkcancel as cli

CLIENT = {"BOL_CLIENT_ID": DEMO_CLIENT_ID, "BOL_CLIENT_SECRET": DEMO_CLIENT_SECRET}
FIRST = 2012340000


def account(numerator: int | None, denominator: int, items: list[ScenarioItem] | None = None) -> Scenario:
    """A seller with open items (the first 20 ids, or ``items``) and, for every week, ``numerator`` of
    ``denominator`` cancelled (None: bol has no score)."""
    weeks = () if numerator is None else (WeekNumbers(numerator, denominator),)
    listed = items if items is not None else [ScenarioItem(str(FIRST + n), order_id=f"4{n:03d}") for n in range(20)]
    return Scenario(items={i.id: i for i in listed}, default="open", cancellation_weeks=weeks)


def sheet(tmp_path: Path, count: int, reason: str = "OUT_OF_STOCK", name: str = "week.csv") -> Path:
    rows = [["OrderItemId", "ReasonCode"]] + [[str(FIRST + n), reason] for n in range(count)]
    return write_csv(tmp_path / name, rows)


def as_json(result: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def this_week() -> tuple[int, int]:
    week = Week.of(datetime.now(UTC))
    return week.year, week.week


def norm_of(result: Any, weeks: set[tuple[int, int]]) -> dict[str, Any]:
    """The ``cancellation_norm`` of a ``--json`` answer, its week checked against the run's."""
    norm: dict[str, Any] = as_json(result)["cancellation_norm"]
    if norm["known"]:
        assert (norm.pop("year"), norm.pop("week")) in weeks
    return norm


def plan_json(sim: Served, path: Path, *extra: str) -> dict[str, Any]:
    before = this_week()
    result = cli("plan", str(path), "--api", "retailer", "--base-url", sim.url, "--json", *extra, env=CLIENT)
    assert result.returncode in (0, 1), result.stderr
    return norm_of(result, {before, this_week()})


def test_under_the_norm(serve_retailer: Callable[..., Served], tmp_path: Path) -> None:
    sim = serve_retailer(account(4, 612))
    norm = plan_json(sim, sheet(tmp_path, 2))
    assert norm == {
        "known": True,
        "numerator": 4,
        "denominator": 612,
        "this_run": 2,
        "after_percent": 0.98,
        "norm_percent": 2.0,
        "strike": False,
    }
    assert isinstance(sim.app, RetailerSimulator) and sim.app.state.counts.indicator_requests == 1
    words = cli("plan", str(sheet(tmp_path, 2)), "--api", "retailer", "--base-url", sim.url, "--force", env=CLIENT)
    assert "4 of 612 items cancelled (0.65 %)." in words.stdout
    assert "This run adds 2 that count: 6 of 612 (0.98 %), within bol's 2 % norm." in words.stdout
    assert "An estimate: bol does not say whether items ordered in earlier weeks" in words.stdout


def test_crossing_the_norm_with_three_or_more(serve_retailer: Callable[..., Served], tmp_path: Path) -> None:
    sim = serve_retailer(account(4, 612))
    norm = plan_json(sim, sheet(tmp_path, 11))
    assert norm["this_run"] == 11 and norm["after_percent"] == 2.45 and norm["strike"] is True
    words = cli("plan", str(sheet(tmp_path, 11)), "--api", "retailer", "--base-url", sim.url, "--force", env=CLIENT)
    assert "This run adds 11 that count: 15 of 612 (2.45 %), above bol's 2 % norm: expect a strike." in words.stdout
    summary = [
        row for row in openpyxl.load_workbook(tmp_path / "week-plan.xlsx")["Summary"].iter_rows(values_only=True)
    ]
    said = [str(row[1]) for row in summary if row[0] == "Cancellation norm" or (row[0] is None and row[1])]
    assert any("15 of 612 (2.45 %), above bol's 2 % norm: expect a strike" in line for line in said)
    assert sim.ledger == []  # a plan sends nothing


def test_above_two_percent_with_fewer_than_three_items_is_no_strike(
    serve_retailer: Callable[..., Served], tmp_path: Path
) -> None:
    sim = serve_retailer(account(0, 50))
    norm = plan_json(sim, sheet(tmp_path, 2))
    assert norm["after_percent"] == 4.0 and norm["strike"] is False
    words = cli("plan", str(sheet(tmp_path, 2)), "--api", "retailer", "--base-url", sim.url, "--force", env=CLIENT)
    assert "2 of 50 (4 %), above 2 %, but bol measures from 3 items on: no strike." in words.stdout


def test_a_customer_request_counts_after_its_promised_date_and_not_before(
    serve_retailer: Callable[..., Served], tmp_path: Path
) -> None:
    items = [
        ScenarioItem(str(FIRST), order_id="41", cancel_request=True, latest_delivery="2020-01-02"),  # long ago: counts
        ScenarioItem(str(FIRST + 1), order_id="42", cancel_request=True, exact_delivery="2099-12-31"),  # in time
        ScenarioItem(str(FIRST + 2), order_id="43", cancel_request=True, latest_delivery=""),  # no date: not known
        ScenarioItem(str(FIRST + 3), order_id="44"),  # the customer did not ask: counts
        ScenarioItem(str(FIRST + 4), order_id="45"),  # the seller's reason: counts
    ]
    sim = serve_retailer(account(4, 612, items))
    path = write_csv(
        tmp_path / "requests.csv",
        [["OrderItemId", "ReasonCode"]]
        + [[str(FIRST + n), "REQUESTED_BY_CUSTOMER"] for n in range(4)]
        + [[str(FIRST + 4), "OUT_OF_STOCK"]],
    )
    norm = plan_json(sim, path, "--allow-reason-mismatch")
    assert norm["this_run"] == 3 and norm["after_percent"] == percent(7, 612)
    rows = read_results(tmp_path / "requests-plan.xlsx")
    assert [r["Counts against score"] for r in rows] == [
        "yes: confirmed after the promised delivery date",
        "no",
        "unknown: promised delivery date not known",
        "yes: the customer did not ask",
        "yes",
    ]
    assert (
        isinstance(sim.app, RetailerSimulator) and sim.app.state.counts.order_requests == 3
    )  # the detail of the three customers' requests, once each
    ran = cli(
        "run", str(path), "--api", "retailer", "--base-url", sim.url, "--check", "--allow-reason-mismatch",
        "--json", "--quiet", "--force", env=CLIENT,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert as_json(ran)["cancellation_norm"]["this_run"] == 3
    done = read_results(tmp_path / "requests-results.xlsx")
    assert [r["Status"] for r in done] == ["CANCELLED"] * 5
    assert done[1]["Counts against score"] == "no" and str(done[0]["Counts against score"]).startswith("yes")


def percent(count: int, denominator: int) -> float:
    return round(100 * count / denominator, 2)


def test_without_the_check_a_customer_request_is_not_known(
    serve_retailer: Callable[..., Served], tmp_path: Path
) -> None:
    sim = serve_retailer(account(4, 612))
    before = this_week()
    ran = cli(
        "run", str(sheet(tmp_path, 3, "REQUESTED_BY_CUSTOMER")), "--api", "retailer", "--base-url", sim.url,
        "--json", "--quiet", env=CLIENT,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert norm_of(ran, {before, this_week()})["this_run"] == 0
    rows = read_results(tmp_path / "week-results.xlsx")
    assert {r["Counts against score"] for r in rows} == {"unknown: not checked whether the customer asked (--check)"}


def test_the_endpoint_failing_is_said_and_the_run_goes_on(
    serve_retailer: Callable[..., Served], tmp_path: Path
) -> None:
    sim = serve_retailer(account(4, 612), RetailerConfig(settle_seconds=0, indicator_status=503))
    ran = cli("run", str(sheet(tmp_path, 3)), "--api", "retailer", "--base-url", sim.url, "--json", env=CLIENT)
    assert ran.returncode == 0, ran.stderr
    norm = as_json(ran)["cancellation_norm"]
    assert norm["known"] is False and norm["why"].startswith("bol answered HTTP 503 Service Unavailable")
    assert len(sim.ledger) == 3


def test_no_score_for_the_week_is_not_known(serve_retailer: Callable[..., Served], tmp_path: Path) -> None:
    sim = serve_retailer(account(None, 0))
    norm = plan_json(sim, sheet(tmp_path, 2))
    assert norm["known"] is False and norm["why"].startswith("bol has no score for this week yet")


def test_plaza_has_no_standing(serve: Callable[..., Served], tmp_path: Path) -> None:
    sim = serve(account(4, 612))
    result = cli("plan", str(sheet(tmp_path, 11)), "--base-url", sim.url, "--json")
    assert result.returncode == 0, result.stderr
    assert as_json(result)["cancellation_norm"] == {
        "known": False,
        "why": "the Plaza API v2 has no performance indicator (the Retailer API v10 has)",
    }
    dutch = cli("plan", str(sheet(tmp_path, 11)), "--base-url", sim.url, "--lang", "nl", "--force")
    assert "De stand van deze week is niet bekend: de Plaza API v2 heeft geen prestatie-indicator" in dutch.stdout


# The guard: production through --base-url (the production environment's rules on a loopback simulator)


def production(sim: Served, path: Path, *extra: str) -> Any:
    return cli("run", str(path), "--api", "retailer", "--env", "production", "--base-url", sim.url, "--quiet", *extra,
               env=CLIENT)  # fmt: skip


def test_yes_alone_does_not_accept_a_strike(serve_retailer: Callable[..., Served], tmp_path: Path) -> None:
    sim = serve_retailer(account(4, 612))
    result = production(sim, sheet(tmp_path, 11), "--yes")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "refusing: this production run takes the week to 15 of 612 items cancelled (2.45 %)" in result.stderr
    assert "--accept-strike" in result.stderr
    assert sim.ledger == [] and not (tmp_path / "week-results.xlsx").exists()


def test_accept_strike_lets_a_script_go_on(serve_retailer: Callable[..., Served], tmp_path: Path) -> None:
    sim = serve_retailer(account(4, 612))
    before = this_week()
    result = production(sim, sheet(tmp_path, 11), "--yes", "--accept-strike", "--json")
    assert result.returncode == 0, result.stderr
    assert norm_of(result, {before, this_week()})["strike"] is True
    assert len(sim.ledger) == 11


def test_under_the_norm_production_asks_only_what_it_always_asked(
    serve_retailer: Callable[..., Served], tmp_path: Path
) -> None:
    sim = serve_retailer(account(4, 612))
    result = production(sim, sheet(tmp_path, 7), "--yes")
    assert result.returncode == 0, result.stderr
    assert "This run adds 7 that count: 11 of 612 (1.8 %), within bol's 2 % norm." in result.stdout
    assert len(sim.ledger) == 7


def test_a_standing_that_is_not_known_does_not_hold(serve_retailer: Callable[..., Served], tmp_path: Path) -> None:
    sim = serve_retailer(account(600, 612), RetailerConfig(settle_seconds=0, indicator_status=500))
    result = production(sim, sheet(tmp_path, 11), "--yes")
    assert result.returncode == 0, result.stderr
    assert "This week's standing is not known: bol answered HTTP 500" in result.stdout
    assert len(sim.ledger) == 11


@pytest.mark.parametrize(("answers", "sent"), [("strike\ny\n", 11), ("STRIKE\ny\n", 11), ("yes\n", 0), ("\n", 0)])
def test_typed_confirmation_names_the_strike(
    serve_retailer: Callable[..., Served], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: str, sent: int
) -> None:
    monkeypatch.setattr("bulkcancel.cli.present._interactive", lambda: True)  # a person at a terminal
    sim = serve_retailer(account(4, 612))
    path = sheet(tmp_path, 11)
    result = CliRunnerInput.run(
        ["run", str(path), "--api", "retailer", "--env", "production", "--base-url", sim.url, "--quiet"], answers
    )
    assert "This run adds 11 that count: 15 of 612 (2.45 %), above bol's 2 % norm: expect a strike." in result.output
    assert "Type strike to accept the strike and go on, anything else to stop" in result.output
    assert len(sim.ledger) == sent
    assert result.exit_code == (0 if sent else 2)


def test_unknown_rows_that_could_cross_are_held_too(serve_retailer: Callable[..., Served], tmp_path: Path) -> None:
    sim = serve_retailer(account(4, 612))
    result = production(sim, sheet(tmp_path, 11, "REQUESTED_BY_CUSTOMER"), "--yes")  # not checked: may count
    assert result.returncode == 2 and "if its 11 rows of unknown count count" in result.stderr
    assert "15 of 612 items cancelled (2.45 %)" in result.stderr and "--check" in result.stderr
    assert sim.ledger == []


@pytest.mark.parametrize("env", [["--env", "test"], []])
def test_test_and_custom_environments_show_the_standing_but_never_hold(
    serve_retailer: Callable[..., Served], tmp_path: Path, env: list[str]
) -> None:
    sim = serve_retailer(account(4, 612))
    result = cli("run", str(sheet(tmp_path, 11)), "--api", "retailer", *env, "--base-url", sim.url, "--json",
                 env=CLIENT)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert as_json(result)["cancellation_norm"]["strike"] is True
    assert len(sim.ledger) == 11


def test_the_demo_shows_the_standing_but_never_holds(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"default": "open", "cancellation_weeks": [{"numerator": 4, "denominator": 612}]}))
    result = cli("run", str(sheet(tmp_path, 11)), "--api", "retailer", "--scenario", str(scenario), "--json")
    assert result.returncode == 0, result.stderr
    norm = as_json(result)["cancellation_norm"]
    assert norm["known"] is True and norm["strike"] is True and norm["this_run"] == 11
    assert as_json(result)["statuses"] == {"CANCELLED": 11}


def test_the_library_holds_a_strike_until_accepted(serve_retailer: Callable[..., Served], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    for name, value in CLIENT.items():
        monkeypatch.setenv(name, value)
    sim = serve_retailer(account(4, 612))
    path = sheet(tmp_path, 11)
    options: dict[str, Any] = {"api": "retailer", "env": "production", "base_url": sim.url, "production_ok": True}
    with pytest.raises(BulkCancelError, match="above bol's norm"):
        bulkcancel.run_sheet(path, **options)
    assert sim.ledger == []
    frame = bulkcancel.run_sheet(path, accept_strike=True, **options)
    effect = frame.attrs["cancellation_norm"]
    assert isinstance(effect, NormEffect) and isinstance(effect.standing, Standing)
    assert (effect.standing.numerator, effect.standing.denominator, effect.this_run, effect.strike) == (
        4,
        612,
        11,
        True,
    )
    assert len(sim.ledger) == 11


class CliRunnerInput:
    """The CLI in-process with what a person types (``CliRunner`` input)."""

    @staticmethod
    def run(args: list[str], typed: str) -> Any:
        from click.testing import CliRunner

        from bulkcancel.cli import cli as group

        return CliRunner().invoke(group, args, input=typed, env={"BULKCANCEL_DEBUG": "1", **CLIENT},
                                  catch_exceptions=False)  # fmt: skip


def in_terminal(args: list[str], answers: list[tuple[bytes, str]], env: dict[str, str]) -> tuple[int, str]:
    """The CLI in a pseudo-terminal, answering each question (``(what it asks, the answer)``) in turn."""
    import os
    import pty
    import select
    import sys
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: become the CLI
        os.execve(sys.executable, [sys.executable, "-m", "bulkcancel", *args], {**os.environ, **env})  # noqa: S606
    output, left, deadline = b"", list(answers), time.monotonic() + 120
    while time.monotonic() < deadline:
        if not select.select([fd], [], [], 0.5)[0]:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if left and left[0][0] in output:
            os.write(fd, left.pop(0)[1].encode() + b"\r")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


@pytest.mark.slow
@pytest.mark.parametrize(("strike", "sent"), [("strike", 11), ("no", 0)])
def test_the_strike_is_typed_in_a_real_terminal(
    serve_retailer: Callable[..., Served], tmp_path: Path, strike: str, sent: int
) -> None:
    sim = serve_retailer(account(4, 612))
    args = ["run", str(sheet(tmp_path, 11)), "--api", "retailer", "--env", "production", "--base-url", sim.url]
    code, text = in_terminal([*args, "--quiet"], [(b"Type strike", strike), (b"[y/N]", "y")], CLIENT)
    assert "15 of 612 (2.45 %), above bol's 2 % norm: expect a strike." in text
    assert len(sim.ledger) == sent
    assert code == (0 if sent else 2), text


def test_bols_week_comes_from_the_runs_clock(serve_retailer: Callable[..., Served], tmp_path: Path) -> None:
    """Sunday 23:30 UTC is Monday 00:30 in Amsterdam: the run asks for the new ISO week."""
    from bulkcancel.pipeline import run
    from bulkcancel.settings import Settings

    scenario = account(4, 612)
    scenario.cancellation_weeks = (WeekNumbers(9, 300, 2026, 50),)  # only the new week has numbers
    sim = serve_retailer(scenario)
    settings = Settings(base_url=sim.url, api=Api.RETAILER, dry_run=True, check=True, out=tmp_path / "plan.xlsx")
    outcome = run(sheet(tmp_path, 2), settings, clock=lambda: datetime(2026, 12, 6, 23, 30, tzinfo=UTC))
    assert outcome.norm is not None and outcome.norm.standing == Standing(Week(2026, 50), 9, 300, 0.02, 0.03)
    assert outcome.norm.this_run == 2


def test_rows_followed_up_were_counted_by_the_run_that_sent_them(
    serve_retailer: Callable[..., Served], tmp_path: Path
) -> None:
    sim = serve_retailer(account(4, 612))
    path = sheet(tmp_path, 3)
    args = ["run", str(path), "--api", "retailer", "--base-url", sim.url, "--json", "--force"]
    first = cli(*args, "--no-follow", env=CLIENT)
    assert as_json(first)["statuses"] == {"ACCEPTED": 3} and as_json(first)["cancellation_norm"]["this_run"] == 3
    again = cli(*args, env=CLIENT)  # follows the three up: nothing is sent again
    assert as_json(again)["statuses"] == {"CANCELLED": 3} and as_json(again)["cancellation_norm"]["this_run"] == 0
    assert len(sim.ledger) == 3


def test_plaza_gives_the_promised_date_in_its_list(serve: Callable[..., Served], tmp_path: Path) -> None:
    items = [
        ScenarioItem(str(FIRST), order_id="41", cancel_request=True, latest_delivery="2020-01-02"),
        ScenarioItem(str(FIRST + 1), order_id="42", cancel_request=True, latest_delivery="2099-12-31"),
    ]
    sim = serve(account(None, 0, items))
    path = sheet(tmp_path, 2, "REQUESTED_BY_CUSTOMER")
    result = cli("plan", str(path), "--base-url", sim.url, "--json")
    assert result.returncode == 0, result.stderr
    assert as_json(result)["cancellation_norm"]["known"] is False  # Plaza: no standing, but the rows are known
    assert [r["Counts against score"] for r in read_results(tmp_path / "week-plan.xlsx")] == [
        "yes: confirmed after the promised delivery date",
        "no",
    ]
