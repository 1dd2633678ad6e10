"""The upload page's routes with Starlette's TestClient: every step, and every refusal.

The page runs over the real library (validate, run, report) with a real journal; the
demo runs in-process, slower runs go to the Plaza simulator on loopback.
"""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from starlette.testclient import TestClient

from bulkcancel.journal.store import Journal
from bulkcancel.results import RunRecord
from bulkcancel.settings import Settings
from bulkcancel.simulator import SimulatorConfig
from bulkcancel.targets import Api, Environment, Target
from bulkcancel.web.app import Page, build_app, sniff, wrap
from tests.conftest import bulkcancel, write_csv

ROOT = Path(__file__).resolve().parents[1]
ORIGIN = {"origin": "http://testserver"}


class PageClient(TestClient):
    """A client that puts the page's random root before the paths the tests name (``/history``)."""

    root = ""

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if isinstance(url, str) and url.startswith("/") and not url.startswith(self.root + "/"):
            url = self.root + url
        return super().request(method, url, *args, **kwargs)


@contextmanager
def make_client(tmp_path: Path, max_mb: int = 20, **settings: Any) -> Iterator[tuple[TestClient, Page]]:
    page = Page(Settings(journal=tmp_path / "journal.sqlite3", **settings), tmp_path / "page", max_mb * 1024 * 1024)
    assert page.runner is not None
    page.runner.start()
    app = wrap(build_app(page), page, ["testserver", "127.0.0.1", "localhost"])
    with PageClient(app, follow_redirects=False) as client:
        client.root = page.root
        yield client, page
    page.runner.close()


@pytest.fixture
def page_client(tmp_path: Path) -> Iterator[tuple[TestClient, Page]]:
    with make_client(tmp_path) as made:
        yield made


def signed_in(client: TestClient, page: Page) -> TestClient:
    answer = client.get(f"/?token={page.session.startup_token}")
    assert answer.status_code == 303 and answer.headers["location"] == f"{page.root}/"
    return client


def upload(client: TestClient, page: Page, name: str, data: bytes, **extra: Any) -> Any:
    return client.post(
        "/upload", files={"sheet": (name, data)}, data={"csrf": page.session.csrf}, headers=ORIGIN, **extra
    )


def demo_sheet() -> bytes:
    return (ROOT / "samples" / "weekly-stockouts.xlsx").read_bytes()


