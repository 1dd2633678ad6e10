"""The upload page in a real browser: Debian's Chromium driven by Selenium (no browser download).

Each test serves the page on loopback with uvicorn and drives it as a person would. Under
CI=true a missing browser fails the run (``.ci/run`` installs chromium and chromium-driver);
elsewhere these tests are skipped without it. Screenshots of each step go to the test's
folder, and to BULKCANCEL_SCREENSHOTS when set (the README's pictures come from there).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bulkcancel.settings import Settings
from bulkcancel.simulator import SimulatorConfig
from bulkcancel.simulator.server import ServedSimulator
from bulkcancel.web.app import Page, build_app, wrap
from bulkcancel.web.serve import write_opener

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[1]

if not (CHROMIUM.exists() and DRIVER.exists()):
    if os.environ.get("CI") == "true":
        raise RuntimeError(
            "CI=true: the browser tests need /usr/bin/chromium and /usr/bin/chromedriver (.ci/run installs them)"
        )
    pytest.skip(
        "Chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


class Served:
    def __init__(self, page: Page, url: str, driver: WebDriver, downloads: Path, shots: Path) -> None:
        self.page, self.url, self.driver, self.downloads, self.shots = page, url, driver, downloads, shots

    def open(self) -> None:
        """As ``bulkcancel serve`` opens it: a private local file that forwards to the one-time link."""
        link = f"{self.url}{self.page.root}/?token={self.page.session.startup_token}"
        self.page.opener = write_opener(self.shots, link)
        opener = self.page.opener
        self.driver.get(opener.as_uri())
        self.wait(lambda d: d.current_url.startswith(self.url) and "token" not in d.current_url)
        assert not opener.exists() and self.page.opener is None  # the token was used: its file is gone

    def shot(self, name: str) -> None:
        path = self.shots / f"page-{name}.png"
        self.driver.save_screenshot(str(path))
        wanted = os.environ.get("BULKCANCEL_SCREENSHOTS")
        if wanted:
            shutil.copy(path, Path(wanted) / path.name)

    def downloaded(self, suffix: str, timeout: float = 20) -> Path:
        """The one finished download ending in ``suffix``: Chromium reserves the final name with an
        empty file at the start and writes into ``.crdownload`` until it renames it at the end."""

        def finished(_: WebDriver) -> Path | None:
            files = list(self.downloads.iterdir())
            if any(p.suffix == ".crdownload" for p in files):
                return None
            return next((p for p in files if p.suffix == suffix and p.stat().st_size > 0), None)

        found: Path = self.wait(finished, timeout=timeout)
        return found

    def wait(self, condition: Callable[[WebDriver], Any], timeout: float = 60) -> Any:
        # The progress page reloads itself when the run ends: an element may go stale mid-check
        # (Chromium then says "stale element" or "node does not belong to the document").
        wait = WebDriverWait(
            self.driver, timeout, 0.05, ignored_exceptions=[StaleElementReferenceException, WebDriverException]
        )
        return wait.until(condition)

    def upload(self, path: Path) -> None:
        self.driver.find_element(By.ID, "file").send_keys(str(path))
        self.driver.find_element(By.ID, "check").click()
        self.wait(lambda d: "/u/" in d.current_url and d.find_elements(By.ID, "counts"))


def _chromium(lang: str) -> WebDriver:
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--window-size=1280,1000", f"--lang={lang}"):  # fmt: skip
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    return webdriver.Chrome(service=Service(str(DRIVER)), options=options)


def _as_new(driver: WebDriver, downloads: Path) -> bool:
    """The browser as a fresh one for the next test: one blank tab, no cookies, downloads to
    ``downloads``; False when it cannot be (then a new one is started)."""
    try:
        for handle in driver.window_handles[1:]:
            driver.switch_to.window(handle)
            driver.close()
        driver.switch_to.window(driver.window_handles[0])
        driver.get("about:blank")
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    except WebDriverException:
        return False
    return True


@pytest.fixture
def browser(
    tmp_path: Path, chromium_per_language: dict[str, Any], stopping_servers: list[ServedSimulator]
) -> Iterator[Callable[..., Served]]:
    """``start(lang, **settings)``: the page served on loopback and a Chromium in ``lang`` on it.

    One Chromium per language serves every test of a pytest worker (starting one took about a
    second a test): each test gets it as new (one blank tab, no cookies, its own downloads folder);
    the pages each test serves are on ports of their own, so nothing else carries over."""
    started: list[tuple[ServedSimulator, Page]] = []
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not try the network
    os.environ.setdefault("SE_AVOID_STATS", "true")

    def start(lang: str = "en", **settings: Any) -> Served:
        page = Page(Settings(journal=tmp_path / "journal.sqlite3", **settings), tmp_path / "page")
        assert page.runner is not None
        page.runner.start()
        server = ServedSimulator(wrap(build_app(page), page, ["127.0.0.1", "localhost"]))
        url = server.__enter__()
        started.append((server, page))
        downloads = tmp_path / "downloads"
        downloads.mkdir(exist_ok=True)
        driver = chromium_per_language.get(lang)
        if driver is None or not _as_new(driver, downloads):
            if driver is not None:
                driver.quit()
            driver = chromium_per_language[lang] = _chromium(lang)
            assert _as_new(driver, downloads)
        return Served(page, url, driver, downloads, tmp_path)

    yield start
    for lang, driver in list(chromium_per_language.items()):
        if not _as_new(driver, tmp_path):  # leave no page of this test open in it
            driver.quit()
            del chromium_per_language[lang]
    for server, page in started:
        page.runner.close() if page.runner else None
        server.stop(wait=False)  # joined at the end of the session (tests/conftest.py)
        stopping_servers.append(server)


def test_the_weekly_job_on_the_demo_upload_check_confirm_progress_download(
    browser: Callable[..., Served], tmp_path: Path
) -> None:
    b = browser()
    b.open()
    b.wait(lambda d: d.find_element(By.ID, "badge").text == "DEMO")
    b.shot("1-upload")
    sheet = tmp_path / "weekly-stockouts.xlsx"
    shutil.copy(ROOT / "samples" / "weekly-stockouts.xlsx", sheet)
    b.upload(sheet)
    d = b.driver
    assert "INVALID" in d.find_element(By.ID, "counts").text
    assert d.find_elements(By.CSS_SELECTOR, "#rows tr.level-error")
    b.shot("2-check")
    d.find_element(By.ID, "to-confirm").click()
    words = b.wait(lambda d: d.find_element(By.ID, "words")).text
    assert "will be cancelled at bol.com" in words and "cannot be undone" in words
    b.shot("4-confirm")
    d.find_element(By.ID, "send").click()
    b.wait(lambda d: "/jobs/" in d.current_url)
    b.shot("5-progress")
    b.wait(
        lambda d: d.find_elements(By.ID, "download-result") and d.find_element(By.ID, "download-result").is_displayed()
    )
    assert "21" in d.find_element(By.ID, "live-counts").text
    b.shot("6-results")
    d.find_element(By.ID, "download-result").click()
    downloaded = b.downloaded(".xlsx")
    assert downloaded.name == "weekly-stockouts-results.xlsx" and downloaded.read_bytes().startswith(b"PK")
    d.find_element(By.LINK_TEXT, "All runs").click()
    b.wait(lambda d: d.find_elements(By.ID, "history"))
    assert "weekly-stockouts.xlsx" in d.find_element(By.ID, "history").text
    b.shot("7-history")


def test_a_refresh_in_the_middle_of_a_run_changes_nothing(
    browser: Callable[..., Served], serve: Callable[..., Any], tmp_path: Path
) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0), hold_after=20)  # mid-way (20 of 80 sent) until released
    sheet = tmp_path / "week.csv"
    sheet.write_text("OrderItemId,ReasonCode\n" + "".join(f"{2012340000 + n},OUT_OF_STOCK\n" for n in range(80)))
    b = browser(base_url=sim.url, concurrency=2)
    b.open()
    b.upload(sheet)
    b.driver.find_element(By.ID, "to-confirm").click()
    b.wait(lambda d: d.find_element(By.ID, "send")).click()
    b.wait(lambda d: "/jobs/" in d.current_url)
    b.wait(lambda d: 0 < int(d.find_element(By.ID, "bar").get_attribute("value") or 0) < 80)
    b.wait(lambda d: len(sim.cancelled_ids()) == 20)  # all that may go before the gate is released
    b.driver.refresh()  # the run is on the server: the page comes back to it
    b.wait(lambda d: d.find_element(By.ID, "bar").get_attribute("value") not in (None, "0"))
    assert len(sim.cancelled_ids()) == 20  # still mid-way: the refresh sent nothing
    sim.held.release()
    b.wait(
        lambda d: d.find_elements(By.ID, "download-result") and d.find_element(By.ID, "download-result").is_displayed()
    )
    assert "CANCELLED" in b.driver.find_element(By.ID, "live-counts").text
    effective = sim.app.state.effective_cancellations()
    assert len(effective) == 80 and max(effective.values()) == 1


def test_a_sheet_with_invalid_rows_filtered_to_the_problems_in_dutch(
    browser: Callable[..., Served], tmp_path: Path
) -> None:
    sheet = tmp_path / "week.csv"
    sheet.write_text(
        "OrderItemId,ReasonCode\n2012340000,OUT_OF_STOCK\n12ab,OUT_OF_STOCK\n2012340002,NOPE\n2012340003,OTHER\n"
    )
    b = browser(lang="nl")
    b.open()
    assert "Upload de sheet" in b.wait(lambda d: d.find_element(By.TAG_NAME, "h1")).text
    b.upload(sheet)
    d = b.driver
    assert len(d.find_elements(By.CSS_SELECTOR, "#rows tbody tr")) == 4
    d.find_element(By.ID, "only-problems").click()
    b.wait(lambda d: "problems=1" in d.current_url)
    rows = d.find_elements(By.CSS_SELECTOR, "#rows tbody tr")
    assert len(rows) == 2 and all("level-error" in r.get_attribute("class") for r in rows)
    b.shot("3-problems-nl")


def test_progress_shows_rows_sent_before_the_run_ends_and_history_reads_during_it(
    browser: Callable[..., Served], serve: Callable[..., Any], tmp_path: Path
) -> None:
    """bol takes every row at once but confirms none (they settle in 10 minutes): the page says
    how many reached bol while the run goes on, and History opens meanwhile; Stop ends it."""
    sim = serve(config=SimulatorConfig(settle_seconds=600, latency_ms=10))
    sheet = tmp_path / "week.csv"
    sheet.write_text("OrderItemId,ReasonCode\n" + "".join(f"{2012340000 + n},OUT_OF_STOCK\n" for n in range(20)))
    b = browser(base_url=sim.url, concurrency=4)
    b.open()
    b.upload(sheet)
    b.driver.find_element(By.ID, "to-confirm").click()
    b.wait(lambda d: d.find_element(By.ID, "send")).click()
    b.wait(lambda d: "/jobs/" in d.current_url)
    job_url = b.driver.current_url
    b.wait(lambda d: d.find_element(By.ID, "sent-of").text.startswith("20 of 20 rows sent to bol"))
    d = b.driver
    assert d.find_element(By.ID, "done-of").text.startswith("0 of 20")  # none confirmed yet
    assert "bol has taken 20 row(s) and is still checking them" in d.find_element(By.ID, "waiting").text
    b.wait(lambda d: d.find_element(By.ID, "heard").text.startswith("Last answer from bol: "))
    assert not d.find_element(By.ID, "results").is_displayed() and d.find_element(By.ID, "stop").is_displayed()
    assert b.page.jobs.busy()  # the run is still going
    b.shot("5-progress")
    d.find_element(By.LINK_TEXT, "All runs").click()
    b.wait(lambda d: d.find_elements(By.ID, "history"))
    history = d.find_element(By.ID, "history").text
    assert "week.csv" in history and "interrupted" not in history and b.page.jobs.busy()
    b.shot("7-history-during-a-run")
    d.get(job_url)
    b.wait(lambda d: d.find_element(By.ID, "stop")).click()
    b.wait(lambda d: d.find_elements(By.ID, "message") and d.find_element(By.ID, "message").is_displayed())
    assert "ACCEPTED" in d.find_element(By.ID, "live-counts").text


def test_another_program_on_another_port_never_receives_the_session_cookie(
    browser: Callable[..., Served],
) -> None:
    """Browsers do not separate cookies by port (Firefox and Safari do not; Chromium's port
    binding is recent): a program on another port of 127.0.0.1 would get every cookie whose
    path it asks for. The page's cookie is scoped to its random root, which it cannot guess."""
    import http.server
    import threading

    seen: list[tuple[str, str]] = []

    class Listener(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append((self.path, self.headers.get("cookie", "")))
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"another program")

        def log_message(self, *args: Any) -> None:
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        b = browser()
        b.open()
        b.wait(lambda d: d.find_elements(By.ID, "badge"))
        port = other.server_address[1]
        for path in ("/", "/history", "/static/page.js"):
            b.driver.get(f"http://127.0.0.1:{port}{path}")
            b.wait(lambda d: "another program" in d.page_source)
        assert len(seen) >= 3 and all("bulkcancel_session" not in cookie for _, cookie in seen), seen
        b.driver.get(f"{b.url}{b.page.root}/")
        b.wait(lambda d: d.find_elements(By.ID, "badge"))
        (session,) = [c for c in b.driver.get_cookies() if c["name"] == "bulkcancel_session"]
        assert session["path"] == b.page.root and session["httpOnly"] and session["sameSite"] == "Strict"
    finally:
        other.shutdown()
        other.server_close()
