"""The journal as a store: runs and their rows round-trip, and a killed run is rebuilt from item states."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bulkcancel.backend import Foreign, NotBol
from bulkcancel.errors import JournalError
from bulkcancel.i18n import Language
from bulkcancel.journal.rebuild import _FROM_ITEM, rebuild
from bulkcancel.journal.records import Answer, Intent, ItemState, RunRow
from bulkcancel.journal.store import Journal
from bulkcancel.norm.standing import NormEffect, NotKnown, Standing, Unknown, Week
from bulkcancel.results import RunCounts, RunOptions, RunRecord, Stop, StopReason
from bulkcancel.statuses import ExitCode, RowStatus
from bulkcancel.targets import Api, Environment, Target


def _row(index: int, item: str, status: RowStatus | None) -> RunRow:
    return RunRow(index, index + 2, item, status, "", "", "", "", (item, "OTHER"))


def _record(run_id: str) -> RunRecord:
    return RunRecord(
        run_id,
        datetime(2026, 12, 1, 9, 30, 15, 123000, tzinfo=UTC),
        Target(Environment.TEST, "https://api.bol.com", api=Api.RETAILER, login_url="https://login.bol.com/token"),
        "America/New_York",
        "nl",
        "/data/in.csv",
        input_name="in.csv",
        account="seller",
        input_sha256="0" * 64,
        out_path="in-results.xlsx",
        headers=("OrderItemId", "ReasonCode"),
        delimiter=";",
        options=RunOptions(check=True, follow=False, concurrency=3, canary=2, daily_budget=40, sheet="Blad1"),
        tool_version="1.2.3",
    )


def _start(journal: Journal, run_id: str) -> None:
    journal.start_run(_record(run_id))


def test_a_run_and_its_rows_round_trip(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
        _start(journal, "r1")
        rows = [_row(0, "1001", RowStatus.CANCELLED), _row(1, "1002", None), _row(2, "x", RowStatus.INVALID)]
        journal.save_rows("r1", rows)
        assert journal.run_info("r1") == _record("r1")  # every field back as it went in, the run still open
        stop, counts = Stop(StopReason.AUTH, "JWT expired"), RunCounts(12.5, 3, 1, 2)
        norm = NormEffect(Standing(Week(2026, 49), 3, 180, 0.02), this_run=2, unsure=1)
        journal.finish_run("r1", ExitCode.ROWS_FAILED, stop, counts, norm)
        assert journal.run_rows("r1") == rows
        info = journal.run_info("r1")
        assert info is not None and info.finished_at is not None and info.finished_at.tzinfo is not None
        ended = replace(_record("r1"), stop=stop, counts=counts, norm=norm, exit_code=ExitCode.ROWS_FAILED)
        assert info == replace(ended, finished_at=info.finished_at)
        assert isinstance(info.exit_code, ExitCode) and isinstance(info.stop and info.stop.reason, StopReason)
        assert journal.run_info("nope") is None
        assert journal.latest_run_id() == "r1"
    with Journal(tmp_path / "j.sqlite3", "production", "other") as journal:
        assert journal.latest_run_id() is None  # another environment and key
        assert journal.latest_run_id(any_target=True) == "r1"


@pytest.mark.parametrize(
    "norm",
    [
        None,
        NormEffect(NotKnown(Unknown.REFUSED, "HTTP 403 Forbidden"), 4, 0),
        NormEffect(NotKnown(Unknown.NO_ENDPOINT)),
    ],
    ids=str,
)
def test_the_week_against_the_norm_comes_back_whole(tmp_path: Path, norm: NormEffect | None) -> None:
    with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
        _start(journal, "r1")
        journal.finish_run("r1", ExitCode.OK, None, RunCounts(), norm)
        info = journal.run_info("r1")
    assert info is not None and info.norm == norm


@pytest.mark.parametrize(
    "stop",
    [
        Stop(StopReason.RATE_LIMIT),
        Stop(StopReason.UNREACHABLE, "could not connect to 127.0.0.1:9", 5),
        Stop(StopReason.NOT_BOL, "https://proxy.example", 1, NotBol(Foreign.HTML, 200, "text/html", 5120)),
        Stop(StopReason.NOT_BOL, "https://proxy.example", 0, NotBol(Foreign.EMPTY, 204, "", 0)),
    ],
    ids=str,
)
def test_every_stop_comes_back_whole(tmp_path: Path, stop: Stop) -> None:
    with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
        _start(journal, "r1")
        journal.finish_run("r1", ExitCode.STOPPED_EARLY, stop, RunCounts())
        info = journal.run_info("r1")
    assert info is not None and info.stop == stop


def test_a_killed_run_is_rebuilt_from_what_each_item_reached(tmp_path: Path) -> None:
    states = {
        "1001": ItemState.CANCELLED,
        "1002": ItemState.ACCEPTED,
        "1003": ItemState.FAILED,
        "1004": ItemState.SENDING,
        "1005": ItemState.UNSENT,
    }
    with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
        _start(journal, "r1")
        journal.save_rows("r1", [_row(n, item, None) for n, item in enumerate([*states, "1006"])])
        journal.write([Intent(item, "r1", "OTHER", "2026-12-01T10:00:00.000+01:00") for item in states])
        journal.write(
            [
                Answer(item, state, process_status_id=f"ps{item}", message="bol: shipped" if item == "1003" else None)
                for item, state in states.items()
                if state is not ItemState.SENDING
            ]
        )
        stored = rebuild(journal, "r1")
    assert [row.status for row in stored.rows] == [
        RowStatus.CANCELLED,
        RowStatus.ACCEPTED,
        RowStatus.FAILED,
        RowStatus.UNKNOWN,  # sent, no answer: it may be cancelled; the next run resends it "in doubt"
        RowStatus.NOT_SENT,
        RowStatus.NOT_SENT,  # never reached
    ]
    assert stored.rows[1].process_status_id == "ps1002"
    assert stored.rows[2].detail == "bol: shipped"
    # The run was Dutch (_record): its rebuilt Detail is the catalogue's Dutch for the stopped send.
    assert stored.rows[3].detail == _FROM_ITEM[ItemState.SENDING][1].render(Language.NL)
    assert stored.rows[3].detail != _FROM_ITEM[ItemState.SENDING][1].render(Language.EN)
    assert stored.run == _record("r1")  # killed: no end, no exit code


def test_an_unknown_run_is_a_journal_error(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal, pytest.raises(JournalError, match="no run"):
        rebuild(journal, "20260101-000000-abcdef")


def test_one_run_at_a_time_and_other_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path, "test", "seller"), pytest.raises(JournalError, match="another bulkcancel run"):
        Journal(path, "test", "seller")
    not_sqlite = tmp_path / "notes.sqlite3"
    not_sqlite.write_text("not a database at all, " * 100)
    with pytest.raises(JournalError, match="is not a usable journal"):
        Journal(not_sqlite, "test", "seller")
