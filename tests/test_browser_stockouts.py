"""A products sheet on the upload page in a real browser (Chromium, as tests/test_browser.py drives it):
upload, the expansion on the check step, confirm, and a run that cancels exactly the items listed to cancel."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl

from bulkcancel.targets import Api
from tests.test_browser import ROOT, By, Served, browser  # noqa: F401 (the fixture)


def test_a_products_sheet_is_expanded_then_confirmed_and_run(browser: Callable[..., Served], tmp_path: Path) -> None:  # noqa: F811
    b = browser(api=Api.RETAILER)
    b.open()
    sheet = tmp_path / "stockouts.xlsx"
    shutil.copy(ROOT / "samples" / "stockouts.xlsx", sheet)
    b.driver.find_element(By.ID, "file").send_keys(str(sheet))
    b.driver.find_element(By.ID, "check").click()
    b.wait(lambda d: d.find_elements(By.ID, "expansion-rows") and d.find_elements(By.ID, "counts"))
    d = b.driver
    expansion = d.find_element(By.ID, "expansion-rows")
    decided = {
        row.find_elements(By.TAG_NAME, "td")[0].text: row.get_attribute("class")
        for row in expansion.find_elements(By.CSS_SELECTOR, "tbody tr")
    }
    to_cancel = sorted(item for item, kind in decided.items() if kind == "decision-to_cancel")
    assert to_cancel and "decision-kept" in decided.values() and "decision-not_cancellable" in decided.values()
    assert "the 3 units left went to the 2 orders promised first" in expansion.text
    b.shot("stockouts-2-check")
    d.find_element(By.ID, "to-confirm").click()
    b.wait(lambda d: d.find_elements(By.ID, "send"))
    d.find_element(By.ID, "send").click()
    b.wait(
        lambda d: d.find_elements(By.ID, "download-result") and d.find_element(By.ID, "download-result").is_displayed()
    )
    d.find_element(By.ID, "download-result").click()
    result = b.downloaded(".xlsx")
    book = openpyxl.load_workbook(result, read_only=True)
    header, *rows = [dict(enumerate(row)) for row in book["Results"].iter_rows(values_only=True)]
    book.close()
    column = {name: index for index, name in header.items()}
    assert sorted(str(row[column["OrderItemId"]]) for row in rows) == to_cancel
    assert {row[column["Status"]] for row in rows} == {"CANCELLED"}
