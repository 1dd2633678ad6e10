"""Why a run stopped early travels as a value (``results.Stop``) to every edge: the console and
``--json``, the journal, the Summary (in the run's language) and the rows it left unsent."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bulkcancel.journal.store import Journal
from bulkcancel.plaza.signing import DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY
from bulkcancel.results import StopReason
from bulkcancel.simulator import SimulatorConfig
from tests.conftest import bulkcancel, read_results, read_summary, write_csv

KEYS = {"BOL_PUBLIC_KEY": DEMO_PUBLIC_KEY, "BOL_PRIVATE_KEY": DEMO_PRIVATE_KEY}


def _sheet(tmp_path: Path, count: int, dutch: bool = False) -> Path:
    header = ["OrderregelId", "Reden"] if dutch else ["OrderItemId", "ReasonCode"]
    return write_csv(tmp_path / "s.csv", [header, *[[str(2012340000 + n), "OUT_OF_STOCK"] for n in range(count)]])


def test_a_rate_limit_stop_reaches_json_journal_summary_and_rows(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0, daily_limit=2))
    sheet = _sheet(tmp_path, 5, dutch=True)
    ran = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--json", env=KEYS)
    said = json.loads(ran.stdout)
    assert ran.returncode == 3 and said["stop"] == StopReason.RATE_LIMIT.value
    assert "limiet van bol" in said["message"]  # the words in the sheet's language (Dutch headers)
    with Journal(tmp_path / "journal.sqlite3", "", "", read_only=True) as journal:
        run = journal.run_info(said["run_id"])
    assert run is not None and run.stop is not None and run.stop.reason is StopReason.RATE_LIMIT
    _, facts = read_summary(tmp_path / "s-results.xlsx", "Samenvatting")
    assert "limiet van bol" in str(facts["Eerder gestopt"])
    rows = read_results(tmp_path / "s-results.xlsx", "Resultaten")
    unsent = [r for r in rows if r["Status"] == "NOT_SENT"]
    assert unsent and all(str(r["Toelichting"]).startswith("niet verstuurd: de limiet van bol") for r in unsent)


def test_a_server_that_cannot_be_reached_stops_before_anything_is_sent(tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, 2)
    ran = bulkcancel("run", str(sheet), "--base-url", "http://127.0.0.1:9", "--quiet", "--json", env=KEYS)
    said = json.loads(ran.stdout)
    assert ran.returncode == 3 and said["stop"] == StopReason.UNREACHABLE.value and said["run_id"] is None
    assert "nothing was sent" in said["message"]
    _, facts = read_summary(tmp_path / "s-results.xlsx")
    assert "nothing was sent" in str(facts["Stopped early"]) and "Run id" not in facts  # never journaled


def test_a_run_that_ends_well_has_no_stop(tmp_path: Path) -> None:
    ran = bulkcancel("run", str(_sheet(tmp_path, 1)), "--quiet", "--json")
    said = json.loads(ran.stdout)
    assert ran.returncode == 0 and said["stop"] is None and said["message"] is None
    _, facts = read_summary(tmp_path / "s-results.xlsx")
    assert "Stopped early" not in facts
