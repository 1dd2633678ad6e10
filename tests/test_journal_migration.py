"""A journal written before the run record (schema 3, ``tests/fixtures/journal-v3.sqlite3``,
made by ``tests/fixtures/make_journal_v3.py``) is upgraded in place: every run comes back as
the record it was, and ``report`` rebuilds the workbooks those runs wrote."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from bulkcancel.journal.store import SCHEMA_VERSION, Journal
from bulkcancel.norm.counting import Counting
from bulkcancel.output.labels import word
from bulkcancel.output.normwords import counting_cell
from bulkcancel.pipeline import report, run_history
from bulkcancel.results import RunRecord
from bulkcancel.sheet.headers import OUTCOME_HEADERS
from bulkcancel.statuses import ExitCode, RowStatus
from bulkcancel.targets import Api, Environment, Target

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MADE_IN = "/tmp/tmpsirr4myt"  # the folder the fixture's runs read and wrote
PLAZA_PRODUCTION = "https://plazaapi.bol.com"
PLAZA = "f00446c1692a50b9"  # the account key of bol's demo Plaza keys

EXPECTED = {
    "20261205-105915-e968f5": RunRecord(  # Dutch, New York time, stopped by bol's rate limit
        run_id="20261205-105915-e968f5",
        started_at=datetime(2026, 12, 5, 10, 59, 15, tzinfo=UTC),  # "05-12-2026 05:59:15" in New York
        target=Target(Environment.CUSTOM, "http://127.0.0.1:43427", production_url=PLAZA_PRODUCTION),
        timezone="America/New_York",
        lang="nl",
        input_path=f"{MADE_IN}/annuleringen.xlsx",
        input_name=f"{MADE_IN}/annuleringen.xlsx",
        account=PLAZA,
        input_sha256="1943aaff96a7776aa548fde832c034ac48c0d6a7d6d4da083aa767dc2ed90120",
        out_path=f"{MADE_IN}/annuleringen-results.xlsx",
        headers=("OrderregelId", "Reden", "Datum", "Opmerking"),
        options=None,
        tool_version="0.1.0",
        finished_at=datetime(2026, 12, 5, 10, 59, 16, 818000, tzinfo=UTC),
        exit_code=ExitCode.STOPPED_EARLY,
    ),
    "20261205-105916-239ce7": RunRecord(  # the Retailer API, English
        run_id="20261205-105916-239ce7",
        started_at=datetime(2026, 12, 5, 10, 59, 16, tzinfo=UTC),
        target=Target(
            Environment.CUSTOM,
            "http://127.0.0.1:50373",
            api=Api.RETAILER,
            login_url="http://127.0.0.1:50373/token",
            production_url="https://api.bol.com",
        ),
        timezone="Europe/Amsterdam",
        lang="en",
        input_path=f"{MADE_IN}/retailer.csv",
        input_name=f"{MADE_IN}/retailer.csv",
        account="retailer-bc1c860655b4347e",
        input_sha256="cb7a586e6773b2fedfc0f689fd120c7b05b0cd2d819cf61c0dbf695d80757017",
        out_path=f"{MADE_IN}/retailer-results.xlsx",
        headers=("OrderItemId", "ReasonCode"),
        options=None,
        tool_version="0.1.0",
        finished_at=datetime(2026, 12, 5, 10, 59, 18, 222000, tzinfo=UTC),
        exit_code=ExitCode.ROWS_FAILED,
    ),
    "20261205-105918-585c19": RunRecord(  # the English demo, in-process
        run_id="20261205-105918-585c19",
        started_at=datetime(2026, 12, 5, 10, 59, 18, tzinfo=UTC),
        target=Target(Environment.DEMO, "http://simulator.invalid", in_process=True, production_url=PLAZA_PRODUCTION),
        timezone="Europe/Amsterdam",
        lang="en",
        input_path=f"{MADE_IN}/weekly-stockouts.xlsx",
        input_name=f"{MADE_IN}/weekly-stockouts.xlsx",
        account=PLAZA,
        input_sha256="7245303f06f435ff3c4ee9c9bf02dca0fff03122c6be4b2a4c96264c346ecc7d",
        out_path=f"{MADE_IN}/weekly-stockouts-results.xlsx",
        headers=("OrderItemId", "ReasonCode", "DateTime", "Note", "Warehouse"),
        options=None,
        tool_version="0.1.0",
        finished_at=datetime(2026, 12, 5, 10, 59, 19, 417000, tzinfo=UTC),
        exit_code=ExitCode.ROWS_FAILED,
    ),
    "20261205-105920-86da93": RunRecord(  # killed with kill -9 while it sent: no end
        run_id="20261205-105920-86da93",
        started_at=datetime(2026, 12, 5, 10, 59, 20, tzinfo=UTC),
        target=Target(Environment.CUSTOM, "http://127.0.0.1:53233", production_url=PLAZA_PRODUCTION),
        timezone="Europe/Amsterdam",
        lang="en",
        input_path=f"{MADE_IN}/killed.csv",
        input_name=f"{MADE_IN}/killed.csv",
        account=PLAZA,
        input_sha256="53d9a52ec01a9ff227b9a267d6b59ffff12f3b3f4ffb9aeceacc8c9fb6f9af12",
        out_path=f"{MADE_IN}/killed-results.xlsx",
        headers=("OrderItemId", "ReasonCode"),
        options=None,
        tool_version="0.1.0",
    ),
}
COUNTS = {
    "20261205-105915-e968f5": {"CANCELLED": 4, "DUPLICATE": 1, "INVALID": 1, "NOT_SENT": 3},
    "20261205-105916-239ce7": {"CANCELLED": 1, "FAILED": 1},
    "20261205-105918-585c19": {"ALREADY_CANCELLED": 1, "CANCELLED": 21, "DUPLICATE": 1, "FAILED": 2, "INVALID": 5},
    "20261205-105920-86da93": {"PENDING": 6},
}
WRITTEN = {  # the workbook each finished run wrote at the time
    "20261205-105915-e968f5": "journal-v3-annuleringen-results.xlsx",
    "20261205-105916-239ce7": "journal-v3-retailer-results.xlsx",
    "20261205-105918-585c19": "journal-v3-weekly-stockouts-results.xlsx",
}
# Schema 3 did not keep these (the Summary showed them, the journal did not): they are left out.
NOT_KEPT = ("Duration", "Retries", "Rate-limit waits", "Rate-limit answers", "Stopped early")


@pytest.fixture
def journal_v3(tmp_path: Path) -> Path:
    copy = tmp_path / "journal.sqlite3"
    shutil.copy(FIXTURES / "journal-v3.sqlite3", copy)
    return copy


def _version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def test_every_run_of_a_schema_3_journal_comes_back_as_the_record_it_was(journal_v3: Path) -> None:
    assert _version(journal_v3) == 3
    for _ in range(2):  # upgraded once; opening it again changes nothing
        with Journal(journal_v3, "", "") as journal:
            listed = journal.runs()
        assert _version(journal_v3) == SCHEMA_VERSION == 7
        assert {run.run_id: run for run, _ in listed} == EXPECTED
        assert {run.run_id: counts for run, counts in listed} == COUNTS
        assert [run.run_id for run, _ in listed] == sorted(EXPECTED, reverse=True)  # the latest first


def test_reading_a_schema_3_journal_without_the_lock_upgrades_it_first(journal_v3: Path) -> None:
    with Journal(journal_v3, "", "", read_only=True) as journal:  # as History and report open it
        assert journal.run_info("20261205-105915-e968f5") == EXPECTED["20261205-105915-e968f5"]
    assert _version(journal_v3) == SCHEMA_VERSION


def test_the_history_of_a_schema_3_journal_lists_each_api_and_the_killed_run(journal_v3: Path) -> None:
    listed = {entry.run_id: entry for entry in run_history(journal_v3)}
    assert listed["20261205-105915-e968f5"].started == "05-12-2026 05:59"  # in the run's own zone
    assert listed["20261205-105916-239ce7"].api is Api.RETAILER
    assert listed["20261205-105920-86da93"].code is None
    assert listed["20261205-105915-e968f5"].code is ExitCode.STOPPED_EARLY
    assert [e.run_id for e in run_history(journal_v3, Api.RETAILER)] == ["20261205-105916-239ce7"]


def _same(cell: object, kept: object) -> bool:
    """Schema 3 kept times truncated to the millisecond (the workbook had the microseconds):
    a time may be up to that millisecond early (Excel keeps it to about one)."""
    if isinstance(cell, datetime) and isinstance(kept, datetime):
        return timedelta(0) <= cell - kept <= timedelta(milliseconds=1)
    return cell == kept


def _assert_same(written: list[tuple[object, ...]], rebuilt: list[tuple[object, ...]]) -> None:
    assert len(rebuilt) == len(written)
    for line, (mine, theirs) in enumerate(zip(written, rebuilt, strict=True), start=1):
        assert len(mine) == len(theirs) and all(map(_same, mine, theirs)), (line, mine, theirs)


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path)
    try:
        return {sheet.title: [tuple(c.value for c in row) for row in sheet.iter_rows()] for sheet in book.worksheets}
    finally:
        book.close()


def _norm_not_kept(rows: list[tuple[object, ...]], lang: str) -> list[tuple[object, ...]]:
    """The rows as a rebuild from schema 3 shows them: REQUESTED_BY_CUSTOMER's count not known."""
    header, names = rows[0], OUTCOME_HEADERS[lang]
    column, sent_as = header.index(names[3]), header.index(names[2])
    unknown = counting_cell(Counting.ASKED_UNKNOWN, lang)
    return [header] + [
        tuple(unknown if n == column and row[sent_as] == "REQUESTED_BY_CUSTOMER" and row[n] else cell
              for n, cell in enumerate(row))
        for row in rows[1:]
    ]  # fmt: skip


