"""The page as an importer in a real browser (issue 20, section 3): Debian's Chromium via Selenium.

Two invalid rows fixed in the page and the corrected sheet sent to the Plaza simulator on
loopback; the results filtered by status; the whole journey by keyboard alone (Tab, Enter,
arrows, typing), with a visible focus on every control reached; axe-core (the npm package,
injected into the page) finding no serious or critical violation on any step, in English
and Dutch.

axe-core is found at BULKCANCEL_AXE, else at ``.ci/node/node_modules/axe-core/axe.min.js``
(``.ci/run`` installs it there with ``npm install --prefix .ci/node axe-core``; run the same
once for local runs). Under CI=true a missing axe-core fails the run; elsewhere the axe
test is skipped without it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from bulkcancel.simulator import SimulatorConfig
from tests.conftest import make_scenario
from tests.test_browser import ROOT, Served, browser  # noqa: F401 (the fixture)

AXE = Path(os.environ.get("BULKCANCEL_AXE") or ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js")

SHEET = (
    "OrderItemId,ReasonCode,DateTime,Note\n"
    "2012345601,OUT_OF_STOCK,,first\n"
    "20123456O2,OUT_OF_STOCK,,letter O\n"
    "2012345603,OUT_OF_STOK,,typo\n"
    "2012345604,OTHER,,\n"
    "2012345601,OUT_OF_STOCK,,repeat\n"
)


def sheet_file(tmp_path: Path) -> Path:
    path = tmp_path / "week.csv"
    path.write_text(SHEET)
    return path


def row_level(d: WebDriver, row: int) -> str:
    return str(d.find_element(By.ID, f"row-{row}").get_attribute("class"))


def wait_results(b: Served) -> None:
    b.wait(lambda d: d.find_elements(By.ID, "result-rows") and d.find_element(By.ID, "result-rows").is_displayed())


def test_fixing_two_invalid_rows_in_the_page_and_sending_the_corrected_sheet(
    browser: Callable[..., Served],  # noqa: F811
    serve: Callable[..., Any],
    tmp_path: Path,
) -> None:
    sim = serve(make_scenario(), SimulatorConfig(settle_seconds=0))
    b = browser(base_url=sim.url)
    b.open()
    b.upload(sheet_file(tmp_path))
    d = b.driver
    assert "level-error" in row_level(d, 3) and "level-error" in row_level(d, 4)
    assert "level-note" in row_level(d, 6)  # the duplicate: a note, not an error
    d.find_element(By.CSS_SELECTOR, "#fix-3 summary").click()
    field = d.find_element(By.ID, "fix-3-id")
    field.clear()
    field.send_keys("2012345602")
    b.shot("2-check-fixing")
    d.find_element(By.ID, "fix-3-save").click()
    b.wait(lambda d: "fixed=3" in d.current_url and "level-ok" in row_level(d, 3))
    d.find_element(By.CSS_SELECTOR, "#fix-4 summary").click()
    Select(d.find_element(By.ID, "fix-4-reason")).select_by_value("OUT_OF_STOCK")
    d.find_element(By.ID, "fix-4-save").click()
    b.wait(lambda d: "fixed=4" in d.current_url and "level-ok" in row_level(d, 4))
    assert "Changed on the page: ReasonCode 'OUT_OF_STOK' to 'OUT_OF_STOCK'" in d.find_element(By.ID, "row-4").text
    assert d.find_element(By.ID, "download-corrected").is_displayed()
    b.shot("2-check-fixed")
    d.find_element(By.ID, "to-confirm").click()
    words = b.wait(lambda d: d.find_element(By.ID, "words")).text
    assert "4 order item(s) will be cancelled" in words
    assert d.find_element(By.ID, "sends-corrected").is_displayed()
    d.find_element(By.ID, "send").click()
    wait_results(b)
    assert sorted(sim.cancelled_ids()) == ["2012345601", "2012345602", "2012345603", "2012345604"]
    assert "It went well" in d.find_element(By.ID, "verdict").text
    assert not d.find_elements(By.ID, "run-retry")  # nothing needs retrying: no Retry offered
    table = d.find_element(By.ID, "result-rows").text
    assert "2012345602" in table and "DUPLICATE" in table


def test_results_filtered_by_status_and_searched_by_id(browser: Callable[..., Served], tmp_path: Path) -> None:  # noqa: F811
    b = browser()
    b.open()
    sample = tmp_path / "weekly-stockouts.xlsx"
    sample.write_bytes((ROOT / "samples" / "weekly-stockouts.xlsx").read_bytes())
    b.upload(sample)
    d = b.driver
    d.find_element(By.ID, "to-confirm").click()
    b.wait(lambda d: d.find_element(By.ID, "send")).click()
    wait_results(b)
    assert len(d.find_elements(By.CSS_SELECTOR, "#result-rows tbody tr")) == 30
    assert d.find_element(By.ID, "run-retry").is_displayed()
    Select(d.find_element(By.ID, "filter-status")).select_by_value("FAILED")
    d.find_element(By.ID, "filter-apply").click()
    b.wait(lambda d: "status=FAILED" in d.current_url)
    rows = d.find_elements(By.CSS_SELECTOR, "#result-rows tbody tr")
    assert len(rows) == 2 and all("FAILED" in r.text and "Error" in r.text for r in rows)
    assert "2 of 30 rows match." in d.find_element(By.ID, "shown").text
    b.shot("6-results-failed")
    wanted = rows[0].find_elements(By.TAG_NAME, "td")[1].text
    Select(d.find_element(By.ID, "filter-status")).select_by_value("")
    box = d.find_element(By.ID, "filter-q")
    box.send_keys(wanted)
    box.send_keys(Keys.ENTER)
    b.wait(lambda d: "q=" in d.current_url)
    found = d.find_elements(By.CSS_SELECTOR, "#result-rows tbody tr")
    assert [r.find_elements(By.TAG_NAME, "td")[1].text for r in found] == [wanted]


def focus_id(d: WebDriver) -> str:
    return str(d.execute_script("return document.activeElement && document.activeElement.id || ''"))


def tab_to(b: Served, target: str, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus (as a person does), and check the focus is visible."""
    d = b.driver
    for _ in range(limit):
        if focus_id(d) == target:
            outline = d.execute_script(
                "const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth];"
            )
            assert outline[0] != "none" and outline[1] != "0px", f"no visible focus on #{target}: {outline}"
            return
        ActionChains(d).send_keys(Keys.TAB).perform()
    raise AssertionError(f"#{target} is not reachable with Tab (stuck at #{focus_id(d)})")


