"""The garbage collector of a command that holds a whole sheet in memory.

CPython's cyclic collector walks every container object it tracks in a full collection. A
100,000-row sheet is millions of them (rows, parsed cells, checks, result rows), and the
modules pandas and pandera bring are as many again: four full collections took 0.5 s of a
100,000-row ``validate`` (benchmarks/bench_sheets.py). Once a command has imported what it
needs, those modules live as long as the process, so they are frozen (never walked again),
and young objects are collected in larger batches. Garbage without cycles is freed by
reference counting as always; ``cli.main`` freezes everything at exit for the same reason.

Only in bulkcancel's own process (``cli.main``): a caller that runs the commands in its own
process (the tests' ``CliRunner``) keeps its collector as it was.
"""

from __future__ import annotations

import gc

YOUNG = 10_000  # container allocations between collections of the youngest generation (CPython: 700)
_process = {"ours": False}


def own_process() -> None:
    """Say that this process is bulkcancel's own (``cli.main``): its collector may be tuned."""
    _process["ours"] = True


def settle() -> None:
    """Leave everything alive now out of every later collection, and collect in larger batches."""
    if not _process["ours"]:
        return
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)
