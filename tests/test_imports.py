"""What a command loads: a run of an order sheet imports only the libraries that path uses.

Start-up is most of a weekly run's wall time (benchmarks/bench_weekly.py), so a module that
imports a heavy library at the top while the run never calls it costs every run. Not timed
(no test asserts on wall time): a fresh interpreter runs the real command and names the
packages it loaded; the forbidden ones are each imported inside the function that uses them.
Babel is left out on purpose: it is imported once per ``.po`` to compile the catalogue
(``bulkcancel/i18n/compiled.py``), whatever the command.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_csv, write_xlsx

# Imported only where they are used: the workbooks written with openpyxl (templates,
# requests, stock-outs, corrected sheet), the in-process transports (httpx: the demo and
# tests), the page and the simulators (starlette, jinja2, uvicorn, multipart, yaml), the
# OS keyring (login and the test/production environments).
NOT_FOR_A_RUN = {"openpyxl", "httpx", "starlette", "jinja2", "uvicorn", "python_multipart", "keyring", "yaml"}
ENGINES = {"pandas", "pandera", "aiohttp", "python_calamine"}

_CHILD = """
import json, sys
out, args = sys.argv[1], json.loads(sys.argv[2])
sys.argv = ["bulkcancel", *args]

def loaded():
    return sorted({name.partition(".")[0] for name in sys.modules})

from bulkcancel.cli import collector  # before the commands take its settle
settled, settle = [], collector.settle
collector.settle = lambda: (settled.append(loaded()), settle())[1]
from bulkcancel.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
with open(out, "w") as handle:
    json.dump({"code": code, "packages": loaded(), "settled": settled}, handle)
"""

ROWS = [
    ["OrderItemId", "ReasonCode", "DateTime", "Note"],
    ["2012345601", "OUT_OF_STOCK", "28-11-2026 10:00", "one"],
    ["2012345602", "REQUESTED_BY_CUSTOMER", "", "two"],
]


def _loaded(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    """Run ``bulkcancel ARGS`` in a fresh interpreter; its exit code and the top-level packages it imported."""
    code, packages, _ = _loaded_and_settled(tmp_path, *args)
    return code, packages


def _loaded_and_settled(tmp_path: Path, *args: str) -> tuple[int, set[str], list[set[str]]]:
    """Also what was loaded each time the command settled the collector (``cli/collector.py``)."""
    out = tmp_path / "loaded.json"
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(out), json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert out.exists(), done.stderr
    loaded: dict[str, Any] = json.loads(out.read_text())
    return int(loaded["code"]), set(loaded["packages"]), [set(then) for then in loaded["settled"]]


@pytest.mark.slow
def test_a_run_of_an_order_sheet_loads_only_what_it_uses(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve()
    sheet = write_xlsx(tmp_path / "weekly.xlsx", ROWS)
    result = tmp_path / "weekly-results.xlsx"
    code, packages, settled = _loaded_and_settled(
        tmp_path, "run", str(sheet), "--base-url", sim.url, "--quiet", "--out", str(result)
    )
    assert code == 0 and result.exists()
    assert sorted(sim.cancelled_ids()) == ["2012345601", "2012345602"]  # the run really sent
    assert packages >= ENGINES  # the path that was checked is the real one
    assert not packages & NOT_FOR_A_RUN, sorted(packages & NOT_FOR_A_RUN)
    # the collector settled once, with the schema and the HTTP client loaded (frozen, never walked again)
    assert len(settled) == 1 and settled[0] >= {"pandas", "pandera", "aiohttp"}, settled


@pytest.mark.slow
@pytest.mark.parametrize("command", ["plan", "requests", "stockouts"])
def test_the_other_commands_that_talk_to_bol_settle_once_with_what_they_use_loaded(
    command: str, serve: Callable[..., Any], tmp_path: Path
) -> None:
    sim = serve()
    target = ["--base-url", sim.url, "--quiet"]
    arguments = {
        "plan": [str(write_csv(tmp_path / "weekly.csv", ROWS)), *target, "--out", str(tmp_path / "plan.xlsx")],
        "requests": [*target, "--out", str(tmp_path / "requests.xlsx")],
        "stockouts": [
            str(write_csv(tmp_path / "products.csv", [["EAN"], ["8712345678906"]])),
            *target,
            "--out",
            str(tmp_path / "stockouts.xlsx"),
        ],
    }[command]
    code, _, settled = _loaded_and_settled(tmp_path, command, *arguments)
    assert code in (0, 1) and (tmp_path / f"{command}.xlsx").exists(), code  # 1: rows not open
    assert len(settled) == 1 and settled[0] >= {"pandas", "pandera", "aiohttp"}, settled


@pytest.mark.slow
def test_validate_and_version_load_no_writer_page_or_http_client(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "weekly.csv", ROWS)
    code, packages, settled = _loaded_and_settled(
        tmp_path, "validate", str(sheet), "--out", str(tmp_path / "checked.xlsx")
    )
    assert code == 0 and (tmp_path / "checked.xlsx").exists()
    assert {"pandas", "pandera"} <= packages
    assert len(settled) == 1 and settled[0] >= {"pandas", "pandera"}, settled
    assert not packages & (NOT_FOR_A_RUN | {"aiohttp"}), sorted(
        packages & (NOT_FOR_A_RUN | {"aiohttp"})
    )  # sends nothing
    code, packages = _loaded(tmp_path, "--version")
    assert code == 0
    assert not packages & (NOT_FOR_A_RUN | ENGINES), sorted(packages & (NOT_FOR_A_RUN | ENGINES))


@pytest.mark.slow
def test_the_template_still_loads_openpyxl_where_it_writes(tmp_path: Path) -> None:
    """The other side: the command that writes with openpyxl does load it (the check above can fail)."""
    code, packages = _loaded(tmp_path, "template", str(tmp_path / "template.xlsx"))
    assert code == 0 and (tmp_path / "template.xlsx").exists()
    assert "openpyxl" in packages
