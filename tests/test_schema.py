"""Validation: every failure of every row at once, with the sheet's own row numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bulkcancel.check.schema import validate_sheet_rows
from bulkcancel.reasons import ReasonCode
from bulkcancel.sheet.read import read_sheet
from bulkcancel.statuses import RowStatus
from tests.conftest import write_csv

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
AMS = ZoneInfo("Europe/Amsterdam")


def _checks(tmp_path: Path, rows: list[list[str]]) -> list:  # type: ignore[type-arg]
    path = write_csv(tmp_path / "in.csv", [["Title row"], ["OrderItemId", "ReasonCode", "DateTime"], *rows])
    return validate_sheet_rows(read_sheet(path), AMS, NOW)


def test_every_failure_of_every_row_is_reported(tmp_path: Path) -> None:
    checks = _checks(
        tmp_path,
        [
            ["2012345678", "OUT_OF_STOCK", ""],
            ["abc", "OUT_OF_STOK", "31-12-2099"],
            ["", "", "yesterday"],
            ["2012345679", "other", "28-11-2026 10:00"],
        ],
    )
    assert [c.sheet_row for c in checks] == [3, 4, 5, 6]
    assert [c.status for c in checks] == [
        RowStatus.READY,
        RowStatus.INVALID,
        RowStatus.INVALID,
        RowStatus.READY,
    ]
    bad = checks[1].detail
    assert "OrderItemId 'abc' is not a whole number" in bad
    assert "did you mean OUT_OF_STOCK?" in bad
    assert "in the future" in bad
    assert checks[2].detail.count(";") >= 2  # three problems, one line
    assert checks[3].reason is ReasonCode.OTHER
    assert checks[3].when == datetime(2026, 11, 28, 10, tzinfo=AMS)
    assert checks[0].when is None  # empty: the time of the run


def test_duplicates_after_normalising(tmp_path: Path) -> None:
    checks = _checks(
        tmp_path,
        [
            ["2012345678", "OUT_OF_STOCK", ""],
            [" 2012345678 ", "OTHER", ""],
            ["002012345678", "OUT_OF_STOCK", ""],
            ["2012345678.0", "OUT_OF_STOCK", ""],
            ["bad", "OUT_OF_STOCK", ""],
            ["bad", "OUT_OF_STOCK", ""],
        ],
    )
    assert [c.status for c in checks] == [RowStatus.READY] + [RowStatus.DUPLICATE] * 3 + [RowStatus.INVALID] * 2
    assert checks[1].detail == "same OrderItemId as row 3; not sent twice"


def test_pandera_failure_cases_are_the_row_errors() -> None:
    import pandas as pd
    import pandera.pandas as pa

    from bulkcancel.check.schema import build_schema

    schema = build_schema(AMS, NOW)
    assert set(schema.columns) == {"OrderItemId", "ReasonCode", "DateTime"}
    frame = pd.DataFrame(
        {
            "OrderItemId": ["2012345678", "x1", "2.01E+09"],
            "ReasonCode": ["OTHER", "nope", "OTHER"],
            "DateTime": ["", "", "soon"],
        },
        dtype=object,
    )
    with pytest.raises(pa.errors.SchemaErrors) as failed:
        schema.validate(frame, lazy=True)
    cases = failed.value.failure_cases
    # Every error of every row, lazily: row 1 twice, row 2 twice, row 0 never.
    assert sorted(zip(cases["index"], cases["column"], strict=True)) == [
        (1, "OrderItemId"),
        (1, "ReasonCode"),
        (2, "DateTime"),
        (2, "OrderItemId"),
    ]
    assert all(case.error for case in cases["failure_case"])  # each failure carries its message
