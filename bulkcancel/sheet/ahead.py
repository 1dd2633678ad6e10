"""A sheet read in a thread of its own, begun before the modules that check it are imported.

``bulkcancel validate`` spends about half a second importing pandas and pandera, and about as
long in calamine loading a 100,000-row workbook, which releases the GIL while it parses. So the
command starts reading first and imports meanwhile (benchmarks/bench_sheets.py). The read is
exactly ``read.read_sheet`` with the same arguments; what it raises is raised by ``result``, in
the caller's thread, when the caller asks for the sheet (after its own checks of the options,
so those are still said first). The thread only reads; it is a daemon, so an interrupted
command does not wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

from bulkcancel.sheet.read import ReadLimits, Sheet, read_sheet


class ReadAhead:
    """``read_sheet(path, sheet_name, limits, columns)`` begun now; ``result`` waits for it."""

    def __init__(
        self, path: Path, sheet_name: str | None, limits: ReadLimits, columns: Mapping[str, str] | None = None
    ) -> None:
        # What the read imports is imported here, in the caller's thread: two threads never
        # import the same modules at once.
        import python_calamine  # noqa: F401

        from bulkcancel.sheet import csvread, xlsxread  # noqa: F401

        self._sheet: Sheet | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._read, args=(path, sheet_name, limits, dict(columns or {})), name="bulkcancel-read", daemon=True
        )
        self._thread.start()

    def _read(self, path: Path, sheet_name: str | None, limits: ReadLimits, columns: dict[str, str]) -> None:
        try:
            self._sheet = read_sheet(path, sheet_name, limits, columns)
        except BaseException as exc:  # raised again by result(), in the caller's thread
            self._error = exc

    def result(self) -> Sheet:
        """The sheet, once read; what the read raised otherwise."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._sheet is not None
        return self._sheet
