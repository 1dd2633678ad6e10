"""The journal as a store: runs and their rows round-trip, and a killed run is rebuilt from item states."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulkcancel.errors import JournalError
from bulkcancel.journal.rebuild import rebuild
from bulkcancel.journal.records import Answer, Intent, ItemState, RunRow, RunStart
from bulkcancel.journal.store import Journal
from bulkcancel.statuses import RowStatus


def _row(index: int, item: str, status: RowStatus | None) -> RunRow:
    return RunRow(index, index + 2, item, status, "", "", "", "", (item, "OTHER"))


def _start(journal: Journal, run_id: str) -> None:
    journal.start_run(
        RunStart(run_id, "in.csv", "0" * 64, "in-results.xlsx", ("OrderItemId", "ReasonCode"), {"Environment": "test"})
    )


def test_a_run_and_its_rows_round_trip(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3", "test", "seller") as journal:
        _start(journal, "r1")
        rows = [_row(0, "1001", RowStatus.CANCELLED), _row(1, "1002", None), _row(2, "x", RowStatus.INVALID)]
        journal.save_rows("r1", rows)
        journal.finish_run("r1", 1)
        assert journal.run_rows("r1") == rows
        info = journal.run_info("r1")
        assert info is not None and info.exit_code == 1 and info.finished_at
        assert info.headers == ("OrderItemId", "ReasonCode") and info.params == (("Environment", "test"),)
        assert journal.run_info("nope") is None
        assert journal.latest_run_id() == "r1"
    with Journal(tmp_path / "j.sqlite3", "production", "other") as journal:
        assert journal.latest_run_id() is None  # another environment and key
        assert journal.latest_run_id(any_target=True) == "r1"


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
    assert "may already be cancelled" in stored.rows[3].detail
    assert stored.headers == ["OrderItemId", "ReasonCode"]
    assert ("Rebuilt from the journal", str(tmp_path / "j.sqlite3")) in stored.summary.parameters


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
