"""The confirm step's strike warning in a real browser: red, and Send stays put until the box is ticked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bulkcancel.retailer.environments import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from bulkcancel.targets import Api, Environment
from tests.conftest import Served, write_csv
from tests.test_browser import By, browser  # noqa: F401  (the fixture)
from tests.test_browser import Served as Browser
from tests.test_norm_run import FIRST, account


def test_a_live_strike_is_red_and_needs_the_box(
    browser: Callable[..., Browser],  # noqa: F811
    serve_retailer: Callable[..., Served],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOL_CLIENT_ID", DEMO_CLIENT_ID)
    monkeypatch.setenv("BOL_CLIENT_SECRET", DEMO_CLIENT_SECRET)
    sim = serve_retailer(account(4, 612))
    b = browser(base_url=sim.url, env=Environment.PRODUCTION, api=Api.RETAILER)
    b.open()
    sheet = write_csv(
        tmp_path / "week.csv", [["OrderItemId", "ReasonCode"]] + [[str(FIRST + n), "OUT_OF_STOCK"] for n in range(11)]
    )
    b.upload(sheet)
    d = b.driver
    d.find_element(By.ID, "to-confirm").click()
    norm = b.wait(lambda d: d.find_element(By.ID, "norm"))
    assert "15 of 612 (2.45 %), above bol's 2 % norm: expect a strike" in norm.text
    red, green, blue, _ = (float(part) for part in norm.value_of_css_property("color")[5:-1].split(","))
    assert red > 150 and green < 100 and blue < 100  # the page's error colour
    b.shot("norm-strike")
    d.find_element(By.ID, "count").send_keys("11")
    d.find_element(By.ID, "send").click()
    assert "/confirm" in d.current_url and sim.ledger == []  # the browser holds the form: the box is required
    d.find_element(By.ID, "accept-strike").click()
    d.find_element(By.ID, "send").click()
    b.wait(lambda d: "/jobs/" in d.current_url)
    b.wait(lambda d: len(sim.ledger) == 11 and d.find_elements(By.ID, "download-result"))
