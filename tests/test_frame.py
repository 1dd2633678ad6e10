"""``validate_sheet`` and ``run_sheet`` give analysts typed data: dtypes per column, typed attrs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

import bulkcancel
from bulkcancel.norm.standing import NormEffect
from bulkcancel.output.frame import FrameInfo
from bulkcancel.reasons import ReasonCode
from bulkcancel.results import RunRecord, StopReason
from bulkcancel.statuses import ExitCode, RowStatus
from bulkcancel.targets import Api
from tests.conftest import write_csv

ROWS = [
    ["OrderItemId", "ReasonCode", "DateTime", "Note"],
    ["0012345601", "OUT_OF_STOCK", "30-11-2026 09:00", "leading zeros kept"],
    ["2012345602", "REQUESTED_BY_CUSTOMER", "", ""],
    ["x", "", "", "invalid"],
    ["2012345602", "OTHER", "", "duplicate"],
]
TIME_COLUMNS = ("Time given to bol", "Request sent at")


def _assert_typed(frame: pd.DataFrame, zone: str, status: str = "Status", sent_as: str = "Sent as") -> None:
    assert str(frame.iloc[:, 0].dtype) == "Int64"  # Row
    assert frame["OrderItemId"].dtype == "string" and frame["ProcessStatusId"].dtype == "string"
    assert isinstance(frame[status].dtype, pd.CategoricalDtype)
    assert list(frame[status].cat.categories) == [s.value for s in RowStatus]
    assert isinstance(frame[sent_as].dtype, pd.CategoricalDtype)
    assert list(frame[sent_as].cat.categories) == [c.value for c in ReasonCode]
    assert str(frame.iloc[:, -4].dtype) == "boolean"  # Counts against score
    for column in frame.columns[-3:-1]:
        dtype = frame[column].dtype
        assert isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) == zone, (column, dtype)


def test_run_sheet_returns_typed_columns_and_typed_attrs(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", ROWS)
    frame = bulkcancel.run_sheet(sheet, journal=tmp_path / "j.sqlite3", timezone="America/New_York")
    _assert_typed(frame, "America/New_York")
    assert list(frame["Status"]) == ["CANCELLED", "CANCELLED", "INVALID", "DUPLICATE"]
    assert frame["OrderItemId"][0] == "0012345601"  # an id stays text: no number, no lost zeros
    assert list(frame["Sent as"].astype("string").fillna("")) == ["OUT_OF_STOCK", "REQUESTED_BY_CUSTOMER", "", ""]
    # OUT_OF_STOCK counts; the customer's request, not compared with bol's orders, is not known; nothing sent: <NA>
    counts = frame["Counts against score"]
    assert counts.isna().tolist() == [False, True, True, True] and bool(counts[0]) is True
    given = frame["Time given to bol"][0]
    assert given == datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("America/New_York"))  # the sheet's time, its zone
    assert frame["Request sent at"][0].tzinfo is not None and pd.isna(frame["Request sent at"][2])
    assert frame["ProcessStatusId"][0] and pd.isna(frame["ProcessStatusId"][2])
    info = frame.attrs
    assert set(info) == set(FrameInfo.__annotations__)
    assert info["exit_code"] is ExitCode.ROWS_FAILED and info["stop"] is None and info["message"] == ""
    assert info["run_id"] and info["out"].endswith("s-results.xlsx")
    run = info["run"]
    assert isinstance(run, RunRecord) and run.run_id == info["run_id"] and run.timezone == "America/New_York"
    assert run.target is not None and run.target.api is Api.PLAZA and run.exit_code is ExitCode.ROWS_FAILED
    assert isinstance(info["cancellation_norm"], NormEffect)
    assert info["lang"] == "en" and info["timezone"] == "America/New_York"


def test_a_stopped_run_carries_its_stop_as_a_value(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", [["OrderItemId", "ReasonCode"], ["2012345601", "OUT_OF_STOCK"]])
    unreachable = bulkcancel.run_sheet(
        sheet, journal=tmp_path / "j2.sqlite3", base_url="http://127.0.0.1:9", out=tmp_path / "u.xlsx"
    )
    stop = unreachable.attrs["stop"]
    assert stop is not None and stop.reason is StopReason.UNREACHABLE
    assert unreachable.attrs["exit_code"] is ExitCode.STOPPED_EARLY and unreachable.attrs["message"]
    assert list(unreachable["Status"]) == ["NOT_SENT"] and unreachable["Request sent at"].isna().all()


def test_validate_sheet_in_dutch_is_typed_the_same(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", ROWS)
    frame = bulkcancel.validate_sheet(sheet, lang="nl")
    _assert_typed(frame, "Europe/Amsterdam", sent_as="Verzonden als")
    assert list(frame["Status"]) == ["READY", "READY", "INVALID", "DUPLICATE"]
    assert list(frame["Rij"]) == [2, 3, 4, 5]
    assert frame["Verzonden als"][0] == "OUT_OF_STOCK" and pd.isna(frame["Verzonden als"][2])
    assert frame["Toelichting"].dtype == "string"
    info = frame.attrs
    assert info["run_id"] == "" and info["out"] == "" and info["cancellation_norm"] is None
    assert info["run"] is not None and info["run"].target is None and info["lang"] == "nl"
    assert info["exit_code"] is ExitCode.ROWS_FAILED


def test_an_empty_result_still_has_its_dtypes(tmp_path: Path) -> None:
    from bulkcancel.output.frame import result_frame

    frame = result_frame(["OrderItemId", "ReasonCode"], [], "en", ZoneInfo("Europe/Brussels"))
    assert len(frame) == 0 and str(frame["Row"].dtype) == "Int64"
    assert isinstance(frame["Status"].dtype, pd.CategoricalDtype)
    assert str(frame["Request sent at"].dtype.tz) == "Europe/Brussels"


def test_stockouts_returns_typed_columns_and_its_summary(tmp_path: Path, serve_retailer: Any) -> None:
    from bulkcancel.pipeline.stockouts import StockoutsSummary
    from tests.test_stockouts import TO_CANCEL, products_sheet, story

    sim = serve_retailer(story())
    frame = bulkcancel.stockouts(products_sheet(tmp_path), api="retailer", base_url=sim.url, out=tmp_path / "l.xlsx")
    assert list(frame[frame.Decision == "to_cancel"].OrderItemId) == TO_CANCEL
    assert list(frame["Decision"].cat.categories) == ["to_cancel", "kept", "not_cancellable", "sent_before"]
    assert list(frame["ReasonCode"].cat.categories) == [c.value for c in ReasonCode]
    for name in ("OrderItemId", "EAN", "OrderId", "Title", "Why"):
        assert frame[name].dtype == "string", name
    assert str(frame["Quantity"].dtype) == "Int64" and (frame["Quantity"] >= 1).all()
    ordered = frame["OrderedAt"].dtype
    assert isinstance(ordered, pd.DatetimeTZDtype) and str(ordered.tz) == "Europe/Amsterdam"
    assert frame["OrderedAt"].notna().all()
    for name in ("PromisedDelivery", "ExpiryDate"):
        assert pd.api.types.is_datetime64_dtype(frame[name].dtype), name  # a calendar day: no zone
    assert str(frame["CountsAgainstNorm"].dtype) == "boolean"
    to_cancel = frame[frame.Decision == "to_cancel"]
    assert to_cancel["ReasonCode"].notna().all() and frame[frame.Decision == "kept"]["CountsAgainstNorm"].isna().all()
    assert set(frame.attrs) == set(StockoutsSummary.__annotations__) and frame.attrs["to_cancel"] == len(to_cancel)


def test_a_row_dropped_on_the_page_is_a_typed_row_of_the_frame_and_of_the_csv_result(tmp_path: Path) -> None:
    from bulkcancel.check.edits import RowEdit, apply_edits
    from bulkcancel.output.corrected import write_corrected
    from bulkcancel.pipeline import validate
    from bulkcancel.results import DroppedRow
    from bulkcancel.settings import Settings
    from bulkcancel.sheet.read import read_sheet

    upload = write_csv(tmp_path / "week.csv", ROWS)
    read = read_sheet(upload)
    edited = apply_edits(read, [RowEdit(4, drop=True)], "en")  # the invalid row "x" dropped on the page
    corrected = write_corrected(edited.sheet, tmp_path / "week-corrected.xlsx")
    out = tmp_path / "checked.csv"
    outcome = validate(corrected, Settings(out=out, dropped=(DroppedRow(4, tuple(read.rows[2])),)))
    frame = bulkcancel._frame(outcome)
    _assert_typed(frame, "Europe/Amsterdam")
    assert list(frame.iloc[:, 0]) == [2, 3, 4, 5]  # every input row, in input order
    assert list(frame["Status"].astype(str)) == ["READY", "READY", "DROPPED", "DUPLICATE"]
    assert frame["OrderItemId"].iloc[2] == "x" and frame["Note"].iloc[2] == "invalid"  # its cells as uploaded
    assert outcome.exit_code is ExitCode.OK  # the invalid row was dropped: nothing is wrong any more
    with out.open(encoding="utf-8-sig") as handle:
        lines = handle.read().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["2", "3", "4", "5"]
    assert ",DROPPED," in lines[3]
