"""The customers' cancellation requests as a sheet (``output/requests_sheet.py``): it runs as it
is, every id exact, and bol's text (a title) stays text."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from bulkcancel import validate_sheet
from bulkcancel.backend import OpenOrderItem
from bulkcancel.output.requests_sheet import write_requests_sheet


def item(item_id: str, title: str) -> OpenOrderItem:
    return OpenOrderItem("A2K8290LP8", item_id, "0000007740404", title, 1, True, "FBR", "2026-12-01T10:00:00+01:00")


def test_the_requests_sheet_validates_as_ready_with_the_customers_reason(tmp_path: Path) -> None:
    path = tmp_path / "requests.xlsx"
    write_requests_sheet(path, [item("2012345678", "Kookboek"), item("9203065392", '=HYPERLINK("http://x")')])
    frame = validate_sheet(path)
    assert list(frame["Status"]) == ["READY", "READY"]
    assert list(frame["OrderItemId"].astype(str)) == ["2012345678", "9203065392"]
    assert set(frame["ReasonCode"].astype(str)) == {"REQUESTED_BY_CUSTOMER"}  # does not count against the score


def test_bols_text_stays_text_and_ids_keep_their_zeros(tmp_path: Path) -> None:
    path = tmp_path / "requests.xlsx"
    write_requests_sheet(path, [item("2012345678", '=HYPERLINK("http://x")')])
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=False) if name}
    assert row["Title"].value == '=HYPERLINK("http://x")' and row["Title"].data_type == "s"
    assert row["EAN"].value == "0000007740404" and row["OrderItemId"].value == "2012345678"


def test_no_requests_is_the_template_without_rows(tmp_path: Path) -> None:
    path = tmp_path / "requests.xlsx"
    write_requests_sheet(path, [])
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["A1"].value == "OrderItemId"
    assert all(cell.value is None for row in sheet.iter_rows(min_row=2) for cell in row)


def test_the_requests_sheet_in_dutch_runs_in_dutch(tmp_path: Path) -> None:
    path = tmp_path / "verzoeken.xlsx"
    write_requests_sheet(path, [item("2012345678", "Kookboek")], "nl")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Annuleringen", "Uitleg"]
    header = [cell.value for cell in book.worksheets[0][1]]
    assert header[3] == "Opmerking" and book.worksheets[0]["D2"].value == "de klant vroeg om annulering"
    frame = validate_sheet(path)
    assert list(frame["Status"]) == ["READY"] and frame.attrs["lang"] == "nl"
