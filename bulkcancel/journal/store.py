"""The journal: an SQLite file that records every cancellation before and after it is sent.

It is the source of truth. Per environment and seller key it holds each order item's
state (SENDING: a request may be out with no answer yet; ACCEPTED: bol gave a process
status id; CANCELLED; FAILED; UNSENT: bol certainly did not act) and whether one of our
own attempts may have reached bol unanswered (``in_doubt``: kept until the item is settled,
so "already cancelled" later means our own attempt did it), every run with its rows,
and the number of cancellation requests sent per day. WAL mode with ``synchronous=NORMAL``
keeps every committed write across a crash or a kill of the process (only a power cut
can lose the last moments). One run at a time holds the journal's lock file.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from bulkcancel.errors import JournalError
from bulkcancel.i18n import Text
from bulkcancel.journal.migrate import add_run_columns
from bulkcancel.journal.records import PENDING, Answer, Intent, ItemRecord, ItemState, RunRow
from bulkcancel.journal.runtable import (
    FINISH_RUN,
    INSERT_RUN,
    RUNS_TABLE,
    SELECT_RUNS,
    count_values,
    norm_values,
    record_of,
    row_of,
    stop_values,
)
from bulkcancel.journal.sqlitefile import Checkpointer, lock_exclusively
from bulkcancel.norm.standing import NormEffect
from bulkcancel.results import RunCounts, RunRecord, Stop
from bulkcancel.statuses import ExitCode, RowStatus

SCHEMA = (
    RUNS_TABLE
    + """
CREATE TABLE IF NOT EXISTS items(
    env TEXT NOT NULL, seller TEXT NOT NULL, order_item_id TEXT NOT NULL, state TEXT NOT NULL,
    run_id TEXT, reason TEXT, sent_datetime TEXT, first_sent_at TEXT, last_sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0, http_status INTEGER, process_status_id TEXT,
    message TEXT, updated_at TEXT NOT NULL, in_doubt INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(env, seller, order_item_id));
CREATE TABLE IF NOT EXISTS run_rows(
    run_id TEXT NOT NULL, row_index INTEGER NOT NULL, sheet_row INTEGER NOT NULL,
    order_item_id TEXT, status TEXT NOT NULL, detail TEXT, process_status_id TEXT,
    sent_datetime TEXT, sent_at TEXT, cells TEXT NOT NULL, sent_as TEXT, counting TEXT,
    PRIMARY KEY(run_id, row_index));
CREATE TABLE IF NOT EXISTS sends(
    env TEXT NOT NULL, seller TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY(env, seller, day));
"""
)


def default_journal_path() -> Path:
    """``$BULKCANCEL_JOURNAL``, else the user's data directory (XDG_DATA_HOME on Linux)."""
    chosen = os.environ.get("BULKCANCEL_JOURNAL")
    if chosen:
        return Path(chosen)
    from platformdirs import user_data_path

    return user_data_path("bulkcancel", appauthor=False) / "journal.sqlite3"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


_INTENT_SQL = (
    "INSERT INTO items(env, seller, order_item_id, state, run_id, reason,"
    " sent_datetime, first_sent_at, last_sent_at, attempts, updated_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,1,?)"
    " ON CONFLICT(env, seller, order_item_id) DO UPDATE SET state=excluded.state,"
    " run_id=excluded.run_id, reason=excluded.reason,"
    " sent_datetime=excluded.sent_datetime, last_sent_at=excluded.last_sent_at,"
    " attempts=attempts+1, updated_at=excluded.updated_at"
)
_ANSWER_SQL = (
    "UPDATE items SET state=?, http_status=COALESCE(?, http_status),"
    " process_status_id=COALESCE(?, process_status_id), message=?, updated_at=?,"
    " in_doubt=CASE WHEN ? = 'CANCELLED' THEN 0 ELSE MAX(in_doubt, ?) END"
    " WHERE env=? AND seller=? AND order_item_id=?"
)
SCHEMA_VERSION = 7  # 2: items.in_doubt; 3: run_rows.sent_as; 4: the run record's columns (``runtable``);
# 5: run_rows.counting; 6: a NOT_BOL stop's answer and the week's standing against the norm; 7: the CSV
# delimiter (``runtable``)


def private_file(path: Path) -> IO[str]:
    """``path`` opened for appending, made (or kept) readable and writable by its owner only (0600)."""
    handle = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a")
    path.chmod(0o600)
    return handle


