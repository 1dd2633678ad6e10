"""Know before you cancel: the check against open orders, requests, consent, canary, --json."""

from __future__ import annotations

import json
import os
import pty
import select
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bulkcancel.backend import OpenOrderItem
from bulkcancel.reasons import ReasonCode
from bulkcancel.send.preflight import judge
from bulkcancel.simulator import Scenario
from bulkcancel.simulator.scenario import ScenarioItem, Seller
from tests.conftest import bulkcancel, read_results, write_csv

KEYS = {"BOL_PUBLIC_KEY": "PRODUCTIONLIKEKEY123", "BOL_PRIVATE_KEY": "production-like-private-key-0123456789"}


def item(item_id: str, cancel_request: bool = False, fulfilment: str = "FBR") -> OpenOrderItem:
    return OpenOrderItem("4" + item_id, item_id, "871", "t", 1, cancel_request, fulfilment, "")


@pytest.mark.parametrize(
    ("item_id", "reason", "allow", "send", "words"),
    [
        ("1", ReasonCode.OUT_OF_STOCK, False, True, "checked: open"),
        ("9", ReasonCode.OUT_OF_STOCK, False, False, "not among bol's open orders"),
        ("2", ReasonCode.REQUESTED_BY_CUSTOMER, False, True, "customer asked to cancel"),
        ("1", ReasonCode.REQUESTED_BY_CUSTOMER, False, False, "the customer did not ask"),
        ("1", ReasonCode.REQUESTED_BY_CUSTOMER, True, True, "allowed by option"),
        ("2", ReasonCode.OUT_OF_STOCK, False, False, "use REQUESTED_BY_CUSTOMER instead of OUT_OF_STOCK"),
        ("2", ReasonCode.OUT_OF_STOCK, True, True, "would not count against your score"),
        ("3", ReasonCode.OUT_OF_STOCK, False, True, "FBB: bol fulfils this item"),
    ],
)
def test_each_preflight_class(item_id: str, reason: ReasonCode, allow: bool, send: bool, words: str) -> None:
    open_items = {"1": item("1"), "2": item("2", cancel_request=True), "3": item("3", fulfilment="FBB")}
    verdict = judge(item_id, reason, open_items, allow)
    assert verdict.send is send
    assert words in verdict.detail


def scenario() -> Scenario:
    items = [
        ScenarioItem("2012345601", "open", "41"),
        ScenarioItem("2012345602", "shipped", "42"),
        ScenarioItem("2012345603", "cancelled", "43"),
        ScenarioItem("2012345604", "unknown", "44"),
        ScenarioItem("2012345605", "open", "45", cancel_request=True),
        ScenarioItem("2012345606", "open", "46", cancel_request=True),
        ScenarioItem("2012345607", "open", "47"),
        ScenarioItem("2012345608", "open", "48", fulfilment="FBB"),
    ]
    return Scenario(
        items={i.id: i for i in items},
        default="unknown",
        sellers=(Seller(KEYS["BOL_PUBLIC_KEY"], KEYS["BOL_PRIVATE_KEY"]),),
    )


SHEET = [
    ["OrderItemId", "ReasonCode"],
    ["2012345601", "OUT_OF_STOCK"],
    ["2012345602", "OUT_OF_STOCK"],
    ["2012345603", "OUT_OF_STOCK"],
    ["2012345604", "OUT_OF_STOCK"],
    ["2012345605", "REQUESTED_BY_CUSTOMER"],
    ["2012345606", "OUT_OF_STOCK"],
    ["2012345607", "REQUESTED_BY_CUSTOMER"],
    ["2012345608", "OTHER"],
]


