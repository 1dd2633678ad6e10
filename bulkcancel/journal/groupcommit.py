"""The journal writes of a send, committed together: one transaction per turn of the event loop.

A cancellation leaves only once the intent to send it is committed (``await intend(...)``);
every intent and answer that arrived in the same turn of the loop shares that one commit.
An answer is committed at the start of the next turn, a few milliseconds at most after it
came. Committing each write on its own cost as much CPU as aiohttp's whole request and kept
the sender from filling 64 connections (benchmarks/bench_run.py). A kill in those few
milliseconds leaves the item as it was before the answer (SENDING or ACCEPTED): the next run
sends it again "in doubt" or follows it up, as after a kill while the request was on the
wire, so nothing is cancelled twice and no row is lost.
"""

from __future__ import annotations

import asyncio
import sqlite3

from bulkcancel.errors import JournalError
from bulkcancel.i18n import Text
from bulkcancel.journal.records import Answer, Intent, ItemState
from bulkcancel.journal.store import Journal


class GroupCommit:
    """Collects intents and answers and writes them to ``journal`` once per loop turn."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self._writes: list[Intent | Answer] = []
        self._waiting: list[asyncio.Future[None]] = []
        self._scheduled = False
        self.failure: JournalError | None = None

    async def intend(self, item_id: str, run_id: str, reason: str, sent_datetime: str) -> None:
        """Record the intent to send; returns once it is committed (JournalError if it cannot be)."""
        self._raise_failure()
        done = asyncio.get_running_loop().create_future()
        self._writes.append(Intent(item_id, run_id, reason, sent_datetime))
        self._waiting.append(done)
        self._schedule()
        await done

    def answer(
        self,
        item_id: str,
        state: ItemState,
        *,
        http_status: int | None = None,
        process_status_id: str | None = None,
        message: str | None = None,
        in_doubt: bool = False,
    ) -> None:
        """Record an answer; committed at the next turn of the loop (or by ``flush``).

        Once a commit has failed nothing more is written (the item stays as the journal last
        had it, SENDING: the next run resends it in doubt, never blindly)."""
        if self.failure is not None:
            return
        self._writes.append(Answer(item_id, state, http_status, process_status_id, message, in_doubt))
        self._schedule()

    def flush(self) -> None:
        """Commit what is pending now (the end of a run calls it; so does each loop turn)."""
        self._scheduled = False
        writes, waiting = self._writes, self._waiting
        self._writes, self._waiting = [], []
        if not writes:
            return
        try:
            self.journal.write(writes)
        except (sqlite3.Error, OSError) as exc:  # the disk is full, the file is gone: nothing more may leave
            self.failure = JournalError(
                Text(
                    "journal {path}: cannot be written ({error}); sending stopped. Free space (or fix the file), "
                    "then run the same sheet again: rows in doubt are confirmed, none is sent twice",
                    path=self.journal.path,
                    error=exc,
                )
            )
            for done in waiting:
                if not done.done():
                    done.set_exception(self.failure)
            return
        for done in waiting:
            if not done.done():
                done.set_result(None)

    def close(self) -> None:
        """Commit the rest; JournalError if any write could not be committed."""
        self.flush()
        self._raise_failure()

    def _schedule(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def _raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure
