"""Shared fixtures: a real simulator on loopback, isolated journals, sheet writers, the CLI."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import openpyxl

# pandera registers its pandas backends at the first validation and, with hypothesis installed
# (as in the test tools), imports hypothesis's numpy and pandas strategies then; under pytest
# those imports go through assertion rewriting (ast.parse), which on CPython 3.11.7 can fail
# with "AST constructor recursion depth mismatch" when it happens deep in a run's stack. Import
# them here, once, at a shallow depth. (No ast.parse runs on that path outside pytest.)
import pandera.strategies.pandas_strategies  # noqa: F401
import pytest
from click.testing import CliRunner

from bulkcancel.cli import cli
from bulkcancel.simulator import PlazaSimulator, Scenario, SimulatorConfig
from bulkcancel.simulator.retailer import RetailerConfig, RetailerSimulator
from bulkcancel.simulator.scenario import ScenarioItem
from bulkcancel.simulator.server import ServedSimulator
from tests.keyrings import MemoryKeyring
from tests.loopback import HoldAfter


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test reads the developer's keys (environment or keyring) or writes to their journal."""
    monkeypatch.delenv("BOL_PUBLIC_KEY", raising=False)
    monkeypatch.delenv("BOL_PRIVATE_KEY", raising=False)
    monkeypatch.delenv("BOL_CLIENT_ID", raising=False)
    monkeypatch.delenv("BOL_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("BULKCANCEL_JOURNAL", str(tmp_path / "journal.sqlite3"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")  # a process a test starts
    before = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())  # in-process: an empty keyring of this test's own
    yield
    keyring.set_keyring(before)


@pytest.fixture(scope="session")
def chromium_per_language() -> Iterator[dict[str, Any]]:
    """The browser tests' Chromium (a Selenium WebDriver) per language, shared by a worker's tests
    (tests/test_browser.py's ``browser`` makes them and gives each test one as new)."""
    drivers: dict[str, Any] = {}
    yield drivers
    for driver in drivers.values():
        driver.quit()


def make_scenario(**states: str) -> Scenario:
    """A scenario where ``id_2012345601="shipped"`` style keywords set item states."""
    items = {
        key.removeprefix("id_"): ScenarioItem(id=key.removeprefix("id_"), state=state) for key, state in states.items()
    }
    return Scenario(items=items)


class Served:
    """A running simulator: its app (ledger, state) and base URL; ``held``: the gate it is served
    behind (``serve(..., hold_after=n)``), whose ``release()`` lets the held cancellations through."""

    def __init__(self, app: PlazaSimulator | RetailerSimulator, url: str, held: HoldAfter | None = None) -> None:
        self.app = app
        self.url = url
        self.held = held

    @property
    def ledger(self) -> list[object]:
        return list(self.app.state.ledger)

    def cancelled_ids(self) -> list[str]:
        """Order items that reached the simulator as cancellation requests, in order."""
        return [entry.order_item_id for entry in self.app.state.ledger]


@pytest.fixture(scope="session")
def stopping_servers() -> Iterator[list[ServedSimulator]]:
    """Simulators told to stop at the end of their test, joined at the end of the session: uvicorn
    takes a tenth of a second or two to shut down, which no test needs to wait for."""
    stopping: list[ServedSimulator] = []
    yield stopping
    for server in stopping:
        server.stop()


def _serving(
    make: Callable[[Scenario | None, Any], Any], stopping: list[ServedSimulator]
) -> Iterator[Callable[..., Served]]:
    """``start(scenario, config)`` serves ``make(scenario, config)`` on a free loopback port until the test ends;
    ``hold_after=n`` serves it behind a ``HoldAfter`` gate: the run stays mid-way until the test releases it."""
    running: list[ServedSimulator] = []

    def start(scenario: Scenario | None = None, config: Any = None, *, hold_after: int | None = None) -> Served:
        app = make(scenario, config)
        held = HoldAfter(app, hold_after) if hold_after is not None else None
        server = ServedSimulator(held or app)
        url = server.__enter__()
        running.append(server)
        return Served(app, url, held)

    yield start
    for server in running:
        if isinstance(server.app, HoldAfter):
            server.app.release()  # a test that failed before releasing it
        server.stop(wait=False)
        stopping.append(server)


@pytest.fixture
def serve(stopping_servers: list[ServedSimulator]) -> Iterator[Callable[..., Served]]:
    """Start Plaza simulators on free loopback ports: ``serve(scenario, config)``."""
    yield from _serving(
        lambda scenario, config: PlazaSimulator(scenario, config or SimulatorConfig(settle_seconds=0)), stopping_servers
    )


@pytest.fixture
def serve_retailer(stopping_servers: list[ServedSimulator]) -> Iterator[Callable[..., Served]]:
    """Start Retailer API simulators on free loopback ports: ``serve_retailer(scenario, config)``."""
    yield from _serving(
        lambda scenario, config: RetailerSimulator(scenario, config or RetailerConfig(settle_seconds=0)),
        stopping_servers,
    )


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], title: str = "Sheet1", formulas: bool = False) -> Path:
    """A real workbook with ``rows`` (the first usually the header); ``=...`` is text unless
    ``formulas`` asks for formula cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    if not formulas:
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    book.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[str]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    """A real CSV file."""
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def read_results(path: Path, sheet: str = "Results") -> list[dict[str, object]]:
    """The rows of a result workbook as dicts keyed by header."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


@dataclass(frozen=True)
class Ran:
    """How a CLI invocation ended, as a user sees it."""

    returncode: int
    stdout: str
    stderr: str


def bulkcancel(*args: str, env: dict[str, str] | None = None) -> Ran:
    """The CLI in-process (``CliRunner``): exit code, stdout and stderr exactly as a user sees them.

    An unexpected exception is raised into the test (BULKCANCEL_DEBUG) instead of being
    printed as "unexpected error", so a test never passes over a crash.
    """
    result = CliRunner().invoke(cli, list(args), env={"BULKCANCEL_DEBUG": "1", **(env or {})}, catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


def bulkcancel_process(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m bulkcancel`` as a separate process: for what needs one (signals, the entry point)."""
    return subprocess.run(
        [sys.executable, "-m", "bulkcancel", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def start_process(*args: str) -> subprocess.Popen[str]:
    """``python -m bulkcancel ARGS`` started in the background (to be killed or interrupted)."""
    return subprocess.Popen(
        [sys.executable, "-m", "bulkcancel", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def read_summary(path: Path, sheet: str = "Summary") -> tuple[dict[str, object], dict[str, object]]:
    """The Summary sheet as (rows per status with the Total, every other caption -> value up to the legend)."""
    book = openpyxl.load_workbook(path, read_only=True)
    lines = [row for row in book[sheet].iter_rows(min_row=2, values_only=True)]
    book.close()
    firsts = [row[0] for row in lines]
    total = firsts.index("Total") if "Total" in firsts else firsts.index("Totaal")
    legend = next(n for n, first in enumerate(firsts) if first in ("Legend", "Legenda"))
    counts = {str(row[0]): row[1] for row in lines[: total + 1]}
    facts = {str(row[0]): row[1] for row in lines[total + 1 : legend] if row[0]}
    return counts, facts
