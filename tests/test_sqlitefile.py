"""The journal file's lock (``journal/sqlitefile.py``): one run at a time per journal."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulkcancel.journal.sqlitefile import lock_exclusively


def test_a_second_run_cannot_take_the_journals_lock_until_the_first_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "journal.lock"
    with path.open("a") as first:
        lock_exclusively(first)
        with path.open("a") as second, pytest.raises(OSError):
            lock_exclusively(second)  # without waiting: the second run is told at once
    with path.open("a") as third:
        lock_exclusively(third)  # closed by the first run (or its death): free again