class Journal:
    """One open journal, scoped to an environment and a seller key."""

    def __init__(self, path: Path, env: str, seller: str, *, read_only: bool = False) -> None:
        self.path, self.env, self.seller, self.read_only = path, env, seller, read_only
        if read_only:
            self._open_to_read()
            return
        try:
            if not path.parent.exists():
                path.parent.mkdir(parents=True, mode=0o700)
            self._lock = private_file(path.with_name(path.name + ".lock"))
            private_file(path).close()  # SQLite gives new -wal and -shm files the journal's mode
            for left in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                if left.exists():  # left by an older version with the usual mode
                    left.chmod(0o600)
        except OSError as exc:
            raise JournalError(
                Text(
                    "journal {path}: cannot be created ({strerror}); choose another place with --journal",
                    path=path,
                    strerror=exc.strerror,
                )
            ) from None
        try:
            lock_exclusively(self._lock)
        except OSError:
            self._lock.close()
            raise JournalError(
                Text("journal {path}: another bulkcancel run is using it; wait for it to finish", path=path)
            ) from None
        try:
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._create_or_upgrade()
        except sqlite3.DatabaseError as exc:
            self._lock.close()
            raise JournalError(
                Text(
                    "journal {path}: is not a usable journal ({exc}); move it aside or choose another with --journal",
                    path=path,
                    exc=exc,
                )
            ) from None
        self._checkpointer = Checkpointer(path)
        self.db.execute("PRAGMA wal_autocheckpoint=0")  # the checkpointer thread does it

    def _create_or_upgrade(self) -> None:
        """Our tables in a new file, the newest columns in an older journal; refuse another program's file."""
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and not {"runs", "items", "run_rows", "sends"} <= tables:
            raise JournalError(
                Text(
                    "journal {path}: is another program's database (tables {tables}), not a bulkcancel "
                    "journal; choose another file with --journal",
                    path=self.path,
                    tables=", ".join(sorted(tables)),
                )
            )
        self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(items)")}
        if "in_doubt" not in columns:
            self.db.execute("ALTER TABLE items ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0")
        row_columns = {row[1] for row in self.db.execute("PRAGMA table_info(run_rows)")}
        if "sent_as" not in row_columns:
            self.db.execute("ALTER TABLE run_rows ADD COLUMN sent_as TEXT")
        add_run_columns(self.db)
        if "counting" not in row_columns:
            self.db.execute("ALTER TABLE run_rows ADD COLUMN counting TEXT")
        self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _open_to_read(self) -> None:
        """Read only, without the run lock (history while a run goes on): a missing journal has no runs."""
        try:
            if self.path.exists():
                self.db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False)
                self.db.execute("SELECT count(*) FROM runs").fetchone()
                if self.db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                    # Written by an older version, so no run of this one holds it: upgrade it once, under the lock.
                    self.db.close()
                    Journal(self.path, self.env, self.seller).close()
                    self._open_to_read()
            else:
                self.db = sqlite3.connect(":memory:", check_same_thread=False)
                self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise JournalError(Text("journal {path}: cannot be read ({exc})", path=self.path, exc=exc)) from None

    def close(self) -> None:
        """Close the database (a last checkpoint folds the WAL in) and release the lock."""
        if self.read_only:
            self.db.close()
            return
        self._checkpointer.stop()
        self.db.close()
        self._lock.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Runs

    def start_run(self, record: RunRecord) -> None:
        """Record a new run (of this journal's environment and key)."""
        self.db.execute(INSERT_RUN, row_of(record, self.env, self.seller))

    def finish_run(
        self,
        run_id: str,
        exit_code: ExitCode,
        stop: Stop | None = None,
        counts: RunCounts | None = None,
        norm: NormEffect | None = None,
    ) -> None:
        """Mark a run as ended: how, why it stopped early (if it did), how hard it tried, and where
        it left the week against bol's cancellation norm."""
        values = (*stop_values(stop), *norm_values(norm), *count_values(counts or RunCounts()))
        self.db.execute(FINISH_RUN, (_now(), int(exit_code), *values, run_id))

    def save_rows(self, run_id: str, rows: Iterable[RunRow]) -> None:
        """Store every row of the run, replacing what was stored before."""
        with self._transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO run_rows(run_id, row_index, sheet_row, order_item_id,"
                " status, detail, process_status_id, sent_datetime, sent_at, cells, sent_as, counting)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    (
                        run_id,
                        row.row_index,
                        row.sheet_row,
                        row.order_item_id,
                        row.status.value if row.status else PENDING,
                        row.detail,
                        row.process_status_id,
                        row.sent_datetime,
                        row.sent_at,
                        json.dumps(list(row.cells)),
                        row.sent_as,
                        row.counting,
                    )
                    for row in rows
                ),
            )

    def run_info(self, run_id: str) -> RunRecord | None:
        """The record of run ``run_id``, or None."""
        row = self.db.execute(SELECT_RUNS + " WHERE run_id=?", (run_id,)).fetchone()
        return record_of(row) if row else None

    def runs(self) -> list[tuple[RunRecord, dict[str, int]]]:
        """Every run, the latest first, with its rows per stored status (PENDING: never finished)."""
        counts: dict[str, dict[str, int]] = {}
        for run_id, status, count in self.db.execute("SELECT run_id, status, count(*) FROM run_rows GROUP BY 1, 2"):
            counts.setdefault(run_id, {})[status] = count
        return [
            (info, counts.get(info.run_id, {}))
            for info in (record_of(row) for row in self.db.execute(SELECT_RUNS + " ORDER BY started_at DESC"))
        ]

    def latest_run_id(self, any_target: bool = False) -> str | None:
        """The most recent run of this environment and key (or of any, with ``any_target``)."""
        args: tuple[str, ...] = ()
        query = "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1"
        if not any_target:
            query = "SELECT run_id FROM runs WHERE env=? AND seller=? ORDER BY started_at DESC LIMIT 1"
            args = (self.env, self.seller)
        row = self.db.execute(query, args).fetchone()
        return str(row[0]) if row else None

    def run_rows(self, run_id: str) -> list[RunRow]:
        """The stored rows of a run, in sheet order."""
        rows = self.db.execute(
            "SELECT row_index, sheet_row, order_item_id, status, detail, process_status_id,"
            " sent_datetime, sent_at, cells, sent_as, counting FROM run_rows WHERE run_id=? ORDER BY row_index",
            (run_id,),
        ).fetchall()
        return [
            RunRow(
                row_index=row[0],
                sheet_row=row[1],
                order_item_id=row[2],
                status=None if row[3] == PENDING else RowStatus(row[3]),
                detail=row[4] or "",
                process_status_id=row[5] or "",
                sent_datetime=row[6] or "",
                sent_at=row[7] or "",
                cells=tuple(json.loads(row[8])),
                sent_as=row[9] or "",
                counting=row[10] or "",
            )
            for row in rows
        ]

    # Items

    def items(self, order_item_ids: Iterable[str]) -> dict[str, ItemRecord]:
        """What the journal knows about these items (absent ids were never sent)."""
        return self.items_of(self.env, self.seller, order_item_ids)

    def items_of(self, env: str, seller: str, order_item_ids: Iterable[str]) -> dict[str, ItemRecord]:
        """Like ``items`` for another environment and key (rebuilding an older run)."""
        ids = list(order_item_ids)
        found: dict[str, ItemRecord] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))  # placeholders only; values are bound
            query = (
                "SELECT order_item_id, state, run_id, process_status_id, message,"  # noqa: S608
                " last_sent_at, sent_datetime, in_doubt FROM items WHERE env=? AND seller=? AND"
                f" order_item_id IN ({marks})"
            )
            for row in self.db.execute(query, (env, seller, *chunk)):
                item_id, state, run_id, process_id, message, last_sent_at, sent_datetime, in_doubt = row
                found[item_id] = ItemRecord(
                    item_id, ItemState(state), run_id, process_id, message, last_sent_at, sent_datetime, bool(in_doubt)
                )
        return found

    def cancelled_elsewhere(self, order_item_ids: Iterable[str]) -> dict[str, ItemRecord]:
        """Items of this environment cancelled with other credentials (the seller's other bol API):
        bol's ids are the same item whichever API cancelled it."""
        ids = list(order_item_ids)
        found: dict[str, ItemRecord] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))  # placeholders only; values are bound
            query = (
                "SELECT order_item_id, run_id, last_sent_at FROM items"  # noqa: S608
                f" WHERE env=? AND seller<>? AND state='CANCELLED' AND order_item_id IN ({marks})"
            )
            for item_id, run_id, last_sent_at in self.db.execute(query, (self.env, self.seller, *chunk)):
                found[item_id] = ItemRecord(item_id, ItemState.CANCELLED, run_id, None, None, last_sent_at, None, False)
        return found

    def write(self, writes: Sequence[Intent | Answer]) -> None:
        """Apply intents and answers in their order, in one transaction (one commit).

        The sender commits an intent before its request leaves; answers may wait for the
        next commit (``groupcommit``)."""
        now = _now()
        intents = 0
        with self._transaction():
            for entry in writes:
                if isinstance(entry, Intent):
                    intents += 1
                    self.db.execute(
                        _INTENT_SQL,
                        (
                            self.env,
                            self.seller,
                            entry.item_id,
                            ItemState.SENDING.value,
                            entry.run_id,
                            entry.reason,
                            entry.sent_datetime,
                            now,
                            now,
                            now,
                        ),
                    )
                else:
                    self.db.execute(
                        _ANSWER_SQL,
                        (
                            entry.state.value,
                            entry.http_status,
                            entry.process_status_id,
                            entry.message,
                            now,
                            entry.state.value,
                            int(entry.in_doubt),
                            self.env,
                            self.seller,
                            entry.item_id,
                        ),
                    )
            if intents:
                self.db.execute(
                    "INSERT INTO sends(env, seller, day, count) VALUES (?,?,?,?) ON CONFLICT(env,"
                    " seller, day) DO UPDATE SET count=count+excluded.count",
                    (self.env, self.seller, now[:10], intents),
                )

    def sent_today(self) -> int:
        """Cancellation requests sent today (UTC) with this key in this environment."""
        row = self.db.execute(
            "SELECT count FROM sends WHERE env=? AND seller=? AND day=?",
            (self.env, self.seller, _now()[:10]),
        ).fetchone()
        return int(row[0]) if row else 0

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
