"""Where a result may be written (``output/destination.py``): never over the input or a file
bulkcancel did not write, and checked before the first cancellation goes out."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from bulkcancel.errors import OutputError
from bulkcancel.i18n import Language
from bulkcancel.output.destination import check_destination, free_name, written_by_us
from bulkcancel.output.report import result_headers
from bulkcancel.output.xlsxwrite import APPLICATION


def workbook(path: Path, application: str) -> Path:
    """A minimal .xlsx whose docProps/app.xml names the application that wrote it."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("docProps/app.xml", f"<Properties><Application>{application}</Application></Properties>")
        archive.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="Results"/></sheets></workbook>')
    return path


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize("mark", [",", ";", "\t"])
def test_our_csv_results_count_as_ours_in_every_language(tmp_path: Path, lang: Language, mark: str) -> None:
    """The header row a result is written with (the catalogue's words), with a BOM as Excel saves it."""
    path = tmp_path / "r.csv"
    path.write_text("\ufeff" + mark.join(result_headers(["OrderItemId", "ReasonCode"], lang)) + "\n", encoding="utf-8")
    assert written_by_us(path)


@pytest.mark.parametrize(
    "content",
    [
        "OrderItemId,ReasonCode\n2012345678,OUT_OF_STOCK\n",  # the person's own sheet
        "Row,OrderItemId,Notes\n2,1,\n",  # a sheet of the person's that starts with Row
        "Rij;OrderItemId;Status;Detail\n",  # Row and Status, but not the result's Dutch words
        "",
    ],
)
def test_other_csv_files_are_not_ours(tmp_path: Path, content: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text(content, encoding="utf-8")
    assert not written_by_us(path)


def test_only_workbooks_we_wrote_count_as_ours(tmp_path: Path) -> None:
    assert written_by_us(workbook(tmp_path / "ours.xlsx", APPLICATION))
    assert not written_by_us(workbook(tmp_path / "excel.xlsx", "Microsoft Excel"))
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    assert not written_by_us(tmp_path / "broken.xlsx")
    assert not written_by_us(tmp_path / "missing.xlsx")


@pytest.mark.parametrize("name", ["result.xlsx", "result.csv", "RESULT.XLSX"])
def test_a_new_result_file_in_a_writable_folder_is_fine(tmp_path: Path, name: str) -> None:
    check_destination(tmp_path / name, (tmp_path / "orders.xlsx",))


@pytest.mark.parametrize("name", ["result.xls", "result.txt", "result", "result.xlsx.bak"])
def test_a_result_is_xlsx_or_csv(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError, match=r"\.xlsx or \.csv"):
        check_destination(tmp_path / name)


@pytest.mark.parametrize("force", [False, True])
def test_the_input_is_never_written_over_even_with_force(tmp_path: Path, force: bool) -> None:
    sheet = workbook(tmp_path / "orders.xlsx", APPLICATION)  # even when it looks like one of ours
    link = tmp_path / "same.xlsx"
    os.link(sheet, link)
    for out in (sheet, link, tmp_path / "." / "orders.xlsx"):
        with pytest.raises(OutputError, match="input"):
            check_destination(out, (sheet,), force=force)


def test_a_file_bulkcancel_did_not_write_is_kept_unless_forced(tmp_path: Path) -> None:
    theirs = tmp_path / "report.csv"
    theirs.write_text("Customer,Amount\nA,1\n", encoding="utf-8")
    with pytest.raises(OutputError, match="--force"):
        check_destination(theirs)
    check_destination(theirs, force=True)
    assert theirs.read_text(encoding="utf-8") == "Customer,Amount\nA,1\n"  # checking writes nothing


def test_an_earlier_result_may_be_replaced(tmp_path: Path) -> None:
    check_destination(workbook(tmp_path / "orders-results.xlsx", APPLICATION), (tmp_path / "orders.xlsx",))


def test_a_missing_folder_or_a_folder_as_the_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        check_destination(tmp_path / "nowhere" / "result.xlsx")
    (tmp_path / "result.xlsx").mkdir()
    with pytest.raises(OutputError, match="folder"):
        check_destination(tmp_path / "result.xlsx")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to any folder")
def test_a_folder_that_cannot_be_written_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(OutputError, match="cannot be written"):
        check_destination(locked / "result.xlsx")


def test_the_stock_out_sheet_is_refused_in_a_missing_or_unwritable_folder_too(tmp_path: Path) -> None:
    from datetime import date

    from bulkcancel.pipeline.stockouts import stockouts_path

    with pytest.raises(OutputError, match="does not exist"):
        stockouts_path(tmp_path / "nowhere" / "stockouts.xlsx", date(2026, 12, 5))
    if os.geteuid() != 0:  # root may write to any folder
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(OutputError, match="cannot be written"):
            stockouts_path(locked / "stockouts.xlsx", date(2026, 12, 5))


def test_a_free_name_never_takes_an_existing_file(tmp_path: Path) -> None:
    first = tmp_path / "orders-results.xlsx"
    assert free_name(first) == first
    first.touch()
    (tmp_path / "orders-results-2.xlsx").touch()
    assert free_name(first) == tmp_path / "orders-results-3.xlsx"
