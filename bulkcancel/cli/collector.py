"""The garbage collector of bulkcancel's own process: quiet while a command loads, then in batches.

CPython's cyclic collector walks every container object it tracks in a full collection. The
modules a run loads (pandas, pandera, aiohttp: hundreds of thousands of objects) are walked
again and again while they load and while the run sends, and a 100,000-row sheet is millions
of objects more (rows, parsed cells, checks, result rows): four full collections took 0.5 s of
a 100,000-row ``validate`` (benchmarks/bench_sheets.py), and a 5,000-row run at concurrency 64
took 10.65 s instead of 9.91 s (benchmarks/bench_run.py, medians of three turns; at 2,000 rows
the difference is within the machine's noise, 0.0-0.1 s).

So, in bulkcancel's own process only (``cli.main``):

- ``own_process``: until the command has loaded what it needs, the youngest generation is
  collected only every ``STARTING`` allocations (loading modules makes no cyclic garbage worth
  the walk; the bound keeps a command that never settles from growing without limit);
- ``settle``: once it has, everything alive is frozen (never walked again: the modules live as
  long as the process) and young objects are collected every ``YOUNG`` allocations. The
  commands that do real work call it after their imports (``validate``, ``run``, ``plan``,
  ``requests``, ``stockouts``, the page, the simulator; tests/test_imports.py checks what is
  loaded by then); ``cli.main`` freezes everything at exit. The few cyclic leftovers of the
  imports are frozen with the rest (~2,000 objects; a collection first would cost 0.06 s).

Garbage without cycles is freed by reference counting as always. A caller that runs the
commands in its own process (the tests' ``CliRunner``, a notebook) keeps its collector as it was.
"""

from __future__ import annotations

import gc

STARTING = 1_000_000  # young container allocations between collections while a command loads
YOUNG = 10_000  # ... and after it settled (CPython: 700)
_process = {"ours": False}


def own_process() -> None:
    """Say that this process is bulkcancel's own (``cli.main``): collect rarely until ``settle``."""
    _process["ours"] = True
    _, middle, old = gc.get_threshold()
    gc.set_threshold(STARTING, middle, old)


def settle() -> None:
    """Leave everything alive now out of every later collection, and collect in larger batches."""
    if not _process["ours"]:
        return
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)