@pytest.mark.parametrize("run_id", sorted(WRITTEN))
def test_report_rebuilds_the_workbook_a_schema_3_run_wrote(journal_v3: Path, tmp_path: Path, run_id: str) -> None:
    rebuilt = report(run_id, tmp_path / "rebuilt.xlsx", journal_v3)
    assert rebuilt.exit_code is EXPECTED[run_id].exit_code
    written, again = _cells(FIXTURES / WRITTEN[run_id]), _cells(rebuilt.out)
    assert list(again) == list(written)  # the same sheets, in the run's language
    lang = EXPECTED[run_id].lang
    results, summary, retry = list(written)
    # every cell: headers, rows, times in the run's zone; but schema 3 did not keep how a row stood
    # against bol's cancellation norm, and its "no" for every REQUESTED_BY_CUSTOMER was the old rule's
    # guess: rebuilt, such a row says it is not known
    _assert_same(_norm_not_kept(written[results], lang), again[results])
    _assert_same(_norm_not_kept(written[retry], lang), again[retry])
    not_kept = {word(key, lang) for key in NOT_KEPT}
    # a status added since (DROPPED: rows dropped on the upload page) has a legend line of its own now
    since = [line for line in again[summary] if line[0] != RowStatus.DROPPED.value]
    assert len(since) == len(again[summary]) - 1
    _assert_same([line for line in written[summary] if line[0] not in not_kept], since)
    assert any(line[0] in not_kept for line in written[summary])  # there was something to leave out


