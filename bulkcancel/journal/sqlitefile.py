"""The journal's SQLite file: its lock (one run at a time) and WAL checkpoints off the sending thread."""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path
from typing import IO


def lock_exclusively(handle: IO[str]) -> None:
    """Take the journal's lock without waiting (OSError when another run holds it)."""
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


class Checkpointer:
    """Copies the WAL into the database every second, in its own thread and connection.

    SQLite would otherwise checkpoint inside a commit every 1,000 pages, with two fsyncs on
    the sending thread: the event loop stood still for them (benchmarks/bench_run.py). A
    PASSIVE checkpoint never blocks the writer; committed writes are kept either way.
    """

    def __init__(self, path: Path, interval: float = 1.0) -> None:
        self._path, self._interval = path, interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="journal-checkpoint", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        try:
            db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return
        try:
            while not self._stopped.wait(self._interval):
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass  # the writer's own connection checkpoints when it closes
        finally:
            db.close()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
