"""What validation says up front about a damaged sheet (``check/damage.py``): one line per kind
of Excel damage, with how many rows have it, in the sheet's language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bulkcancel.check.damage import damage_notes
from bulkcancel.check.schema import RowCheck, validate_sheet_rows
from bulkcancel.sheet.read import ReadLimits, read_sheet

ZONE = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def checks_of(tmp_path: Path, ids: list[str]) -> list[RowCheck]:
    path = tmp_path / "orders.csv"
    path.write_text("OrderItemId;ReasonCode\n" + "".join(f"{i};OUT_OF_STOCK\n" for i in ids), encoding="utf-8")
    return validate_sheet_rows(read_sheet(path, None, ReadLimits(), {}), ZONE, NOW)


def test_each_kind_of_damage_is_one_line_with_its_count(tmp_path: Path) -> None:
    checks = checks_of(tmp_path, ["2.01235E+09", "2,01235E+09", "2012345678.0", "2.012.345.679", "2012345680"])
    notes = damage_notes(checks)
    assert len(notes) == 3
    assert notes[0].startswith("2 row(s) have IDs in scientific notation")
    assert notes[1].startswith("1 ID(s) arrived as numbers with decimals")
    assert notes[2].startswith("1 ID(s) had thousands separators")


def test_a_clean_sheet_has_nothing_to_say(tmp_path: Path) -> None:
    assert damage_notes(checks_of(tmp_path, ["2012345678", "2012345679"])) == []


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_lines_come_in_the_sheets_language(tmp_path: Path, lang: str) -> None:
    checks = checks_of(tmp_path, ["2.01235E+09", "02012345678"])
    english, notes = damage_notes(checks, "en"), damage_notes(checks, lang)
    assert len(notes) == 2 and notes[0].startswith("1 ") and notes[1].startswith("1 ")
    assert (notes == english) is (lang == "en")