SCHEMA_3_RUNS = """CREATE TABLE runs(
    run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, env TEXT NOT NULL, seller TEXT NOT NULL,
    input_path TEXT, input_sha256 TEXT, out_path TEXT, headers TEXT, params TEXT,
    finished_at TEXT, exit_code INTEGER);
CREATE TABLE items(env TEXT, seller TEXT, order_item_id TEXT, state TEXT, PRIMARY KEY(env, seller, order_item_id));
CREATE TABLE run_rows(run_id TEXT, row_index INTEGER, sheet_row INTEGER, order_item_id TEXT, status TEXT,
    detail TEXT, process_status_id TEXT, sent_datetime TEXT, sent_at TEXT, cells TEXT, PRIMARY KEY(run_id, row_index));
CREATE TABLE sends(env TEXT, seller TEXT, day TEXT, count INTEGER, PRIMARY KEY(env, seller, day));
PRAGMA user_version=3;
"""


def _schema_3(path: Path, runs: list[tuple[str, str, str, str, str]]) -> Path:
    """A schema-3 journal with ``(run_id, env, seller, headers JSON, params JSON)`` runs."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_3_RUNS)
    for run_id, env, seller, headers, params in runs:
        db.execute(
            "INSERT INTO runs(run_id, started_at, env, seller, input_path, headers, params) VALUES (?,?,?,?,?,?,?)",
            (run_id, "2026-12-01T08:00:00.000+00:00", env, seller, "/in.csv", headers, params),
        )
    db.commit()
    db.close()
    return path


def test_schema_3_runs_with_other_targets_and_damaged_facts_are_upgraded(tmp_path: Path) -> None:
    retailer_test = (
        '{"Environment": "test: https://api.bol.com (bol\'s demo endpoints: static answers), Retailer API v10"}'
    )
    journal = _schema_3(
        tmp_path / "j.sqlite3",
        [
            ("20261201-080000-aaaaaa", "test", "retailer-0123456789abcdef", '["OrderItemId"]', retailer_test),
            ("20261201-080000-bbbbbb", "production", "f00446c1692a50b9", "[]", '{"Environment": "production: x"}'),
            ("20261201-080000-cccccc", "custom", "f00446c1692a50b9", "not json", "{broken"),
            ("20261201-080000-dddddd", "custom", "k", '["Reden"]', '{"Time zone": "Mars/Olympus", "Environment": '
             '"custom: http://bol.example.com"}'),
        ],
    )  # fmt: skip
    with Journal(journal, "", "") as store:
        runs = {run.run_id: run for run, _ in store.runs()}
    retailer = runs["20261201-080000-aaaaaa"].target
    assert retailer is not None and retailer.api is Api.RETAILER and retailer.demo_paths  # bol's demo paths kept
    production = runs["20261201-080000-bbbbbb"].target
    assert production is not None and production.is_production and production.api is Api.PLAZA
    damaged = runs["20261201-080000-cccccc"]  # unreadable JSON: the run is kept, what it said is lost
    assert damaged.headers == () and damaged.timezone == "Europe/Amsterdam" and damaged.lang == "en"
    assert damaged.target is not None and damaged.target.name is Environment.CUSTOM and damaged.target.base_url == ""
    odd = runs["20261201-080000-dddddd"]  # a zone this machine does not know; a URL today's rules refuse
    assert odd.timezone == "Europe/Amsterdam" and odd.lang == "nl"
    assert odd.target is not None and odd.target.base_url == "http://bol.example.com"
    assert {entry.run_id for entry in run_history(journal)} == set(runs)  # all listed
