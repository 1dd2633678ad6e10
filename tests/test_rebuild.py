"""A rebuilt result is the result: ``report RUN_ID`` writes, cell for cell, the workbook the run wrote."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bulkcancel.plaza.signing import DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY
from bulkcancel.simulator import SimulatorConfig
from bulkcancel.simulator.scenario import Scenario, ScenarioItem
from tests.conftest import bulkcancel, write_csv, write_xlsx

KEYS = {"BOL_PUBLIC_KEY": DEMO_PUBLIC_KEY, "BOL_PRIVATE_KEY": DEMO_PRIVATE_KEY}


def _workbook(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every cell of every sheet, in order."""
    book = openpyxl.load_workbook(path)
    try:
        return {sheet.title: [tuple(c.value for c in row) for row in sheet.iter_rows()] for sheet in book.worksheets}
    finally:
        book.close()


def _dutch_sheet(path: Path) -> Path:
    return write_xlsx(
        path,
        [
            ["OrderregelId", "Reden", "Datum", "Opmerking"],
            *[[str(2012340000 + n), "Niet op voorraad", "29-11-2026 14:30", f"regel {n}"] for n in range(6)],
            ["2012340001", "OUT_OF_STOCK", "29-11-2026", "dubbel"],
            ["12ab", "OUT_OF_STOCK", "", "ongeldig"],
            ["2012349999", "requested by customer", "", "verzonden"],
        ],
        title="Blad1",
    )


def _run_id(stdout: str) -> str:
    return next(line.split(": ")[1] for line in stdout.splitlines() if line.startswith(("Run id: ", "Run-id: ")))


@pytest.mark.parametrize("extra", [(), ("--no-follow", "--concurrency", "2")])
def test_report_rebuilds_a_dutch_run_in_new_york_time_cell_for_cell(
    serve: Callable[..., Any], tmp_path: Path, extra: tuple[str, ...]
) -> None:
    shipped = Scenario(items={"2012349999": ScenarioItem(id="2012349999", state="shipped")})
    sim = serve(shipped, SimulatorConfig(settle_seconds=0, daily_limit=4))  # bol's limit stops it: NOT_SENT rows
    sheet = _dutch_sheet(tmp_path / "annuleringen.xlsx")
    ran = bulkcancel(
        "run", str(sheet), "--base-url", sim.url, "--quiet", "--lang", "nl", "--timezone", "America/New_York", *extra,
        env=KEYS,
    )  # fmt: skip
    assert ran.returncode == 3, ran.stdout + ran.stderr
    run_id = _run_id(ran.stdout)
    written = _workbook(tmp_path / "annuleringen-results.xlsx")
    assert list(written) == ["Resultaten", "Samenvatting", "Opnieuw"]
    rebuilt = bulkcancel("report", run_id, "--out", str(tmp_path / "rebuilt.xlsx"))
    assert rebuilt.returncode == 0, rebuilt.stderr
    again = _workbook(tmp_path / "rebuilt.xlsx")
    assert again == written  # every sheet, header and cell; times in New York
    summary = dict((line[0], line[1]) for line in written["Samenvatting"] if line and line[0])
    assert summary["Tijdzone"] == "America/New_York" and summary["Run-id"] == run_id
    assert "limiet van bol" in str(summary["Eerder gestopt"])  # the stop, in Dutch, kept by the journal


def test_report_rebuilds_a_stopped_retailer_run_and_the_english_demo(tmp_path: Path) -> None:
    sheet = tmp_path / "w.xlsx"
    write_xlsx(
        sheet,
        [["OrderItemId", "ReasonCode", "DateTime"], ["2012345601", "OUT_OF_STOCK", "30-11-2026 09:00"], ["x", "", ""]],
    )
    for api in ("plaza", "retailer"):
        ran = bulkcancel("run", str(sheet), "--api", api, "--quiet", "--force", "--timezone", "Asia/Tokyo")
        assert ran.returncode == 1, ran.stdout + ran.stderr
        rebuilt = bulkcancel("report", _run_id(ran.stdout), "--out", str(tmp_path / f"{api}.xlsx"))
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert _workbook(tmp_path / f"{api}.xlsx") == _workbook(tmp_path / "w-results.xlsx"), api


def test_report_rebuilds_a_csv_result_byte_for_byte_with_the_sheets_delimiter(tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path / "export.csv",
        [["OrderregelId", "Reden", "Datum"], ["2012345601", "Niet op voorraad", "30-11-2026 09:00"], ["x", "", ""]],
        delimiter=";",
    )
    ran = bulkcancel("run", str(sheet), "--quiet", "--out", str(tmp_path / "uit.csv"), "--timezone", "Europe/London")
    assert ran.returncode == 1, ran.stdout + ran.stderr
    rebuilt = bulkcancel("report", _run_id(ran.stdout), "--out", str(tmp_path / "opnieuw.csv"))
    assert rebuilt.returncode == 0, rebuilt.stderr
    written = (tmp_path / "uit.csv").read_bytes()
    assert written.decode("utf-8-sig").splitlines()[0].startswith("Rij;OrderregelId;Reden")  # the sheet's ";"
    assert (tmp_path / "opnieuw.csv").read_bytes() == written
