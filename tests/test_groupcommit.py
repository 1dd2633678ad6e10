"""Group commit: an intent is on disk before its request may leave; writes of a turn share one commit."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from bulkcancel.errors import JournalError
from bulkcancel.journal.groupcommit import GroupCommit
from bulkcancel.journal.records import Answer, Intent, ItemState
from bulkcancel.journal.store import Journal

DT = "2026-11-28T10:00:00.000+01:00"


class CountingJournal(Journal):
    def __init__(self, path: Path) -> None:
        super().__init__(path, "demo", "seller")
        self.commits: list[int] = []

    def write(self, writes: Sequence[Intent | Answer]) -> None:
        self.commits.append(len(writes))
        super().write(writes)


def states_on_disk(path: Path) -> dict[str, str]:
    """Read with a connection of its own: only committed rows are visible."""
    with sqlite3.connect(path) as other:
        return dict(other.execute("SELECT order_item_id, state FROM items").fetchall())


def test_an_intent_is_committed_before_intend_returns(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"

    async def main() -> dict[str, str]:
        with CountingJournal(path) as journal:
            writes = GroupCommit(journal)
            await writes.intend("1001", "run", "OUT_OF_STOCK", DT)
            return states_on_disk(path)

    assert asyncio.run(main()) == {"1001": ItemState.SENDING}


def test_writes_of_one_loop_turn_share_one_commit(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"

    async def main() -> list[int]:
        with CountingJournal(path) as journal:
            writes = GroupCommit(journal)
            await asyncio.gather(*(writes.intend(str(1000 + n), "run", "OUT_OF_STOCK", DT) for n in range(20)))
            for n in range(20):
                writes.answer(str(1000 + n), ItemState.ACCEPTED, http_status=200, process_status_id=str(n))
            await asyncio.sleep(0)  # the next turn commits the answers
            assert set(states_on_disk(path).values()) == {ItemState.ACCEPTED}
            writes.answer("1000", ItemState.CANCELLED, process_status_id="0")
            writes.close()
            assert states_on_disk(path)["1000"] == ItemState.CANCELLED
            assert journal.sent_today() == 20
            return journal.commits

    assert asyncio.run(main()) == [20, 20, 1]


def test_a_failed_commit_stops_the_sender_and_close_raises(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"

    async def main() -> None:
        with CountingJournal(path) as journal:
            writes = GroupCommit(journal)
            journal.db.execute("DROP TABLE items")  # any failure of the write
            with pytest.raises(JournalError, match="cannot be written"):
                await writes.intend("1001", "run", "OUT_OF_STOCK", DT)
            with pytest.raises(JournalError):
                await writes.intend("1002", "run", "OUT_OF_STOCK", DT)
            writes.answer("1001", ItemState.ACCEPTED)  # dropped, not raised: the sender goes on ending rows
            with pytest.raises(JournalError):
                writes.close()

    asyncio.run(main())