def wait_done(client: TestClient, job_url: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status = client.get(f"{job_url}/status").json()
        if status["state"] in ("done", "failed"):
            return dict(status)
        assert time.monotonic() < deadline, status
        time.sleep(0.05)


def start(client: TestClient, page: Page, upload_url: str, **form: str) -> str:
    assert client.get(f"{upload_url}/confirm").status_code == 200
    answer = client.post(f"{upload_url}/start", data={"csrf": page.session.csrf, **form}, headers=ORIGIN)
    assert answer.status_code == 303 and answer.headers["location"].startswith(f"{page.root}/jobs/")
    return str(answer.headers["location"])


# Refusals


def test_every_route_needs_the_session_cookie(page_client: tuple[TestClient, Page]) -> None:
    client, page = page_client
    for path in ("/", "/history", "/jobs/x/events", "/jobs/x/result.xlsx", "/u/x/checked.xlsx"):
        answer = client.get(path)
        assert answer.status_code == 403 and "link bulkcancel serve printed" in answer.text
    assert client.get("/?token=wrong").status_code == 403
    assert upload(client, page, "w.csv", b"OrderItemId,ReasonCode\n").status_code == 403


def test_the_token_becomes_an_httponly_strict_cookie_and_leaves_the_url(page_client: tuple[TestClient, Page]) -> None:
    client, page = page_client
    answer = client.get(f"/history?token={page.session.startup_token}&lang=nl")
    assert answer.status_code == 303 and answer.headers["location"] == f"{page.root}/history?lang=nl"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and page.session.startup_token not in cookie
    assert client.get("/history").status_code == 200


def test_a_foreign_host_is_refused(page_client: tuple[TestClient, Page]) -> None:
    client, page = page_client
    signed_in(client, page)
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400  # DNS rebinding


def test_a_post_without_csrf_or_from_another_origin_is_refused(page_client: tuple[TestClient, Page]) -> None:
    client, page = page_client
    signed_in(client, page)
    files = {"sheet": ("w.csv", b"OrderItemId,ReasonCode\n2012345678,OTHER\n")}
    no_csrf = client.post("/upload", files=files, headers=ORIGIN)
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.text
    foreign = client.post(
        "/upload", files=files, data={"csrf": page.session.csrf}, headers={"origin": "https://evil.example"}
    )
    assert foreign.status_code == 403 and "Origin" in foreign.text
    no_origin = client.post("/upload", files=files, data={"csrf": page.session.csrf})
    assert no_origin.status_code == 403


def test_an_oversized_upload_is_refused_while_it_streams(tmp_path: Path) -> None:
    with make_client(tmp_path, max_mb=1) as (client, page):
        signed_in(client, page)
        big = b"OrderItemId,ReasonCode\n" + b"2012345678,OTHER\n" * 80_000  # 1.4 MB
        answer = upload(client, page, "big.csv", big)
        assert answer.status_code == 413 and "larger than 1 MB" in answer.text
        boundary = "xyz"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{page.session.csrf}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="sheet"; filename="big.csv"\r\n\r\n'
            ).encode()
            + big
            + f"\r\n--{boundary}--\r\n".encode()
        )

        def chunks(data: bytes) -> Iterator[bytes]:  # no Content-Length: the cap must hold while reading
            for start in range(0, len(data), 65536):
                yield data[start : start + 65536]

        streamed = client.post(
            "/upload",
            content=chunks(body),
            headers={**ORIGIN, "content-type": f"multipart/form-data; boundary={boundary}"},
        )
        assert streamed.status_code == 413 and "larger than 1 MB" in streamed.text
        assert not any((tmp_path / "page").iterdir())  # nothing was kept


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.docx", b"PK\x03\x04" + b"\x00" * 100),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("sheet.csv", b"%PDF-1.7\x00\x00binary"),
        ("macro.xlsm", b"PK\x03\x04" + b"\x00" * 100),
        ("sheet.xlsx.exe", b"MZ\x90\x00"),
    ],
)
def test_only_sheets_are_accepted_by_content(page_client: tuple[TestClient, Page], name: str, data: bytes) -> None:
    client, page = page_client
    signed_in(client, page)
    answer = upload(client, page, name, data)
    assert answer.status_code == 415 and "is not a sheet bulkcancel reads" in answer.text


def test_sniffing_judges_by_content_not_by_name() -> None:
    assert sniff("a.xlsx", b"PK\x03\x04rest") == ".xlsx"
    assert sniff("a.ods", b"PK\x03\x04rest") == ".ods"
    assert sniff("a.csv", b"PK\x03\x04rest") is None  # a zip named .csv
    assert sniff("a.csv", b"\xff\xfeO\x00r\x00") == ".csv"  # UTF-16 with its BOM
    assert sniff("a.csv", b"OrderItemId;ReasonCode\r\n") == ".csv"


def test_a_damaged_workbook_gets_one_line_on_the_page(page_client: tuple[TestClient, Page]) -> None:
    client, page = page_client
    signed_in(client, page)
    answer = upload(client, page, "broken.xlsx", b"PK\x03\x04 not really a workbook")
    assert answer.status_code == 303
    check = client.get(answer.headers["location"])
    assert check.status_code == 422 and "broken.xlsx" in check.text and "Traceback" not in check.text
    assert str(page.workdir) not in check.text  # the page's own folders are not shown


# The steps


