"""The notebook API: ``run_sheet`` and ``validate_sheet`` with named, typed options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bulkcancel
from bulkcancel.errors import ConfigError
from tests.conftest import read_results, write_csv

ROWS = [
    ["OrderItemId", "ReasonCode", "Note"],
    ["2012345601", "OUT_OF_STOCK", "a"],
    ["2012345602", "out of stock", "b"],
    ["2012345603", "OUT_OF_STOK", "typo"],
]


def test_run_sheet_takes_strings_and_returns_every_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / "s.csv", ROWS)
    frame = bulkcancel.run_sheet("s.csv", out="r.xlsx", journal="j.sqlite3")
    assert list(frame["Status"]) == ["CANCELLED", "CANCELLED", "INVALID"]
    assert list(frame["Row"]) == [2, 3, 4] and list(frame["Note"]) == ["a", "b", "typo"]
    assert frame.attrs["exit_code"] == 1 and frame.attrs["out"] == "r.xlsx" and frame.attrs["run_id"]
    assert [r["Status"] for r in read_results(tmp_path / "r.xlsx")] == ["CANCELLED", "CANCELLED", "INVALID"]
    assert (tmp_path / "j.sqlite3").exists()
    again = bulkcancel.run_sheet(Path("s.csv"), out=Path("r2.csv"), journal=Path("j.sqlite3"))
    assert list(again["Status"]) == ["SKIPPED", "SKIPPED", "INVALID"]  # the same journal: nothing twice
    assert (tmp_path / "r2.csv").read_text(encoding="utf-8-sig").count("SKIPPED") == 2


def test_run_sheet_with_a_scenario_path_as_text(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"default": "open", "items": [{"id": "2012345602", "state": "shipped"}]}))
    sheet = write_csv(tmp_path / "s.csv", ROWS[:3])
    frame = bulkcancel.run_sheet(str(sheet), scenario=str(scenario), journal=str(tmp_path / "j.sqlite3"))
    assert list(frame["Status"]) == ["CANCELLED", "FAILED"]
    assert (tmp_path / "s-results.xlsx").exists()


def test_validate_sheet_sends_nothing_and_writes_only_when_asked(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", ROWS)
    frame = bulkcancel.validate_sheet(str(sheet))
    assert list(frame["Status"]) == ["READY", "READY", "INVALID"]
    assert "did you mean OUT_OF_STOCK?" in frame["Detail"][2]
    assert not (tmp_path / "s-checked.xlsx").exists()
    bulkcancel.validate_sheet(sheet, out=str(tmp_path / "checked.xlsx"))
    assert (tmp_path / "checked.xlsx").exists()


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda p: bulkcancel.run_sheet(p, outt="r.xlsx"), "run_sheet() has no option 'outt'; did you mean 'out'?"),
        (lambda p: bulkcancel.validate_sheet(p, tz="UTC"), "validate_sheet() has no option 'tz'"),
        (lambda p: bulkcancel.run_sheet(p, env="staging"), "env='staging': choose one of demo, test, production"),
        (lambda p: bulkcancel.run_sheet(p, concurrency=0), "--concurrency 0: choose a number from 1 to 256"),
    ],
)
def test_a_wrong_option_is_a_clear_error_before_anything_is_sent(tmp_path: Path, call: object, words: str) -> None:
    sheet = write_csv(tmp_path / "s.csv", ROWS)
    with pytest.raises(ConfigError) as failed:
        call(sheet)  # type: ignore[operator]
    assert words in str(failed.value)
    assert not (tmp_path / "s-results.xlsx").exists()


@pytest.mark.parametrize("call", ["run_sheet", "stockouts"])
@pytest.mark.parametrize(("option", "value"), [("env", "prod"), ("api", "v10")])
def test_an_unknown_env_or_api_is_one_config_error_before_anything_is_read(
    tmp_path: Path, call: str, option: str, value: str
) -> None:
    """Both library calls refuse the same names the same way, before the sheet is even opened."""
    with pytest.raises(ConfigError) as refused:
        getattr(bulkcancel, call)(tmp_path / "missing.xlsx", **{option: value})
    assert refused.value.exit_code == 2
