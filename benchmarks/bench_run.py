"""Benchmarks 1, 2, 3 and 5: concurrency under latency, against the naive script, requests
per row, CPU per row. The simulator runs in its own process on loopback.

    .venv-bench/bin/python benchmarks/bench_run.py [--rows 2000] [--naive-rows 2000] [--cpu-only] [--concurrency-only]
        [--levels 16 64] [--repeat 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from common import ROOT, as_installed, bulkcancel, ledger, machine, make_csv, measure, reset, save, simulator

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


def run_peer(
    url: str, rows: int, concurrency: int, kind: str = "aiohttp", first: int = 2_200_000_000
) -> dict[str, float]:
    reset(url)
    result = measure(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "peers.py"),
            kind,
            url,
            str(rows),
            str(concurrency),
            str(first),
        ]
    )
    book = ledger(url)
    busy = float(book["busy_seconds"])  # type: ignore[arg-type]
    requests = len(book["ledger"]) + int(book["status_polls"])  # type: ignore[arg-type]
    return {
        "wall": result.wall,
        "cpu": result.cpu,
        "busy": busy,
        "requests": requests,
        "polls_per_row": (requests - rows) / rows,
        "of_ideal_busy": requests * LATENCY / concurrency / busy,
    }


def bench_concurrency(
    url: str, tmp: Path, rows: int, report: dict[str, object], levels: list[int], repeat: int
) -> None:
    """1 and 3: at 16 and 64 in flight, against the aiohttp peer; polls per row. With ``repeat``,
    bulkcancel and the peers take turns that many times (this machine's noise is +-5 % a run)
    and the medians are compared."""
    for concurrency in levels:
        turns: list[tuple[dict[str, float], dict[str, float], dict[str, float]]] = []
        for turn in range(repeat):
            sheet = make_csv(
                tmp / f"sheet{concurrency}-{turn}.csv",
                rows,
                start=2_000_000_000 + concurrency * 1_000_000 + turn * rows,
            )
            ours = run_ours(url, sheet, concurrency, tmp / f"j{concurrency}-{turn}.sqlite3")
            first = 2_200_000_000 + concurrency * 1_000_000 + turn * 2 * rows
            peer = run_peer(url, rows, concurrency, first=first)
            # the same job as a run: every outcome final
            final = run_peer(url, rows, concurrency, "aiohttp-final", first + rows)
            turns.append((ours, peer, final))
        ours = {key: statistics.median(t[0][key] for t in turns) for key in turns[0][0]}
        peer = {key: statistics.median(t[1][key] for t in turns) for key in turns[0][1]}
        final = {key: statistics.median(t[2][key] for t in turns) for key in turns[0][2]}
        ours["vs_aiohttp_busy"] = peer["busy"] / ours["busy"]
        ours["vs_aiohttp_wall"] = peer["wall"] / ours["wall"]  # whole process: start-up and workbook included
        ours["vs_aiohttp_final_wall"] = final["wall"] / ours["wall"]
        report[f"c{concurrency}"] = {
            "bulkcancel": ours,
            "aiohttp": peer,
            "aiohttp_until_final": final,
            "walls": {"bulkcancel": [t[0]["wall"] for t in turns], "aiohttp": [t[1]["wall"] for t in turns]},
        }
        print(
            f"concurrency {concurrency} ({'median of ' + str(repeat) if repeat > 1 else 'one run'}): bulkcancel "
            f"{ours['busy']:.2f} s busy ({ours['of_ideal_busy']:.2f} of ideal {ours['ideal']:.2f} s), whole process "
            f"{ours['wall']:.2f} s; aiohttp peer {peer['busy']:.2f} s busy ({peer['of_ideal_busy']:.2f} of ideal), "
            f"whole process {peer['wall']:.2f} s; bulkcancel/peer busy {ours['vs_aiohttp_busy']:.2f}, whole process "
            f"{ours['vs_aiohttp_wall']:.2f} (a peer polling until final: {final['wall']:.2f} s, "
            f"{ours['vs_aiohttp_final_wall']:.2f}); polls per row {ours['polls'] / ours['cancels']:.2f}; "
            f"max in flight {ours['max_in_flight']:.0f}"
        )


def bench_naive(url: str, tmp: Path, naive_rows: int, report: dict[str, object]) -> None:
    """2: against the sequential script, same server, same number of rows."""
    small = make_csv(tmp / "small.csv", naive_rows, start=2_300_000_000)
    reset(url)
    naive = measure([sys.executable, str(ROOT / "benchmarks" / "peers.py"), "naive", url, str(small)])
    naive_time = float(naive.stdout.strip().splitlines()[-1])
    small_ours = run_ours(
        url,
        make_csv(tmp / "small2.csv", naive_rows, start=2_400_000_000),
        16,
        tmp / "js.sqlite3",
    )
    no_follow = run_ours(
        url,
        make_csv(tmp / "small3.csv", naive_rows, start=2_450_000_000),
        16,
        tmp / "jn.sqlite3",
        "--no-follow",
    )
    report["naive"] = {
        "no_follow_wall": no_follow["wall"],
        "speedup_no_follow": naive.wall / no_follow["wall"],
        "rows": naive_rows,
        "naive_seconds": naive_time,
        "naive_wall": naive.wall,
        "bulkcancel_wall": small_ours["wall"],
        "speedup_wall": naive.wall / small_ours["wall"],
        "bulkcancel_requests": small_ours["cancels"] + small_ours["polls"],
    }
    print(
        f"naive script, {naive_rows} rows: {naive.wall:.2f} s; bulkcancel at 16: "
        f"{small_ours['wall']:.2f} s (with {small_ours['polls']:.0f} status polls): "
        f"{naive.wall / small_ours['wall']:.1f}x faster; with --no-follow {no_follow['wall']:.2f} s: "
        f"{naive.wall / no_follow['wall']:.1f}x"
    )


def bench_cpu(tmp: Path, rows: int, report: dict[str, object]) -> None:
    """5: CPU per row at zero latency, bulkcancel and the aiohttp peer (start-up subtracted)."""
    with simulator(latency_ms=0, settle=0.0) as url:
        zero = run_ours(
            url,
            make_csv(tmp / "zero.csv", rows, start=2_500_000_000),
            16,
            tmp / "jz.sqlite3",
        )
        one = run_ours(url, make_csv(tmp / "one.csv", 1, start=2_600_000_000), 16, tmp / "j1.sqlite3")
        per_row = (zero["cpu"] - one["cpu"]) / rows * 1000
        peer_all, peer_one = run_peer(url, rows, 16), run_peer(url, 1, 16)
        peer_per_row = (peer_all["cpu"] - peer_one["cpu"]) / rows * 1000
        report["cpu"] = {
            "total_cpu": zero["cpu"],
            "startup_cpu": one["cpu"],
            "ms_per_row": per_row,
            "wall": zero["wall"],
            "aiohttp_peer_ms_per_row": peer_per_row,
        }
        print(
            f"CPU: {zero['cpu']:.2f} s for {rows} rows at zero latency, {one['cpu']:.2f} s "
            f"start-up: {per_row:.2f} ms per row; aiohttp peer (the same two calls per row, "
            f"no journal, no sheet): {peer_per_row:.2f} ms per row"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--naive-rows", type=int, default=2000)
    parser.add_argument("--cpu-only", action="store_true", help="only benchmark 5, CPU per row (~30 s)")
    parser.add_argument("--concurrency-only", action="store_true", help="only benchmarks 1 and 3 (c16, c64)")
    parser.add_argument("--levels", type=int, nargs="+", default=[16, 64], help="concurrencies of 1 and 3")
    parser.add_argument(
        "--repeat", type=lambda text: max(int(text), 1), default=1, help="1 and 3: turns each, medians compared"
    )
    args = parser.parse_args()
    as_installed()
    report: dict[str, object] = {"machine": machine(), "rows": args.rows}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if not args.cpu_only:
            with simulator(latency_ms=LATENCY * 1000) as url:
                bench_concurrency(url, tmp, args.rows, report, args.levels, args.repeat)
                if not args.concurrency_only:
                    bench_naive(url, tmp, args.naive_rows, report)
        if not args.concurrency_only:
            bench_cpu(tmp, args.rows, report)
    save("bench_run", report)


if __name__ == "__main__":
    main()
