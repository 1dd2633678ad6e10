"""Benchmarks 1, 2, 3 and 5: concurrency under latency, against the naive script, requests
per row, CPU per row. The simulator runs in its own process on loopback.

    .venv/bin/python benchmarks/bench_run.py [--rows 2000] [--naive-rows 2000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import ROOT, bulkcancel, ledger, machine, make_csv, measure, reset, save, simulator

LATENCY = 0.050


def run_ours(url: str, sheet: Path, concurrency: int, journal: Path, *extra: str) -> dict[str, float]:
    reset(url)
    result = measure(
        bulkcancel(
            "run",
            str(sheet),
            "--base-url",
            url,
            "--concurrency",
            str(concurrency),
            "--quiet",
            "--journal",
            str(journal),
            "--out",
            str(sheet) + ".out.xlsx",
            *extra,
        )
    )
    if result.returncode != 0:
        raise SystemExit(f"bulkcancel run failed:\n{result.stdout}")
    book = ledger(url)
    cancels, polls = len(book["ledger"]), int(book["status_polls"])  # type: ignore[arg-type]
    ideal = (cancels + polls) * LATENCY / concurrency
    busy = float(book["busy_seconds"])  # type: ignore[arg-type]
    return {
        "wall": result.wall,
        "cpu": result.cpu,
        "busy": busy,
        "cancels": cancels,
        "polls": polls,
        "ideal": ideal,
        "of_ideal_busy": ideal / busy,
        "of_ideal_wall": ideal / result.wall,
        "max_in_flight": float(book["max_in_flight"]),
    }  # type: ignore[arg-type]


def run_peer(url: str, rows: int, concurrency: int) -> dict[str, float]:
    reset(url)
    result = measure(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "peers.py"),
            "aiohttp",
            url,
            str(rows),
            str(concurrency),
        ]
    )
    book = ledger(url)
    busy = float(book["busy_seconds"])  # type: ignore[arg-type]
    requests = len(book["ledger"]) + int(book["status_polls"])  # type: ignore[arg-type]
    return {
        "wall": result.wall,
        "busy": busy,
        "requests": requests,
        "of_ideal_busy": requests * LATENCY / concurrency / busy,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--naive-rows", type=int, default=2000)
    args = parser.parse_args()
    report: dict[str, object] = {"machine": machine(), "rows": args.rows}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        with simulator(latency_ms=LATENCY * 1000) as url:
            for concurrency in (16, 64):
                sheet = make_csv(
                    tmp / f"sheet{concurrency}.csv",
                    args.rows,
                    start=2_000_000_000 + concurrency * 10_000,
                )
                ours = run_ours(url, sheet, concurrency, tmp / f"j{concurrency}.sqlite3")
                peer = run_peer(url, args.rows, concurrency)
                ours["vs_aiohttp_busy"] = peer["busy"] / ours["busy"]
                report[f"c{concurrency}"] = {"bulkcancel": ours, "aiohttp": peer}
                print(
                    f"concurrency {concurrency}: bulkcancel {ours['busy']:.2f} s busy "
                    f"({ours['of_ideal_busy']:.2f} of ideal {ours['ideal']:.2f} s; wall "
                    f"{ours['wall']:.2f} s = {ours['of_ideal_wall']:.2f}), aiohttp peer "
                    f"{peer['busy']:.2f} s ({peer['of_ideal_busy']:.2f} of ideal); bulkcancel/peer "
                    f"{ours['vs_aiohttp_busy']:.2f}; polls per row {ours['polls'] / ours['cancels']:.2f}; "
                    f"max in flight {ours['max_in_flight']:.0f}"
                )
            # 2. Against the sequential script, same server, same sheet.
            small = make_csv(tmp / "small.csv", args.naive_rows, start=2_300_000_000)
            reset(url)
            naive = measure([sys.executable, str(ROOT / "benchmarks" / "peers.py"), "naive", url, str(small)])
            naive_time = float(naive.stdout.strip().splitlines()[-1])
            small_ours = run_ours(
                url,
                make_csv(tmp / "small2.csv", args.naive_rows, start=2_400_000_000),
                16,
                tmp / "js.sqlite3",
            )
            no_follow = run_ours(
                url,
                make_csv(tmp / "small3.csv", args.naive_rows, start=2_450_000_000),
                16,
                tmp / "jn.sqlite3",
                "--no-follow",
            )
            report["naive"] = {
                "no_follow_wall": no_follow["wall"],
                "speedup_no_follow": naive.wall / no_follow["wall"],
                "rows": args.naive_rows,
                "naive_seconds": naive_time,
                "naive_wall": naive.wall,
                "bulkcancel_wall": small_ours["wall"],
                "speedup_wall": naive.wall / small_ours["wall"],
                "bulkcancel_requests": small_ours["cancels"] + small_ours["polls"],
            }
            print(
                f"naive script, {args.naive_rows} rows: {naive.wall:.2f} s; bulkcancel at 16: "
                f"{small_ours['wall']:.2f} s (with {small_ours['polls']:.0f} status polls): "
                f"{naive.wall / small_ours['wall']:.1f}x faster; with --no-follow {no_follow['wall']:.2f} s: "
                f"{naive.wall / no_follow['wall']:.1f}x"
            )
        # 5. CPU per row at zero latency.
        with simulator(latency_ms=0, settle=0.0) as url:
            zero = run_ours(
                url,
                make_csv(tmp / "zero.csv", args.rows, start=2_500_000_000),
                16,
                tmp / "jz.sqlite3",
            )
            one = run_ours(url, make_csv(tmp / "one.csv", 1, start=2_600_000_000), 16, tmp / "j1.sqlite3")
            per_row = (zero["cpu"] - one["cpu"]) / args.rows * 1000
            report["cpu"] = {
                "total_cpu": zero["cpu"],
                "startup_cpu": one["cpu"],
                "ms_per_row": per_row,
                "wall": zero["wall"],
            }
            print(
                f"CPU: {zero['cpu']:.2f} s for {args.rows} rows at zero latency, {one['cpu']:.2f} s "
                f"start-up: {per_row:.2f} ms per row"
            )
    save("bench_run", report)


if __name__ == "__main__":
    main()
