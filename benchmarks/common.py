"""Shared pieces of the benchmarks: sheets, a simulator process, timing, the ledger."""

from __future__ import annotations

import compileall
import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_csv(path: Path, rows: int, start: int = 2_100_000_000) -> Path:
    """A valid sheet of ``rows`` distinct order items."""
    reasons = ("OUT_OF_STOCK", "REQUESTED_BY_CUSTOMER", "NOT_AVAIL_IN_TIME", "BAD_CONDITION")
    with path.open("w", encoding="utf-8") as handle:
        handle.write("OrderItemId,ReasonCode,DateTime,Note\n")
        for n in range(rows):
            handle.write(f"{start + n},{reasons[n % 4]},28-11-2026 10:{n % 60:02d},row {n}\n")
    return path


def make_xlsx(path: Path, rows: int, start: int = 2_100_000_000) -> Path:
    """The same sheet as an .xlsx, written streaming (IDs as text, as the template asks)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Cancellations")
    sheet.append(["OrderItemId", "ReasonCode", "DateTime", "Note"])
    reasons = ("OUT_OF_STOCK", "REQUESTED_BY_CUSTOMER", "NOT_AVAIL_IN_TIME", "BAD_CONDITION")
    for n in range(rows):
        sheet.append([str(start + n), reasons[n % 4], f"28-11-2026 10:{n % 60:02d}", f"row {n}"])
    book.save(path)
    return path


@dataclass
class Measured:
    """Wall time, CPU time and peak memory of one child process."""

    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    stdout: str


def as_installed() -> None:
    """Write the package's bytecode, as ``pip install`` does: a person's every start reads it.

    Without it a shell with PYTHONDONTWRITEBYTECODE (this machine's sets it) compiles every
    bulkcancel module from source in every measured process: ~0.1 s of each start, a cost no
    installed copy pays (the peers import a few bulkcancel modules and pay it too)."""
    compileall.compile_dir(ROOT / "bulkcancel", quiet=1)


def measure(args: Sequence[str], env: dict[str, str] | None = None) -> Measured:
    """Run a command; its own CPU time and peak RSS come from wait4's rusage."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(args),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    output = process.stdout.read() if process.stdout else ""
    return Measured(
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
        output,
    )


def bulkcancel(*args: str) -> list[str]:
    return [sys.executable, "-m", "bulkcancel", *args]


@contextmanager
def simulator(
    latency_ms: float, settle: float = 0.5, daily_limit: int = 10_000_000, extra: Sequence[str] = ()
) -> Iterator[str]:
    """`bulkcancel simulate` in its own process; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        bulkcancel(
            "simulate",
            "--port",
            str(port),
            "--latency-ms",
            str(latency_ms),
            "--settle-seconds",
            str(settle),
            "--daily-limit",
            str(daily_limit),
            "--status-limit",  # repeated runs on one simulator go past bol's 50,000 an hour
            "100000000",
            *extra,
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                ledger(url)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def ledger(url: str) -> dict[str, object]:
    with urllib.request.urlopen(f"{url}/_simulator/ledger", timeout=30) as answer:  # noqa: S310
        return dict(json.load(answer))


def reset(url: str) -> None:
    urllib.request.urlopen(f"{url}/_simulator/reset", timeout=10).read()  # noqa: S310


def save(name: str, data: dict[str, object]) -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(data, indent=2))


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load {os.getloadavg()[0]:.2f}"


def children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
