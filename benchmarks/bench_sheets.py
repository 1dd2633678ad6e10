"""Benchmark 4: big sheets. `bulkcancel validate` and `run --dry-run` on 100,000 rows (.xlsx
and .csv) against the naive pipeline (pandas read_excel + to_excel with openpyxl), same run.

    .venv/bin/python benchmarks/bench_sheets.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import as_installed, bulkcancel, machine, make_csv, make_xlsx, measure, save

NAIVE = """
import sys, pandas as pd
frame = pd.read_excel(sys.argv[1], engine="openpyxl", dtype=str)
frame["Status"] = "READY"
frame.to_excel(sys.argv[2], engine="openpyxl", index=False)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    as_installed()
    report: dict[str, object] = {"machine": machine(), "rows": args.rows}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        xlsx = make_xlsx(tmp / "big.xlsx", args.rows)
        csv = make_csv(tmp / "big.csv", args.rows)
        naive = measure([sys.executable, "-c", NAIVE, str(xlsx), str(tmp / "naive-out.xlsx")])
        report["naive_xlsx"] = vars(naive) | {"stdout": ""}
        print(f"naive pandas+openpyxl xlsx: {naive.wall:.1f} s, peak {naive.peak_mb:.0f} MB")
        for name, sheet in (("xlsx", xlsx), ("csv", csv)):
            checked = measure(bulkcancel("validate", str(sheet), "--out", str(tmp / f"{name}-checked.xlsx")))
            report[f"validate_{name}"] = vars(checked) | {
                "stdout": "",
                "vs_naive": checked.wall / naive.wall,
            }
            print(
                f"bulkcancel validate {name}: {checked.wall:.1f} s ({checked.wall / naive.wall:.2f}x naive), "
                f"peak {checked.peak_mb:.0f} MB, exit {checked.returncode}"
            )
        dry = measure(
            bulkcancel(
                "run",
                str(xlsx),
                "--dry-run",
                "--quiet",
                "--journal",
                str(tmp / "j.sqlite3"),
                "--out",
                str(tmp / "dry.xlsx"),
            )
        )
        report["dry_run_xlsx"] = vars(dry) | {"stdout": "", "vs_naive": dry.wall / naive.wall}
        print(
            f"bulkcancel run --dry-run xlsx: {dry.wall:.1f} s ({dry.wall / naive.wall:.2f}x naive), "
            f"peak {dry.peak_mb:.0f} MB, exit {dry.returncode}"
        )
    save("bench_sheets", report)


if __name__ == "__main__":
    main()