def test_plan_classifies_and_sends_nothing(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(scenario())
    sheet = write_csv(tmp_path / "w.csv", SHEET)
    result = bulkcancel("plan", str(sheet), "--base-url", sim.url, env=KEYS)
    assert result.returncode == 1, result.stderr
    rows = read_results(tmp_path / "w-plan.xlsx")
    assert [r["Status"] for r in rows] == [
        "READY",
        "INVALID",
        "INVALID",
        "INVALID",
        "READY",
        "INVALID",
        "INVALID",
        "READY",
    ]
    assert "not among bol's open orders" in str(rows[1]["Detail"])
    assert "use REQUESTED_BY_CUSTOMER instead of OUT_OF_STOCK" in str(rows[5]["Detail"])
    assert "the customer did not ask" in str(rows[6]["Detail"])
    assert "FBB" in str(rows[7]["Detail"])
    assert sim.cancelled_ids() == []


def test_run_with_check_sends_only_what_the_plan_says(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(scenario())
    sheet = write_csv(tmp_path / "w.csv", SHEET)
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--check", "--quiet", env=KEYS)
    assert result.returncode == 1
    assert sorted(sim.cancelled_ids()) == ["2012345601", "2012345605", "2012345608"]
    statuses = [r["Status"] for r in read_results(tmp_path / "w-results.xlsx")]
    assert statuses == [
        "CANCELLED",
        "INVALID",
        "INVALID",
        "INVALID",
        "CANCELLED",
        "INVALID",
        "INVALID",
        "CANCELLED",
    ]
    mismatch = bulkcancel(
        "run", str(sheet), "--base-url", sim.url, "--check", "--quiet", "--allow-reason-mismatch", env=KEYS
    )
    assert mismatch.returncode == 1
    assert sorted(sim.cancelled_ids()[3:]) == ["2012345606", "2012345607"]


def test_requests_across_pages(serve: Callable[..., Any], tmp_path: Path) -> None:
    items = {
        str(2012340000 + n): ScenarioItem(
            str(2012340000 + n),
            "open",
            str(4000 + n),
            cancel_request=n % 3 != 0,
            title=f"Item {n}",
            quantity=2,
        )
        for n in range(90)
    }
    items["2012349999"] = ScenarioItem("2012349999", "open", "4999", cancel_request=True, fulfilment="FBB")
    sim = serve(Scenario(items=items))
    out = tmp_path / "requests.xlsx"
    result = bulkcancel("requests", "--base-url", sim.url, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "61 customer cancellation requests" in result.stdout
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Cancellations", "Instructions"]
    rows = list(book["Cancellations"].iter_rows(values_only=True))
    assert rows[0][:9] == (
        "OrderItemId",
        "ReasonCode",
        "DateTime",
        "Note",
        "OrderId",
        "EAN",
        "Title",
        "Quantity",
        "FulfilmentMethod",
    )
    listed = [r for r in rows[1:] if r[0]]
    assert len(listed) == 61
    assert {r[1] for r in listed} == {"REQUESTED_BY_CUSTOMER"} and {r[2] for r in listed} == {None}
    assert "2012349999" in {r[0] for r in listed}
    assert sim.app.state.ledger == []  # listing sends no cancellation
    # The sheet runs as it is.
    again = bulkcancel("run", str(out), "--base-url", sim.url, "--check", "--quiet")
    assert again.returncode == 0, again.stdout
    assert len(sim.cancelled_ids()) == 61


def run_in_terminal(args: list[str], answer: str, env: dict[str, str], timeout: float = 60) -> tuple[int, str]:
    """The CLI in a pseudo-terminal, answering its first question like a person would."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the CLI
        os.execve(sys.executable, [sys.executable, "-m", "bulkcancel", *args], {**os.environ, **env})  # noqa: S606
    output, answered, deadline = b"", False, time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if not answered and (b"to cancel them" in output or b"[y/N]" in output):
            os.write(fd, answer.encode() + b"\r")
            answered = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def big_sheet(tmp_path: Path, count: int) -> Path:
    return write_csv(
        tmp_path / f"w{count}.csv",
        [["OrderItemId", "ReasonCode"]]
        + [[str(2012350000 + n), "OUT_OF_STOCK" if n % 2 else "REQUESTED_BY_CUSTOMER"] for n in range(count)],
    )


def prod_scenario() -> Scenario:
    return Scenario(default="open", sellers=(Seller(KEYS["BOL_PUBLIC_KEY"], KEYS["BOL_PRIVATE_KEY"]),))


@pytest.mark.slow
@pytest.mark.parametrize(("answer", "sent"), [("60", 60), ("y", 0), ("59", 0)])
def test_typed_confirmation_for_big_production_runs(
    serve: Callable[..., Any], tmp_path: Path, answer: str, sent: int
) -> None:
    sim = serve(prod_scenario())
    code, text = run_in_terminal(
        ["run", str(big_sheet(tmp_path, 60)), "--env", "production", "--base-url", sim.url, "--quiet"],
        answer,
        KEYS,
    )
    assert "60 order items will be cancelled" in text
    assert "30 count against bol's cancellation norm, 30 may (not known: see below)" in text
    assert "stock is set to 0" in text.replace("the offers' stock is set to 0", "stock is set to 0")
    assert "Type 60 to cancel them" in text
    assert len(sim.cancelled_ids()) == sent
    assert code == (0 if sent else 2), text


@pytest.mark.slow
@pytest.mark.parametrize(("answer", "sent"), [("y", 3), ("n", 0)])
def test_small_production_runs_ask_yes_or_no(serve: Callable[..., Any], tmp_path: Path, answer: str, sent: int) -> None:
    sim = serve(prod_scenario())
    code, text = run_in_terminal(
        ["run", str(big_sheet(tmp_path, 3)), "--env", "production", "--base-url", sim.url, "--quiet"],
        answer,
        KEYS,
    )
    assert "Cancel these 3 order items? [y/N]" in text
    assert len(sim.cancelled_ids()) == sent
    assert code == (0 if sent else 2), text


def test_yes_skips_the_question(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(prod_scenario())
    result = bulkcancel(
        "run",
        str(big_sheet(tmp_path, 60)),
        "--env",
        "production",
        "--base-url",
        sim.url,
        "--yes",
        "--quiet",
        env=KEYS,
    )
    assert result.returncode == 0, result.stderr
    assert len(sim.cancelled_ids()) == 60


def test_canary_stops_when_a_canary_row_fails(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(Scenario(items={"2012350001": ScenarioItem("2012350001", "shipped")}, default="open"))
    sheet = big_sheet(tmp_path, 10)
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--canary", "3", "--yes", "--quiet")
    assert result.returncode == 3, result.stderr
    assert "Canary: 2 CANCELLED, 1 FAILED" in result.stdout
    assert sorted(sim.cancelled_ids()) == ["2012350000", "2012350001", "2012350002"]
    statuses = [r["Status"] for r in read_results(tmp_path / "w10-results.xlsx")]
    assert statuses == ["CANCELLED", "FAILED", "CANCELLED"] + ["NOT_SENT"] * 7


def test_canary_goes_on_when_it_succeeds(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    result = bulkcancel("run", str(big_sheet(tmp_path, 10)), "--base-url", sim.url, "--canary", "3", "--yes", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "Canary: 3 CANCELLED" in result.stdout
    assert len(sim.cancelled_ids()) == 10


def test_canary_without_a_terminal_or_yes_stops(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    result = bulkcancel("run", str(big_sheet(tmp_path, 10)), "--base-url", sim.url, "--canary", "2", "--quiet")
    assert result.returncode == 3
    assert len(sim.cancelled_ids()) == 2


def test_json_summary(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = write_csv(tmp_path / "j.csv", [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"], ["x", "OTHER"]])
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["exit_code"] == 1 and data["rows"] == 2
    assert data["statuses"] == {"CANCELLED": 1, "INVALID": 1}
    assert data["result"].endswith("j-results.xlsx") and data["run_id"]
