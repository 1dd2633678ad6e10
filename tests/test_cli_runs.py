"""``bulkcancel runs``: short words, so an 80-column terminal shows a run on one line per status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import bulkcancel, write_csv


@pytest.mark.parametrize(("lang", "header"), [("en", "Run id"), ("nl", "Run-id")])
def test_runs_fit_an_80_column_terminal(tmp_path: Path, lang: str, header: str) -> None:
    sheet = write_csv(
        tmp_path / "a-long-name-of-the-weekly-stock-outs.csv",
        [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"], ["x", "OTHER"]],
    )
    first = json.loads(bulkcancel("run", str(sheet), "--quiet", "--json").stdout)["run_id"]
    second = json.loads(bulkcancel("run", str(sheet), "--quiet", "--json").stdout)["run_id"]
    terminal = {"COLUMNS": "80", "TERM": "xterm"}
    listed = bulkcancel("runs", "--lang", lang, env=terminal)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[1].startswith(header)
    rows = lines[3:]  # after the title, the header and its rule
    at = {run_id: next(i for i, line in enumerate(rows) if line.startswith(run_id)) for run_id in (first, second)}
    # the latest first; each run as many lines as it has statuses (CANCELLED and INVALID; SKIPPED and INVALID)
    assert at[second] == 0 and at[first] == 2 and len(rows) == 4
    assert "demo plaza" in rows[0] and "1 INVALID" in rows[0] and "1 SKIPPED" in rows[1]
