"""Results staff read without help: the workbook read back with openpyxl, the CLI as a person meets it."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bulkcancel.simulator import Scenario
from bulkcancel.simulator.scenario import ScenarioItem
from tests.conftest import bulkcancel, read_results, read_summary, write_csv, write_xlsx

DUTCH = [
    ["Orderregel", "Reden", "Datum", "Opmerking"],
    ["2012345601", "klantverzoek", "27-11-2026 09:15", "belde"],
    ["2012345602", "Niet op voorraad", "", ""],
    ["2012345603", "uitverkoch", "", "typo"],
]
ENGLISH = [
    ["OrderItemId", "ReasonCode", "DateTime", "Note"],
    ["2012345601", "out of stock", "27-11-2026 09:15", "a"],
    ["2012345602", "REQUESTED_BY_CUSTOMER", "", "b"],
    ["2012345603", "OUT_OF_STOK", "", "typo"],
    ["2012345604", "OTHER", "", "shipped"],
]


def _run(serve: Callable[..., Any], tmp_path: Path, rows: list[list[str]], *extra: str) -> tuple[Any, Path]:
    sim = serve(Scenario(items={"2012345604": ScenarioItem("2012345604", "shipped")}))
    sheet = write_xlsx(tmp_path / "week.xlsx", rows)
    return bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", *extra), tmp_path / "week-results.xlsx"


def test_the_code_sent_and_the_score_are_shown(serve: Callable[..., Any], tmp_path: Path) -> None:
    _, out = _run(serve, tmp_path, ENGLISH)
    rows = read_results(out)
    assert [(r["Sent as"], r["Counts against score"]) for r in rows] == [
        ("OUT_OF_STOCK", "yes"),
        ("REQUESTED_BY_CUSTOMER", "unknown: not checked whether the customer asked (--check)"),
        (None, None),  # INVALID: nothing sent
        ("OTHER", None),  # FAILED: sent, but no cancellation was made
    ]


def test_times_are_local_date_cells_with_names_that_say_which(serve: Callable[..., Any], tmp_path: Path) -> None:
    _, out = _run(serve, tmp_path, ENGLISH)
    sheet = openpyxl.load_workbook(out)["Results"]
    header = [c.value for c in sheet[1]]
    given, sent = (
        sheet.cell(2, header.index("Time given to bol") + 1),
        sheet.cell(2, header.index("Request sent at") + 1),
    )
    assert given.value == datetime(2026, 11, 27, 9, 15) and given.number_format == "dd-mm-yyyy hh:mm"
    assert isinstance(sent.value, datetime) and sent.is_date
    assert "SentDateTime" not in header and "SentAt" not in header
    assert sheet["A2"].value == 2 and sheet["A2"].data_type == "n"  # the Row column is a number


def test_readable_at_a_glance(serve: Callable[..., Any], tmp_path: Path) -> None:
    _, out = _run(serve, tmp_path, ENGLISH)
    book = openpyxl.load_workbook(out)
    results = book["Results"]
    header = [c.value for c in results[1]]
    detail, status = header.index("Detail") + 1, header.index("Status") + 1
    assert results.cell(2, detail).alignment.wrap_text
    fills = {results.cell(r, status).value: results.cell(r, status).fill.start_color.rgb for r in range(2, 6)}
    assert len(set(fills.values())) == len(fills)  # CANCELLED, INVALID and FAILED each have their own colour
    assert fills["FAILED"] != fills["INVALID"]
    for sheet in (results, book["Summary"], book["Retry"]):
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows in ("1:1", "$1:$1")
    with zipfile.ZipFile(out) as archive:
        assert b'numberStoredAsText="1"' in archive.read("xl/worksheets/sheet1.xml")
    legend = [row for row in book["Summary"].iter_rows(values_only=True) if row[0] in ("FAILED", "INVALID")]
    assert len(legend) == 4  # counted once and explained once in the legend, each


def test_a_summary_that_reports(serve: Callable[..., Any], tmp_path: Path) -> None:
    _, out = _run(serve, tmp_path, ENGLISH)
    counts, facts = read_summary(out)
    assert counts == {"CANCELLED": 2, "FAILED": 1, "INVALID": 1, "Total": 4}
    assert facts["Against the performance score"] == 1  # OUT_OF_STOCK counts; REQUESTED_BY_CUSTOMER: not known
    assert str(facts["Duration"]).endswith(" s") and facts["Retries"] == 0 and facts["Rate-limit waits"] == 0
    assert "1 INVALID: fix them on the Retry sheet and run it again" in facts
    assert any(str(key).startswith("1 FAILED") for key in facts)
    charts = openpyxl.load_workbook(out)["Summary"]._charts
    assert len(charts) == 1  # a native Excel chart of the outcome


def test_a_plan_counts_only_what_it_will_send(serve: Callable[..., Any], tmp_path: Path) -> None:
    items = {
        "2012345601": ScenarioItem("2012345601", "open", "4001"),
        "2012345602": ScenarioItem("2012345602", "open", "4002", cancel_request=True),
        "2012345604": ScenarioItem("2012345604", "shipped", "4004"),
    }
    sim = serve(Scenario(items=items))
    sheet = write_xlsx(tmp_path / "week.xlsx", ENGLISH)
    result = bulkcancel("plan", str(sheet), "--base-url", sim.url)
    assert result.returncode == 1, result.stderr
    _, facts = read_summary(tmp_path / "week-plan.xlsx")
    assert facts["ReasonCode"] == "Cancellations to send"
    assert facts["OUT_OF_STOCK"] == 1 and facts["REQUESTED_BY_CUSTOMER"] == 1
    assert "OTHER" not in facts  # not open: the plan refuses it, so it is not counted


def test_already_cancelled_elsewhere_is_not_a_failure(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(Scenario(items={"2012345601": ScenarioItem("2012345601", "cancelled")}))
    sheet = write_csv(
        tmp_path / "w.csv", [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"], ["2012345602", "OTHER"]]
    )
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    assert result.returncode == 0, result.stdout
    rows = read_results(tmp_path / "w-results.xlsx")
    assert [r["Status"] for r in rows] == ["ALREADY_CANCELLED", "CANCELLED"]
    assert "not by bulkcancel" in str(rows[0]["Detail"])
    assert read_results(tmp_path / "w-results.xlsx", "Retry") == []


def test_dutch_throughout(serve: Callable[..., Any], tmp_path: Path) -> None:
    result, out = _run(serve, tmp_path, DUTCH)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Resultaten", "Samenvatting", "Opnieuw"]
    header = [c.value for c in book["Resultaten"][1]]
    assert header[0] == "Rij" and {"Toelichting", "Verzonden als", "Telt mee voor score"} <= set(header)
    rows = read_results(out, "Resultaten")
    assert [r["Verzonden als"] for r in rows[:2]] == ["REQUESTED_BY_CUSTOMER", "OUT_OF_STOCK"]
    assert [r["Telt mee voor score"] for r in rows[:2]] == [
        "onbekend: niet nagekeken of de klant erom vroeg (--check)",
        "ja",
    ]
    _, facts = read_summary(out, "Samenvatting")
    assert "Telt mee voor de score" in facts and "Wat nu" in facts and "Invoerbestand" in facts
    assert "Rijen" in result.stdout and "Totaal" in result.stdout and "Resultaat:" in result.stdout
    assert "verbeter ze op het tabblad Opnieuw" in result.stdout
    template = tmp_path / "sjabloon.xlsx"
    assert bulkcancel("template", str(template), "--lang", "nl").returncode == 0
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["Annuleringen", "Uitleg"]
    guide = [row for row in book["Uitleg"].iter_rows(values_only=True)]
    assert guide[0][0] == "Zo vul je het tabblad Annuleringen in"
    assert (
        "REQUESTED_BY_CUSTOMER",
        "Bevestigt het annuleringsverzoek van de klant zelf",
        "nee, als de klant erom vroeg en het uiterlijk op de beloofde leverdatum bevestigd wordt; "
        "ja als de klant er niet om vroeg, of na die datum",
    ) in guide
    filled = book["Annuleringen"]
    filled["A2"], filled["B2"] = "2012345601", "OTHER"
    book.save(template)
    assert "Controle (niets verstuurd)" in bulkcancel("validate", str(template)).stdout  # its column names are Dutch
    system = tmp_path / "system.xlsx"
    assert bulkcancel("template", str(system), env={"LC_ALL": "", "LANG": "nl_NL.UTF-8"}).returncode == 0
    assert openpyxl.load_workbook(system).sheetnames == ["Annuleringen", "Uitleg"]


def test_a_csv_result_keeps_the_inputs_delimiter(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = write_csv(tmp_path / "nl.csv", DUTCH[:3], delimiter=";")
    out = tmp_path / "uit.csv"
    assert bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--out", str(out)).returncode == 0
    first, second = out.read_text(encoding="utf-8-sig").splitlines()[:2]
    assert first.startswith("Rij;Orderregel;Reden;Datum;Opmerking;Status;Toelichting")
    assert ";2026-11-27T09:15:00.000+01:00;" in second  # the exact ISO time given to bol


def test_nothing_is_overwritten_silently(
    serve: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    template = tmp_path / "t.xlsx"
    assert bulkcancel("template", str(template)).returncode == 0
    again = bulkcancel("template", str(template))
    assert again.returncode == 2 and "--force" in again.stderr
    assert bulkcancel("template", str(template), "--force").returncode == 0
    assert bulkcancel("template", str(tmp_path / "t.csv")).returncode == 2  # never xlsx bytes under .csv

    sim = serve(Scenario(items={"2012345601": ScenarioItem("2012345601", "open", "4001", cancel_request=True)}))
    first = bulkcancel("requests", "--base-url", sim.url)
    second = bulkcancel("requests", "--base-url", sim.url)
    names = sorted(p.name for p in tmp_path.glob("customer-requests-*.xlsx"))
    chosen = next(name for name in names if name.endswith("-2.xlsx"))
    assert first.returncode == second.returncode == 0
    assert len(names) == 2 and chosen in second.stdout  # a new name (the sheet under review is kept), and it says which

    sheet = write_csv(tmp_path / "w.csv", [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"]])
    bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet")
    real = (tmp_path / "w-results.xlsx").read_bytes()
    bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--dry-run")
    report = bulkcancel("report")
    assert report.returncode == 0, report.stderr  # it wrote what was asked: exit 0
    assert (tmp_path / "w-results.xlsx").read_bytes() == real  # neither replaced the real result
    assert (tmp_path / "w-dry-run.xlsx").exists()
    assert "w-results-" in report.stdout


def test_runs_lists_the_journal(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = write_csv(tmp_path / "w.csv", [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"], ["x", "OTHER"]])
    done = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--json")
    listed = bulkcancel("runs", env={"COLUMNS": "250", "TERM": "xterm"})  # rich gives a dumb terminal 80
    assert listed.returncode == 0
    run_id = __import__("json").loads(done.stdout)["run_id"]
    lines = listed.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if run_id in line)
    line, more = lines[first], lines[first + 1]  # one status a line
    assert "w.csv" in line and "1 CANCELLED" in line and "1 INVALID" in more and "custom" in line


@pytest.mark.parametrize(
    ("make", "args", "words"),
    [
        (
            lambda p: write_csv(p / "o.csv", [["Order", "ReasonCode"], ["41234", "OTHER"]]),
            (),
            "an order id is not an order item id",
        ),
        (lambda p: _zip(p / "doc.xlsx", "word/document.xml"), (), "is a Word document"),
        (lambda p: _bytes(p / "scan.xlsx", b"%PDF-1.7\n..."), (), "is a PDF document"),
        (
            lambda p: write_csv(p / "w.csv", [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"]]),
            ("--canary", "-2"),
            "--canary",
        ),
        (
            lambda p: write_csv(p / "w.csv", [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"]]),
            ("--out", "out.docx"),
            ".xlsx or .csv",
        ),
    ],
    ids=["order-column", "docx", "pdf", "negative-canary", "docx-out"],
)
def test_messages_point_the_right_way(tmp_path: Path, make: Any, args: tuple[str, ...], words: str) -> None:
    result = bulkcancel("run", str(make(tmp_path)), *args)
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert "did you mean 'Order'" not in result.stderr


def _zip(path: Path, member: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, "<w/>")
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_the_canary_names_the_rows_as_the_sheet_does(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(Scenario(items={"2012345602": ScenarioItem("2012345602", "shipped")}, default="open"))
    rows = [
        ["Week 48"],
        ["OrderItemId", "ReasonCode"],
        ["2012345601", "OTHER"],
        ["2012345602", "OTHER"],
        ["2012345603", "OTHER"],
    ]
    result = bulkcancel(
        "run", str(write_csv(tmp_path / "w.csv", rows)), "--base-url", sim.url, "--canary", "2", "--yes", "--quiet"
    )
    assert "row 4: FAILED" in result.stdout  # the sheet's row 4, not "row 2"


def test_the_environment_says_where_and_a_dry_run_needs_no_keys(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = write_csv(tmp_path / "w.csv", [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"]])
    run = bulkcancel("run", str(sheet), "--base-url", sim.url)
    assert f"Run on custom: {sim.url}" in run.stdout
    dry = bulkcancel("run", str(sheet), "--env", "production", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "no API keys set" in dry.stdout
    template = tmp_path / "tpl.xlsx"
    bulkcancel("template", str(template), "--lang", "en")
    ws = openpyxl.load_workbook(template)["Cancellations"]
    ws["A2"], ws["B2"] = "2012345601", "OTHER"
    ws.parent.save(template)
    checked = bulkcancel("validate", str(template))
    assert "Note: read sheet" not in checked.stdout  # one table, in the active sheet: nothing to say


def test_reading_notes_speak_the_sheets_language(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = tmp_path / "nl.csv"
    sheet.write_text('Orderregel;Reden;Opmerking\n2012345601;OUT_OF_STOCK;"twee\nregels"\n2012345602;OTHER;x\n')
    result = bulkcancel("run", str(sheet), "--base-url", sim.url, "--quiet", "--daily-budget", "1")
    assert "Let op: rij 2 (regels 2-3 van het bestand) bevat een waarde tussen aanhalingstekens" in result.stdout
    assert "1 rij(en) boven het dagbudget van 1 annuleringen" in result.stdout
    english = bulkcancel("validate", str(sheet), "--lang", "en")
    assert "Note: row 2 (lines 2-3 of the file) holds a quoted value with line breaks" in english.stdout
