"""Bytes written from a thread of their own (``output/background.py``): in order, every one, and a
failure of the write raised in the caller, never lost in the thread."""

from __future__ import annotations

import io
import threading

import pytest

from bulkcancel.output.background import BackgroundWriter


class Failing(io.BytesIO):
    """A file whose third write fails, as a full disk does."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, chunk: bytes) -> int:  # type: ignore[override]
        self.writes += 1
        if self.writes == 3:
            raise OSError(28, "No space left on device")
        return super().write(chunk)


def test_every_chunk_is_written_in_order() -> None:
    target = io.BytesIO()
    with BackgroundWriter(target) as writer:
        for n in range(500):
            writer.write(f"<row r={n}/>".encode())
    assert target.getvalue() == b"".join(f"<row r={n}/>".encode() for n in range(500))
    assert not any(thread.name == "bulkcancel-writer" for thread in threading.enumerate())  # joined


def test_a_failed_write_is_raised_in_the_caller() -> None:
    with pytest.raises(OSError, match="No space left"), BackgroundWriter(Failing()) as writer:
        for n in range(100):
            writer.write(b"x" * n)


def test_the_callers_own_error_wins_and_the_thread_still_ends() -> None:
    target = io.BytesIO()
    with pytest.raises(KeyboardInterrupt), BackgroundWriter(target) as writer:
        writer.write(b"first")
        raise KeyboardInterrupt
    assert target.getvalue() == b"first"
    assert not any(thread.name == "bulkcancel-writer" for thread in threading.enumerate())