def press(b: Served, *keys: str) -> None:
    """Keys as the keyboard sends them, to whatever has the focus."""
    ActionChains(b.driver).send_keys(*keys).perform()


def test_the_journey_by_keyboard_alone(
    browser: Callable[..., Served],  # noqa: F811
    serve: Callable[..., Any],
    tmp_path: Path,
) -> None:
    sim = serve(make_scenario(), SimulatorConfig(settle_seconds=0))
    b = browser(base_url=sim.url)
    b.open()
    d = b.driver
    tab_to(b, "file")
    # The file dialog is the browser's, not the page's: typing the file's name into it is what a keyboard does.
    d.switch_to.active_element.send_keys(str(sheet_file(tmp_path)))
    tab_to(b, "check")
    press(b, Keys.ENTER)
    b.wait(lambda d: "/u/" in d.current_url and d.find_elements(By.ID, "rows"))
    summary = d.find_element(By.CSS_SELECTOR, "#fix-3 summary")
    d.execute_script("arguments[0].id = 'fix-3-open'", summary)  # an id to aim Tab at; the markup is unchanged
    tab_to(b, "fix-3-open")
    press(b, Keys.ENTER)
    tab_to(b, "fix-3-id")
    ActionChains(d).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
    press(b, "2012345602")
    tab_to(b, "fix-3-save")
    press(b, Keys.ENTER)
    b.wait(lambda d: "fixed=3" in d.current_url and "level-ok" in row_level(d, 3))
    d.execute_script("document.querySelector('#fix-4 summary').id = 'fix-4-open'")
    tab_to(b, "fix-4-open")
    press(b, Keys.ENTER)
    tab_to(b, "fix-4-drop")
    press(b, Keys.ENTER)
    b.wait(lambda d: d.find_elements(By.ID, "dropped-4"))
    tab_to(b, "to-confirm")
    press(b, Keys.ENTER)
    b.wait(lambda d: d.find_elements(By.ID, "send"))
    tab_to(b, "send")
    press(b, Keys.ENTER)
    wait_results(b)
    assert sorted(sim.cancelled_ids()) == ["2012345601", "2012345602", "2012345604"]
    tab_to(b, "filter-status")
    press(b, Keys.ARROW_DOWN)  # the first status after "All"
    tab_to(b, "filter-apply")
    press(b, Keys.ENTER)
    b.wait(lambda d: "status=" in d.current_url and "status=&" not in d.current_url)
    assert "rows match" in d.find_element(By.ID, "shown").text


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(
  (r) => done(r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}))),
  (e) => done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]));
