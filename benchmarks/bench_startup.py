"""Start-up cost: ``bulkcancel --version`` and a 10-row ``validate``, and what pandera adds.

Each command runs ``--repeat`` times in a fresh process; the median wall time is reported.
``--peer PYTHON`` times the same commands with another interpreter (for example the venv of
an older checkout) in the same run, so the two figures share the machine's noise.
``python -X importtime`` gives pandera's own import cost (cumulative microseconds).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import as_installed, machine, make_csv, measure, save


def _median_wall(python: str, args: list[str], repeat: int) -> float:
    walls = []
    for _ in range(repeat):
        done = measure([python, "-m", "bulkcancel", *args])
        if done.returncode not in (0, 1):
            raise SystemExit(f"{python} -m bulkcancel {' '.join(args)} failed: {done.stdout[-500:]}")
        walls.append(done.wall)
    return statistics.median(walls)


def _import_us(python: str, module: str) -> int:
    """Cumulative import time of ``module`` in microseconds (``-X importtime``)."""
    done = subprocess.run([python, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True)
    for line in done.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1])
    raise SystemExit(f"no import time for {module} from {python}")


def _figures(python: str, sheet: Path, repeat: int) -> dict[str, float]:
    return {
        "version_s": _median_wall(python, ["--version"], repeat),
        "validate_10_rows_s": _median_wall(python, ["validate", str(sheet), "--out", str(sheet) + ".xlsx"], repeat),
        "pandera_import_s": _import_us(python, "pandera.pandas") / 1e6,
        "pandas_import_s": _import_us(python, "pandas") / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--peer", help="another Python with bulkcancel installed, timed in the same run")
    options = parser.parse_args()
    as_installed()
    with tempfile.TemporaryDirectory() as folder:
        sheet = make_csv(Path(folder) / "ten.csv", 10)
        results: dict[str, object] = {"machine": machine(), "this": _figures(sys.executable, sheet, options.repeat)}
        if options.peer:
            results["peer"] = _figures(options.peer, sheet, options.repeat)
    for name in ("this", "peer"):
        if name in results:
            figures = results[name]
            assert isinstance(figures, dict)
            print(name, ", ".join(f"{key} {value:.3f}" for key, value in figures.items()))
    save("startup", results)


if __name__ == "__main__":
    main()