def test_upload_check_confirm_run_download_on_the_demo(page_client: tuple[TestClient, Page]) -> None:
    client, page = page_client
    signed_in(client, page)
    answer = upload(client, page, "weekly-stockouts.xlsx", demo_sheet())
    assert answer.status_code == 303
    check_url = answer.headers["location"]
    check = client.get(check_url)
    assert check.status_code == 200
    assert 'class="badge badge-demo">DEMO' in check.text
    assert "level-error" in check.text and "INVALID" in check.text and "DUPLICATE" in check.text
    assert "count against your performance score" in check.text
    assert "scientific notation" in check.text  # the Excel-damage note
    problems = client.get(f"{check_url}?problems=1")
    assert problems.text.count('<tr class="level-ok"') == 0 and "level-error" in problems.text
    checked = client.get(f"{check_url}/checked.xlsx")
    assert checked.status_code == 200 and checked.content.startswith(b"PK")
    confirm = client.get(f"{check_url}/confirm")
    assert "will be cancelled at bol.com" in confirm.text and "cannot be undone" in confirm.text
    assert "not be sent" in confirm.text  # the invalid rows are left, and it says so
    job_url = start(client, page, check_url)
    status = wait_done(client, job_url)
    assert status["state"] == "done" and status["exit_code"] == 1 and status["counts"]["CANCELLED"] == 21
    result = client.get(f"{job_url}/result.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(result.content), read_only=True)
    assert {"Results", "Summary", "Retry"} <= set(book.sheetnames)
    retry = openpyxl.load_workbook(io.BytesIO(client.get(f"{job_url}/retry.xlsx").content), read_only=True)
    assert retry.sheetnames == ["Retry"]
    again = client.post(f"{job_url}/retry", data={"csrf": page.session.csrf}, headers=ORIGIN)
    assert again.status_code == 303
    retry_check = client.get(again.headers["location"])
    assert retry_check.status_code == 200 and "weekly-stockouts-retry.xlsx" in retry_check.text


def test_the_plan_step_compares_with_open_orders_and_sends_nothing(page_client: tuple[TestClient, Page]) -> None:
    client, page = page_client
    signed_in(client, page)
    check_url = upload(client, page, "weekly-stockouts.xlsx", demo_sheet()).headers["location"]
    client.get(check_url)
    answer = client.post(f"{check_url}/plan", data={"csrf": page.session.csrf}, headers=ORIGIN)
    assert answer.status_code == 303
    shown = client.get(check_url)
    assert 'id="plan-counts"' in shown.text and "READY" in shown.text
    assert client.get("/history").text.count('<tr id="run-') == 0  # a plan is not a run


def test_a_second_job_waits_in_line_and_says_so(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0), hold_after=2)  # the first run stays mid-way until released
    sheet = "OrderItemId,ReasonCode\n" + "".join(f"{2012340000 + n},OUT_OF_STOCK\n" for n in range(40))
    with make_client(tmp_path, base_url=sim.url, concurrency=2) as (client, page):
        signed_in(client, page)
        first = upload(client, page, "a.csv", sheet.encode()).headers["location"]
        client.get(first)
        second = upload(client, page, "b.csv", sheet.replace("201234", "201235").encode()).headers["location"]
        client.get(second)
        job_a, job_b = start(client, page, first), start(client, page, second)
        queued = client.get(f"{job_b}/status").json()
        assert queued["state"] == "queued" and queued["ahead"] == 1
        assert "Waiting: 1 run(s) ahead" in client.get(job_b).text
        sim.held.release()
        assert wait_done(client, job_a)["state"] == "done"
        assert wait_done(client, job_b)["counts"] == {"CANCELLED": 40}


def test_stop_ends_sending_and_rows_end_as_ctrl_c_leaves_them(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0), hold_after=5)  # mid-way until released
    sheet = "OrderItemId,ReasonCode\n" + "".join(f"{2012340000 + n},OUT_OF_STOCK\n" for n in range(80))
    with make_client(tmp_path, base_url=sim.url, concurrency=2) as (client, page):
        signed_in(client, page)
        check_url = upload(client, page, "a.csv", sheet.encode()).headers["location"]
        client.get(check_url)
        job_url = start(client, page, check_url)
        deadline = time.monotonic() + 20
        while len(sim.cancelled_ids()) < 5:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert client.post(f"{job_url}/stop", data={"csrf": page.session.csrf}, headers=ORIGIN).status_code == 303
        sim.held.release()  # the requests on the wire at the stop are answered
        status = wait_done(client, job_url)
        assert status["state"] == "done" and status["exit_code"] == 3
        assert status["counts"].get("NOT_SENT", 0) > 0 and sum(status["counts"].values()) == 80
        assert len(sim.cancelled_ids()) < 80