"""


def serious(d: WebDriver, where: str) -> list[str]:
    """The serious or critical axe-core violations on the page now."""
    d.execute_script(AXE.read_text(encoding="utf-8"))  # WebDriver's script runs outside the page's CSP
    d.set_script_timeout(60)
    found = d.execute_async_script(AXE_RUN)
    return [
        f"{where}: {v['id']} ({v['impact']}): {v['help']} {v['nodes']}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_axe_core_finds_no_serious_violation_on_any_step(
    browser: Callable[..., Served],  # noqa: F811
    serve: Callable[..., Any],
    tmp_path: Path,
    lang: str,
) -> None:
    if not AXE.is_file():
        if os.environ.get("CI") == "true":
            raise AssertionError(f"CI=true: axe-core is not at {AXE} (.ci/run installs it with npm)")
        pytest.skip(f"axe-core is not at {AXE}: npm install --prefix .ci/node axe-core")
    # The run is held before its first cancellation (tests/loopback.py, HoldAfter) until the progress
    # page is checked: the page reloads itself when a run ends, which would drop axe mid-check.
    sim = serve(make_scenario(), SimulatorConfig(settle_seconds=0), hold_after=0)
    b = browser(lang=lang, base_url=sim.url)
    b.open()
    d = b.driver
    # The check can fail: an unlabelled field added for a moment is found (critical), then removed.
    d.execute_script("const i = document.createElement('input'); i.id = 'unlabelled'; document.body.append(i);")
    assert any("label" in found and "unlabelled" in found for found in serious(d, "self-check"))
    d.execute_script("document.getElementById('unlabelled').remove();")
    problems = serious(d, "upload")
    b.upload(sheet_file(tmp_path))
    d.find_element(By.CSS_SELECTOR, "#fix-3 summary").click()  # the fix form open, as a person sees it
    problems += serious(d, "check")
    d.find_element(By.ID, "plan-button").click()
    b.wait(lambda d: d.find_elements(By.ID, "plan-counts"))
    problems += serious(d, "compare")
    d.find_element(By.ID, "to-confirm").click()
    b.wait(lambda d: d.find_elements(By.ID, "send"))
    problems += serious(d, "confirm")
    d.find_element(By.ID, "send").click()
    b.wait(lambda d: "/jobs/" in d.current_url)
    problems += serious(d, "send")
    sim.held.release()
    wait_results(b)
    problems += serious(d, "results")
    d.get(d.current_url.split("#")[0] + "?status=INVALID")
    wait_results(b)
    problems += serious(d, "results filtered")
    d.find_element(By.CSS_SELECTOR, "header nav a[href$='/history']").click()
    b.wait(lambda d: d.find_elements(By.ID, "history"))
    problems += serious(d, "history")
    if lang == "en":
        b.shot("7-history")
    assert not problems, "\n".join(problems)
