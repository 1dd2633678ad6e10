"""The result file: every row in order, no formulas, Summary, Retry, atomic writes, CSV for Excel."""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulkcancel.errors import OutputError
from bulkcancel.output.report import write_results
from bulkcancel.results import ResultRow, RunRecord, RunSummary
from bulkcancel.sheet.cellsafe import MAX_CELL, TRUNCATED, clean_text, guard_csv, unguard_csv
from bulkcancel.statuses import RowStatus
from bulkcancel.targets import Environment, Target

HOSTILE_CELLS = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
    "#N/A",
    "bell\x07char",
    "x" * 40_000,
    "\n2026-01-01 ERROR forged",
]


def _rows() -> list[ResultRow]:
    return [
        ResultRow(
            n + 2,
            [cell, "OTHER"],
            RowStatus.INVALID if n % 2 else RowStatus.CANCELLED,
            f"detail {cell}",
        )
        for n, cell in enumerate(HOSTILE_CELLS)
    ]


def _summary() -> RunSummary:
    run = RunRecord(
        "", datetime(2026, 12, 1, 9, tzinfo=UTC), Target(Environment.DEMO, "", in_process=True), "UTC", "en", "in.xlsx"
    )
    return RunSummary(run, Counter({"OTHER": 5}))


def test_workbook_has_no_formula_or_error_cells(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    write_results(out, ["OrderItemId", "ReasonCode"], _rows(), _summary())
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Results", "Summary", "Retry"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type in ("s", "n", "inlineStr"), (
                    sheet.title,
                    cell.coordinate,
                    cell.value,
                )
    results = book["Results"]
    assert [c.value for c in results[1]] == [
        "Row",
        "OrderItemId",
        "ReasonCode",
        "Status",
        "Detail",
        "Sent as",
        "Counts against score",
        "Time given to bol",
        "Request sent at",
        "ProcessStatusId",
    ]
    assert results["B2"].value == HOSTILE_CELLS[0]  # shown as the text it is
    assert results["B9"].value == "bell\ufffdchar"
    assert len(results["B10"].value) == MAX_CELL and results["B10"].value.endswith(TRUNCATED)
    assert results.freeze_panes == "A2"
    assert results.auto_filter.ref == "A1:J11"
    assert results["D2"].fill.start_color.rgb.endswith("A9D08E")


def test_summary_and_retry_sheets(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    write_results(out, ["OrderItemId", "ReasonCode"], _rows(), _summary())
    book = openpyxl.load_workbook(out)
    lines = list(book["Summary"].iter_rows(values_only=True))
    counts = {row[0]: row[1] for row in lines[: [r[0] for r in lines].index("Total") + 1]}
    summary = {row[0]: row[1] for row in lines if row[0]}
    assert counts["CANCELLED"] == 5 and counts["INVALID"] == 5 and counts["Total"] == 10
    assert summary["CANCELLED"] == "bol confirmed the cancellation"  # the legend
    assert summary["Environment"] == "demo (the embedded simulator; nothing reaches bol.com)"
    retry = list(book["Retry"].iter_rows(values_only=True))
    assert len(retry) == 1 + 5 and all(row[3] == "INVALID" for row in retry[1:])


def test_csv_is_utf8_with_bom_and_guarded(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    rows = [ResultRow(2, ["=1+1", "Crème €"], RowStatus.READY, "")]
    write_results(out, ["OrderItemId", "Note"], rows, _summary())
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "'=1+1" in text and "Crème €" in text


def test_write_is_atomic_and_keeps_the_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old result")
    os.chmod(tmp_path, 0o500)
    if os.access(tmp_path, os.W_OK):  # root ignores the mode bits: make the folder refuse instead
        import tempfile

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    try:
        with pytest.raises(OutputError, match=r"cannot write in .*Permission denied"):
            write_results(out, ["OrderItemId"], [ResultRow(2, ["1"], RowStatus.READY, "")], _summary())
    finally:
        os.chmod(tmp_path, 0o700)
    assert out.read_bytes() == b"old result"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    out.mkdir()  # a folder where the file should go: the move fails
    with pytest.raises(OutputError):
        write_results(out, ["OrderItemId"], [ResultRow(2, ["1"], RowStatus.READY, "")], _summary())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


printable = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)


@given(printable)
def test_csv_guard_round_trips(text: str) -> None:
    cleaned = clean_text(text)
    assert unguard_csv(guard_csv(text)) == cleaned
    assert not guard_csv(text).startswith(("=", "+", "-", "@", "\t", "\r", "\n"))


@settings(max_examples=25, deadline=None)
@given(st.lists(printable, min_size=1, max_size=5))
def test_xlsx_cells_round_trip(tmp_path_factory: pytest.TempPathFactory, cells: list[str]) -> None:
    out = tmp_path_factory.mktemp("rt") / "out.xlsx"
    write_results(
        out,
        [f"C{i}" for i in range(len(cells))],
        [ResultRow(2, cells, RowStatus.READY, "")],
        _summary(),
    )
    from python_calamine import CalamineWorkbook  # the reader bulkcancel itself uses

    values = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Results").to_python()[1]
    assert [v or "" for v in values[1 : 1 + len(cells)]] == [clean_text(c) for c in cells]
