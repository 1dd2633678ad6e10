"""The usual weekly sheet: 100 rows at concurrency 16 against the Plaza simulator at 50 ms, whole
process, beside the minimal aiohttp client (``peers.py aiohttp``, also a whole process) in the
same run, each repeated; medians, and the requests per row of each.

    .venv/bin/python benchmarks/bench_weekly.py [--rows 100] [--repeat 5]

The simulator settles a process after 0.5 s (``common.simulator``). The peer cancels every
row and then asks each process once, whatever it says; bulkcancel follows each row to its
final status. Both sides are timed from process start to exit (start-up and, for
bulkcancel, the result workbook included), interleaved so that they share the machine's
noise.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

from common import ROOT, as_installed, bulkcancel, ledger, machine, make_csv, measure, reset, save, simulator


def ours(url: str, sheet: Path, folder: Path, n: int) -> tuple[float, float, float]:
    reset(url)
    done = measure(
        bulkcancel(
            "run", str(sheet), "--base-url", url, "--concurrency", "16", "--quiet",
            "--journal", str(folder / f"j{n}.sqlite3"), "--out", str(folder / f"out{n}.xlsx"),
        )
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"bulkcancel run failed:\n{done.stdout}")
    book = ledger(url)
    requests = (len(book["ledger"]) + int(book["status_polls"])) / 100  # type: ignore[arg-type]
    return done.wall, requests, float(book["busy_seconds"])  # type: ignore[arg-type]


def peer(url: str, rows: int) -> tuple[float, float, float]:
    reset(url)
    done = measure([sys.executable, str(ROOT / "benchmarks" / "peers.py"), "aiohttp", url, str(rows), "16"])
    book = ledger(url)
    requests = (len(book["ledger"]) + int(book["status_polls"])) / rows  # type: ignore[arg-type]
    return done.wall, requests, float(book["busy_seconds"])  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    as_installed()
    walls: dict[str, list[float]] = {"bulkcancel": [], "minimal": []}
    busy: dict[str, list[float]] = {"bulkcancel": [], "minimal": []}  # the server's first request to last answer
    per_row: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, simulator(latency_ms=50) as url:
        folder = Path(tmp)
        for n in range(args.repeat):
            sheet = make_csv(folder / f"week{n}.csv", args.rows, start=2_000_000_000 + n * 10_000)
            for name, measured in (("bulkcancel", ours(url, sheet, folder, n)), ("minimal", peer(url, args.rows))):
                wall, per_row[name], span = measured
                walls[name].append(wall)
                busy[name].append(span)
    medians = {name: statistics.median(values) for name, values in walls.items()}
    report = {
        "machine": machine(),
        "rows": args.rows,
        "walls": walls,
        "median_wall": medians,
        "median_busy": {name: statistics.median(values) for name, values in busy.items()},
        "requests_per_row": per_row,
        "minimal_over_bulkcancel": medians["minimal"] / medians["bulkcancel"],
    }
    save("bench_weekly", report)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
