"""Bytes written to a file from a thread of its own, while the caller makes the next ones.

A worksheet of a 100,000-row result is 70 MB of XML; deflating it into the zip takes about
0.2 s, and zlib, the checksum and the file write all release the GIL, so with a second core
the rows are made meanwhile (benchmarks/bench_sheets.py). Order is kept (one queue, one
writer); at most ``AHEAD`` chunk waits, so memory stays a few MB. A failure of the write is
raised in the caller, at its next write or at the end, and the thread is always joined
before the file is closed by whoever opened it.
"""

from __future__ import annotations

import queue
import threading
from types import TracebackType
from typing import IO

AHEAD = 1  # chunks waiting to be written (one more is being written): memory, not speed


class BackgroundWriter:
    """``write`` hands a chunk to the thread that writes it to ``target``; use it as a context manager."""

    def __init__(self, target: IO[bytes]) -> None:
        self._target = target
        self._chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=AHEAD)
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="bulkcancel-writer", daemon=True)

    def __enter__(self) -> BackgroundWriter:
        self._thread.start()
        return self

    def write(self, chunk: bytes) -> None:
        """Queue ``chunk`` (waits while ``AHEAD`` chunks are queued); raises what the writing raised."""
        if self._failed is not None:
            raise self._failed
        self._chunks.put(chunk)

    def _drain(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            if self._failed is None:  # after a failure the rest is only taken off the queue
                try:
                    self._target.write(chunk)
                except BaseException as exc:  # handed to the caller
                    self._failed = exc

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._chunks.put(None)  # the thread takes every chunk off the queue, so this never waits for long
        self._thread.join()
        if self._failed is not None and error is None:
            raise self._failed