def test_production_asks_for_the_count_typed(
    serve: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bulkcancel.plaza.signing import DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY

    monkeypatch.setenv("BOL_PUBLIC_KEY", DEMO_PUBLIC_KEY)  # the simulator takes bol's sample pair
    monkeypatch.setenv("BOL_PRIVATE_KEY", DEMO_PRIVATE_KEY)
    sim = serve(config=SimulatorConfig(settle_seconds=0))
    sheet = b"OrderItemId,ReasonCode\n2012340000,OUT_OF_STOCK\n2012340001,OUT_OF_STOCK\n"
    from bulkcancel.targets import Environment

    with make_client(tmp_path, base_url=sim.url, env=Environment.PRODUCTION) as (client, page):
        signed_in(client, page)
        check_url = upload(client, page, "a.csv", sheet).headers["location"]
        assert "badge-live" in client.get(check_url).text
        assert "Type the number of cancellations (2)" in client.get(f"{check_url}/confirm").text
        wrong = client.post(f"{check_url}/start", data={"csrf": page.session.csrf, "count": "3"}, headers=ORIGIN)
        assert wrong.status_code == 303 and wrong.headers["location"].endswith("error=count")
        assert "does not match 2" in client.get(wrong.headers["location"]).text
        assert sim.cancelled_ids() == []
        job_url = start(client, page, check_url, count="2")
        assert wait_done(client, job_url)["counts"] == {"CANCELLED": 2}


def _cells(source: Path | io.BytesIO) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(source)
    try:
        return {sheet.title: [tuple(c.value for c in row) for row in sheet.iter_rows()] for sheet in book.worksheets}
    finally:
        book.close()


def test_history_lists_cli_runs_rebuilds_results_and_shows_interrupted_ones(
    page_client: tuple[TestClient, Page], tmp_path: Path
) -> None:
    client, page = page_client
    signed_in(client, page)
    sheet = write_csv(tmp_path / "cli.csv", [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"]])
    assert bulkcancel("run", str(sheet), "--quiet", "--journal", str(tmp_path / "journal.sqlite3")).returncode == 0
    written = _cells(tmp_path / "cli-results.xlsx")
    (tmp_path / "cli-results.xlsx").unlink()  # the file is gone: the page rebuilds it from the journal
    with Journal(tmp_path / "journal.sqlite3", "demo", "x") as journal:
        journal.start_run(
            RunRecord(
                "20261202-100000-abcdef",
                datetime(2026, 12, 2, 10, tzinfo=UTC),
                Target(Environment.DEMO, "http://demo.invalid", in_process=True),
                "Europe/Amsterdam",
                "en",
                str(sheet),
                out_path=str(tmp_path / "x.xlsx"),
                headers=("OrderItemId",),
            )
        )
    listed = client.get("/history")
    assert "cli.csv" in listed.text and "interrupted: run it again to finish" in listed.text
    run_id = next(part.split('"')[0] for part in listed.text.split('id="run-')[1:] if "cli.csv" in part)
    rebuilt = client.get(f"/history/{run_id}/result.xlsx")
    assert rebuilt.status_code == 200 and rebuilt.content.startswith(b"PK")
    assert _cells(io.BytesIO(rebuilt.content)) == written  # every sheet and cell as the run wrote it
    assert client.get("/history/..%2F..%2Fetc%2Fpasswd/result.xlsx").status_code == 404
    again = client.post("/history/20261202-100000-abcdef/again", data={"csrf": page.session.csrf}, headers=ORIGIN)
    assert again.status_code == 303 and client.get(again.headers["location"]).status_code == 200


def test_dutch_from_the_browser_and_switchable(page_client: tuple[TestClient, Page]) -> None:
    client, page = page_client
    signed_in(client, page)
    assert "Upload de sheet" in client.get("/", headers={"accept-language": "nl-NL,nl;q=0.9,en;q=0.8"}).text
    switched = client.get(f"/lang/en?next={page.root}/history")
    assert switched.status_code == 303 and switched.headers["location"] == f"{page.root}/history"
    assert "Upload the sheet" in client.get("/", headers={"accept-language": "nl"}).text
    for elsewhere in ("https://evil.example", "//evil.example/x", "/history", f"{page.root}//evil.example"):
        assert client.get(f"/lang/nl?next={elsewhere}").headers["location"] == f"{page.root}/"  # no open redirect


def test_sheet_cells_are_escaped(page_client: tuple[TestClient, Page]) -> None:
    client, page = page_client
    signed_in(client, page)
    sheet = b"OrderItemId,ReasonCode,Note\n<script>alert(1)</script>,OTHER,x\n"
    check = client.get(upload(client, page, "x.csv", sheet).headers["location"])
    assert "<script>alert(1)</script>" not in check.text and "&lt;script&gt;" in check.text


def test_the_page_shows_the_api_and_never_a_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "client-secret-that-must-not-show"
    monkeypatch.setenv("BOL_CLIENT_ID", "someone")
    monkeypatch.setenv("BOL_CLIENT_SECRET", secret)
    with make_client(tmp_path, api=Api.RETAILER) as (client, page):
        signed_in(client, page)
        shown = client.get("/").text + client.get("/history").text
        assert "Retailer API v10" in shown and secret not in shown and "someone" not in shown


def test_samples_copy(tmp_path: Path) -> None:
    """The sample the browser tests upload is the one the README's demo uses."""
    shutil.copy(ROOT / "samples" / "weekly-stockouts.xlsx", tmp_path / "w.xlsx")
    assert (tmp_path / "w.xlsx").stat().st_size > 0


@pytest.mark.slow
def test_a_page_killed_mid_run_shows_the_run_interrupted_and_runs_it_again(
    serve: Callable[..., Any], tmp_path: Path
) -> None:
    """kill -9 of ``bulkcancel serve`` in the middle of a run; the next start's history says
    so, and running it again finishes without cancelling anything twice."""
    import re
    import signal

    import httpx

    from bulkcancel.simulator.server import free_port
    from tests.conftest import start_process

    sim = serve(config=SimulatorConfig(settle_seconds=0, latency_ms=60))
    sheet = "OrderItemId,ReasonCode\n" + "".join(f"{2012340000 + n},OUT_OF_STOCK\n" for n in range(60))
    journal = tmp_path / "journal.sqlite3"

    def start_page() -> tuple[Any, httpx.Client, str]:
        port = free_port()
        process = start_process(
            "serve", "--no-browser", "--port", str(port), "--journal", str(journal), "--base-url", sim.url,
            "--concurrency", "2",
        )  # fmt: skip
        assert process.stdout is not None
        link = ""
        for line in process.stdout:
            if found := re.search(r"(http://\S+\?token=\S+)", line):
                link = found.group(1)
                break
        rooted = link.split("/?")[0]  # http://127.0.0.1:PORT/<random root>
        base = rooted.rsplit("/", 1)[0]
        client = httpx.Client(base_url=rooted, headers={"origin": base}, timeout=30)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.get(link)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
        assert csrf is not None
        return process, client, csrf.group(1)

    def base_of(client: httpx.Client) -> str:
        return str(client.headers["origin"])

    process, client, csrf = start_page()
    check_url = (
        base_of(client)
        + client.post("/upload", files={"sheet": ("week.csv", sheet.encode())}, data={"csrf": csrf}).headers["location"]
    )
    client.get(check_url)
    client.post(f"{check_url}/start", data={"csrf": csrf})
    deadline = time.monotonic() + 20
    while len(sim.cancelled_ids()) < 8:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=20)
    sim.app.latency_ms = 0  # the latency only kept the killed run mid-send; the run again needs none
    assert len(sim.cancelled_ids()) < 60

    process, client, csrf = start_page()
    try:
        history = client.get("/history").text
        assert "interrupted: run it again to finish" in history
        run_id = re.search(r'id="run-([^"]+)"', history)
        assert run_id is not None
        again = client.post(f"/history/{run_id.group(1)}/again", data={"csrf": csrf})
        check_again = base_of(client) + again.headers["location"]
        client.get(check_again)
        job_url = base_of(client) + client.post(f"{check_again}/start", data={"csrf": csrf}).headers["location"]
        deadline = time.monotonic() + 60
        while (status := client.get(f"{job_url}/status").json())["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert status["exit_code"] == 0 and set(status["counts"]) <= {"CANCELLED", "SKIPPED"}
        effective = sim.app.state.effective_cancellations()
        assert len(effective) == 60 and max(effective.values()) == 1
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_columns_detection_cannot_place_are_picked_on_the_page(page_client: tuple[TestClient, Page]) -> None:
    client, page = page_client
    signed_in(client, page)
    sheet = b"Artikel,Waarom,Opmerking\n2012345601,OUT_OF_STOCK,a\n2012345602,bogus,b\n"
    check_url = upload(client, page, "eigen.csv", sheet).headers["location"]
    first = client.get(check_url)
    assert first.status_code == 422 and 'id="columns"' in first.text and '<option value="Artikel">' in first.text
    picked = client.post(
        f"{check_url}/columns",
        data={"csrf": page.session.csrf, "OrderItemId": "Artikel", "ReasonCode": "Waarom", "DateTime": ""},
        headers=ORIGIN,
    )
    assert picked.status_code == 303
    shown = client.get(check_url)
    assert shown.status_code == 200 and "READY" in shown.text and "INVALID" in shown.text
    assert "<code>Artikel</code>" in shown.text  # the sheet's own header text is kept
    refused = client.post(
        f"{check_url}/columns", data={"csrf": page.session.csrf, "OrderItemId": "../../etc"}, headers=ORIGIN
    )
    assert refused.status_code == 303  # a header that is not in the sheet is ignored, not used
    job_url = start(client, page, check_url)
    assert wait_done(client, job_url)["counts"] == {"CANCELLED": 1, "INVALID": 1}


def test_serve_refuses_a_busy_port_and_missing_credentials_in_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        busy = bulkcancel("serve", "--no-browser", "--port", port)
    assert busy.returncode == 2 and "choose another with --port" in busy.stderr and "Open:" not in busy.stdout
    live = bulkcancel("serve", "--no-browser", "--env", "production", "--api", "retailer")
    assert live.returncode == 2 and "BOL_CLIENT_ID and BOL_CLIENT_SECRET not set" in live.stderr
    assert len(live.stderr.strip().splitlines()) == 1 and "Traceback" not in live.stderr


def test_the_confirm_step_promises_exactly_what_the_retry_sheet_holds(page_client: tuple[TestClient, Page]) -> None:
    import re

    client, page = page_client
    signed_in(client, page)
    check_url = upload(client, page, "weekly-stockouts.xlsx", demo_sheet()).headers["location"]
    client.get(check_url)
    confirm = client.get(f"{check_url}/confirm").text
    invalid = re.search(
        r"(\d+) row\(s\) are not valid and will not be sent: they come back on the Retry sheet", confirm
    )
    duplicates = re.search(r"(\d+) row\(s\) repeat an order item .* the repeats are not on the Retry sheet", confirm)
    assert invalid is not None and duplicates is not None
    job_url = start(client, page, check_url)
    status = wait_done(client, job_url)
    assert status["counts"]["INVALID"] == int(invalid.group(1))
    assert status["counts"]["DUPLICATE"] == int(duplicates.group(1))
    retry = openpyxl.load_workbook(io.BytesIO(client.get(f"{job_url}/retry.xlsx").content), read_only=True)
    rows = [r for r in retry["Retry"].iter_rows(values_only=True) if any(r)]
    not_sent = sum(n for s, n in status["counts"].items() if s in ("FAILED", "NOT_SENT", "UNKNOWN"))
    assert len(rows) - 1 == int(invalid.group(1)) + not_sent  # the header, then the invalid rows (no duplicates)


@pytest.mark.parametrize("source", ["{{ missing }}", "{% if missing %}x{% endif %}", "{{ given.missing }}"])
def test_a_value_the_view_did_not_give_is_an_error_never_a_blank_on_the_page(source: str) -> None:
    import jinja2

    from bulkcancel.web.views import _templates

    with pytest.raises(jinja2.UndefinedError):
        _templates.env.from_string(source).render(given={})
    assert _templates.env.from_string("{{ 'x' if missing is defined else 'y' }}").render() == "y"  # asked for: fine
