"""The page against someone probing it: a route test for each way in (issue 20, section 1),
and unit tests of ``web/security.py``.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import stat
import threading
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from starlette.requests import Request
from starlette.testclient import TestClient

from bulkcancel.journal.store import Journal
from bulkcancel.settings import Settings
from bulkcancel.web.app import build_app, wrap
from bulkcancel.web.headers import HEADERS
from bulkcancel.web.page import RETENTION, Page
from bulkcancel.web.security import COOKIE, Session, SessionGate, same_secret
from bulkcancel.web.steps import check as check_step
from tests.conftest import bulkcancel, write_csv
from tests.test_web import ORIGIN, PageClient, demo_sheet, make_client, signed_in, start, upload, wait_done

TEMPLATES = Path(__file__).resolve().parents[1] / "bulkcancel" / "web" / "templates"
SHEET = b"OrderItemId,ReasonCode\n2012340000,OUT_OF_STOCK\n2012340001,OTHER\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# web/security.py on its own


def test_secrets_compare_as_bytes_and_any_text_is_merely_wrong() -> None:
    assert same_secret("abc", "abc") and not same_secret("abd", "abc") and not same_secret("", "abc")
    assert not same_secret("é\udcff\x00", "abc")  # non-ASCII, a lone surrogate, NUL: False, never an error


def test_the_start_up_token_works_once_and_not_after_its_time() -> None:
    now = [1000.0]
    session = Session(clock=lambda: now[0], token_ttl=600)
    assert not session.redeem("wrong") and not session.redeem("")
    assert session.redeem(session.startup_token)
    assert not session.redeem(session.startup_token)  # spent
    late = Session(clock=lambda: now[0], token_ttl=600)
    now[0] += 600.5
    assert not late.redeem(late.startup_token)  # expired, though never used
    fresh = Session(clock=lambda: now[0], token_ttl=600)
    now[0] += 599
    assert fresh.redeem(fresh.startup_token)


def test_each_session_has_its_own_random_root_and_keeps_redirects_inside_it() -> None:
    one, two = Session(), Session()
    assert one.root != two.root and len(one.root) > 16 and one.root.startswith("/")
    assert one.inside(one.root) and one.inside(one.root + "/history") and not one.inside(one.root + "x/")
    assert not one.inside("/") and not one.inside(two.root + "/")
    for target in ("//evil.example/x", "https://evil.example/", "/history", f"{one.root}//evil.example",
                   f"{one.root}/\\evil.example", f"{one.root}/x\r\nSet-Cookie: a=b", ""):  # fmt: skip
        assert one.local(target) == one.root + "/"
    assert one.local(one.root + "/u/abc?problems=1") == one.root + "/u/abc?problems=1"


def gate_answer(session: Session, path: str, query: str = "", headers: dict[str, str] | None = None) -> Any:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": [(k.encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    return SessionGate(lambda *a: None, session).judge(Request(scope))


def test_the_gate_sends_nothing_off_site_and_nothing_outside_its_root() -> None:
    session = Session()
    token = session.startup_token
    answer = gate_answer(session, "//evil.example/x", f"token={token}")
    assert answer.status_code == 404 and "location" not in answer.headers  # outside the root: no exchange
    answer = gate_answer(session, f"{session.root}//evil.example/x", f"token={token}")
    assert answer.status_code == 303 and answer.headers["location"] == session.root + "/"


# Routes


@pytest.fixture
def signed(tmp_path: Path) -> Any:
    with make_client(tmp_path) as (client, page):
        signed_in(client, page)
        yield client, page


def test_the_cookie_is_scoped_to_the_random_root_and_nothing_answers_outside_it(tmp_path: Path) -> None:
    with make_client(tmp_path) as (client, page):
        answer = client.get(f"/?token={page.session.startup_token}")
        cookie = answer.headers["set-cookie"]
        assert f"Path={page.root}" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert client.get("/").status_code == 200
        outside = TestClient(client.app, follow_redirects=False)  # another port's program sees paths it guesses
        outside.cookies = client.cookies
        for path in ("/", "/history", "/static/page.js", f"/x{page.root}/"):
            assert outside.get(path).status_code == 404


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_request_another_site_made_is_refused(signed: Any, site: str) -> None:
    client, page = signed
    assert client.get("/history", headers={"sec-fetch-site": site}).status_code == 403
    posted = client.post("/upload", files={"sheet": ("w.csv", SHEET)}, data={"csrf": page.session.csrf},
                         headers={**ORIGIN, "sec-fetch-site": site})  # fmt: skip
    assert posted.status_code == 403 and not page.uploads
    assert client.get("/history", headers={"sec-fetch-site": "same-origin"}).status_code == 200
    assert client.get("/history", headers={"sec-fetch-site": "none"}).status_code == 200  # typed or bookmarked


def test_the_start_up_link_opened_from_the_local_file_goes_on_from_this_origin(tmp_path: Path) -> None:
    with make_client(tmp_path) as (client, page):
        answer = client.get(f"/?token={page.session.startup_token}", headers={"sec-fetch-site": "cross-site"})
        assert answer.status_code == 200 and COOKIE in answer.headers["set-cookie"]
        assert f'content="0;url={page.root}/"' in answer.text and page.session.startup_token not in answer.text


def test_the_start_up_token_is_single_use_and_short_lived(tmp_path: Path) -> None:
    now = [0.0]
    with make_client(tmp_path) as (_, page):
        page.session = Session(clock=lambda: now[0])
        app = wrap(build_app(page), page, ["testserver"])
        first = PageClient(app, follow_redirects=False)
        first.root = page.root
        link = f"/?token={page.session.startup_token}"
        assert first.get(link).status_code == 303
        assert first.get(link).status_code == 303  # the same browser refreshing the address: still in
        second = PageClient(app, follow_redirects=False)
        second.root = page.root
        reused = second.get(link)
        assert reused.status_code == 403 and "used or has expired" in reused.text
        assert second.get("/").status_code == 403
        late = Session(clock=lambda: now[0])
        page.session = late
        app = wrap(build_app(page), page, ["testserver"])
        now[0] += 601
        third = PageClient(app, follow_redirects=False)
        third.root = page.root
        assert third.get(f"/?token={late.startup_token}").status_code == 403


def test_every_response_carries_the_security_headers(signed: Any) -> None:
    client, page = signed
    check_url = upload(client, page, "w.csv", SHEET).headers["location"]
    job_url = start(client, page, check_url)
    wait_done(client, job_url)
    answers = [
        client.get("/"), client.get(check_url), client.get(f"{check_url}/checked.xlsx"), client.get("/static/page.js"),
        client.get(f"{job_url}/result.xlsx"), client.get(f"{job_url}/events"), client.get(f"{job_url}/status"),
        client.get("/history"), client.get("/no-such-step"), client.get("/lang/nl"),
        client.post("/upload", data={"csrf": "wrong"}, headers=ORIGIN),
        TestClient(client.app).get("/"),  # no cookie, outside the root
        client.get("/", headers={"host": "evil.example"}),
    ]  # fmt: skip
    for answer in answers:
        for name, value in HEADERS.items():
            assert answer.headers.get(name) == value, (answer.request.url, name)
        assert answer.headers.get("content-type"), answer.request.url
    policy = HEADERS["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy and "unsafe-inline" not in policy
    assert HEADERS["X-Frame-Options"] == "DENY" and HEADERS["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_script_style_or_handlers() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), template
        assert not re.search(r"\sstyle\s*=|<style", text, re.IGNORECASE), template
        assert "javascript:" not in text, template


@pytest.mark.parametrize("where", ["token", "cookie", "csrf-field", "csrf-header"])
def test_non_ascii_secrets_are_a_clean_refusal(tmp_path: Path, where: str) -> None:
    with make_client(tmp_path) as (client, page):
        if where == "token":
            answer = client.get("/?token=%C3%A9%FF")
        elif where == "cookie":
            answer = client.get("/", headers={"cookie": f"{COOKIE}=é€".encode()})
        else:
            signed_in(client, page)
            form = {"csrf": "é€"} if where == "csrf-field" else {}
            headers = {"x-csrf-token": "é€".encode()} if where == "csrf-header" else {}
            answer = client.post("/upload", files={"sheet": ("w.csv", SHEET)}, data=form, headers={**ORIGIN, **headers})
        assert 400 <= answer.status_code < 500 and "Traceback" not in answer.text


def test_folders_are_0700_and_files_0600_page_and_cli(signed: Any, tmp_path: Path) -> None:
    client, page = signed
    check_url = upload(client, page, "w.csv", SHEET).headers["location"]
    client.get(check_url)
    job_url = start(client, page, check_url)
    wait_done(client, job_url)
    assert client.get(f"{job_url}/retry.xlsx").status_code == 200
    (item,) = page.uploads.values()
    assert mode(page.workdir) == 0o700 and mode(item.path.parent) == 0o700
    files = [p for p in item.path.parent.iterdir()]
    assert {p.suffix for p in files} >= {".csv", ".xlsx"} and len(files) >= 4  # sheet, check, result, retry
    assert all(mode(p) == 0o600 for p in files), [(p.name, oct(mode(p))) for p in files]
    journal = tmp_path / "journal.sqlite3"
    for path in (journal, journal.with_name(journal.name + ".lock")):
        assert mode(path) == 0o600, path
    for path in tmp_path.glob("journal.sqlite3-*"):  # the WAL and its index, while they exist
        assert mode(path) == 0o600, path
    cli = tmp_path / "cli"
    cli.mkdir()
    sheet = write_csv(cli / "week.csv", [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"]])
    assert bulkcancel("run", str(sheet), "--quiet", "--journal", str(cli / "new" / "journal.sqlite3")).returncode == 0
    assert mode(cli / "week-results.xlsx") == 0o600
    assert mode(cli / "new") == 0o700 and mode(cli / "new" / "journal.sqlite3") == 0o600


def test_uploads_and_results_go_after_the_retention(signed: Any) -> None:
    _, page = signed
    old = page.add_upload("old.csv", ".csv", SHEET)
    fresh = page.add_upload("fresh.csv", ".csv", SHEET)
    busy = page.add_upload("busy.csv", ".csv", SHEET)
    page.jobs.submit(busy, 1, busy.path.with_name("_result.xlsx"))  # queued (never started here): kept
    past = time.time() - RETENTION - 60
    for item in (old, busy):
        os.utime(item.path, (past, past))
        os.utime(item.path.parent, (past, past))
    removed = page.sweep()
    assert removed == [old.id] and not old.path.parent.exists() and old.id not in page.uploads
    assert fresh.path.exists() and busy.path.exists()
    assert fresh.id in page.sweep(now=time.time() + RETENTION + 60)


def test_no_file_system_path_on_any_page(signed: Any, tmp_path: Path) -> None:
    client, page = signed
    missing = client.get("/history/20260101-000000-abcdef/result.xlsx")
    assert missing.status_code == 404 and str(tmp_path) not in missing.text and "journal" in missing.text
    check_url = upload(client, page, "gone.csv", SHEET).headers["location"]
    client.get(check_url)
    (item,) = page.uploads.values()
    item.path.unlink()  # the run cannot read its sheet: the failure names the file, not where it lives
    job_url = start(client, page, check_url)
    failed = wait_done(client, job_url)
    assert failed["state"] == "failed" and "gone.csv" in failed["message"] and str(tmp_path) not in failed["message"]
    assert str(tmp_path) not in client.get(job_url).text
    check_url = upload(client, page, "week.xlsx", demo_sheet()).headers["location"]
    client.get(check_url)
    done = wait_done(client, start(client, page, check_url))
    assert done["state"] == "done" and str(tmp_path) not in done["message"]
    result = client.get(f"{job_url.rsplit('/', 1)[0]}/{page.uploads[check_url.rsplit('/', 1)[1]].job_id}/result.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(result.content), read_only=True)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Input file"] == "week.xlsx"
    rebuilt = client.get(f"/history/{done['run_id']}/result.xlsx")  # from the journal alone: the same
    book = openpyxl.load_workbook(io.BytesIO(rebuilt.content), read_only=True)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Input file"] == "week.xlsx"
    for step in ("/", "/history", check_url, f"{check_url}/confirm"):
        assert str(tmp_path) not in client.get(step).text


def test_three_sends_start_one_run(signed: Any) -> None:
    client, page = signed
    check_url = upload(client, page, "w.csv", SHEET).headers["location"]
    client.get(check_url)
    answers = [client.post(f"{check_url}/start", data={"csrf": page.session.csrf}, headers=ORIGIN) for _ in range(3)]
    assert {a.status_code for a in answers} == {303} and len({a.headers["location"] for a in answers}) == 1
    assert len(page.jobs.listed()) == 1
    wait_done(client, answers[0].headers["location"])
    assert len(page.jobs.listed()) == 1 and 'id="sent-already"' in client.get(f"{check_url}/confirm").text


def test_an_upload_is_checked_once_off_the_event_loop(signed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client, page = signed
    calls: list[str] = []
    release = threading.Event()
    real = check_step.validate

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(threading.current_thread().name)
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(check_step, "validate", counted)
    release.set()
    check_url = upload(client, page, "w.csv", SHEET).headers["location"]
    for _ in range(3):  # refreshes
        assert client.get(check_url).status_code == 200
    assert client.get(f"{check_url}/confirm").status_code == 200
    assert len(calls) == 1 and calls[0] != threading.main_thread().name
    release.clear()
    item = page.add_upload("x.csv", ".csv", SHEET)

    async def three_at_once() -> None:  # three requests for the same check at the same time
        waiting = [asyncio.ensure_future(check_step.checked(page, item)) for _ in range(3)]
        for _ in range(20):
            await asyncio.sleep(0)
        release.set()
        await asyncio.gather(*waiting)

    asyncio.run(three_at_once())
    assert len(calls) == 2 and item.checked is not None


def test_the_check_table_is_paginated(signed: Any) -> None:
    client, page = signed
    rows = "".join(f"{2012340000 + n},OUT_OF_STOCK\n" for n in range(1200)) + "bad,OTHER\n"
    check_url = upload(client, page, "big.csv", ("OrderItemId,ReasonCode\n" + rows).encode()).headers["location"]
    first = client.get(check_url)
    assert first.text.count('<tr class="level-') == check_step.PAGE_ROWS and 'id="next-page"' in first.text
    assert "Rows 1 to 500 of 1201" in first.text and 'id="previous-page"' not in first.text
    last = client.get(f"{check_url}?page=3")
    assert (
        last.text.count('<tr class="level-') == 201 and "level-error" in last.text and 'id="next-page"' not in last.text
    )
    assert client.get(f"{check_url}?page=99999999999").status_code == 200  # clamped, never an error
    problems = client.get(f"{check_url}?problems=1")
    assert problems.text.count('<tr class="level-') == 1 and 'id="pages"' not in problems.text


def test_history_and_run_again_work_while_a_run_holds_the_journal(signed: Any, tmp_path: Path) -> None:
    client, page = signed
    sheet = write_csv(tmp_path / "cli.csv", [["OrderItemId", "ReasonCode"], ["2012345601", "OTHER"]])
    assert bulkcancel("run", str(sheet), "--quiet", "--journal", str(tmp_path / "journal.sqlite3")).returncode == 0
    with Journal(tmp_path / "journal.sqlite3", "demo", "x"):  # a run holds the lock now
        listed = client.get("/history")
        assert listed.status_code == 200 and "cli.csv" in listed.text
        run_id = re.search(r'id="run-([^"]+)"', listed.text)
        assert run_id is not None
        rebuilt = client.get(f"/history/{run_id.group(1)}/result.xlsx")
        assert rebuilt.status_code == 200 and rebuilt.content.startswith(b"PK")
        again = client.post(f"/history/{run_id.group(1)}/again", data={"csrf": page.session.csrf}, headers=ORIGIN)
        assert again.status_code == 303


def test_settings_for_an_upload_name_it_by_its_own_name(tmp_path: Path) -> None:
    page = Page(Settings(journal=tmp_path / "j.sqlite3"), tmp_path / "page")
    item = page.add_upload("Week 49.csv", ".csv", SHEET)
    assert item.settings(page.settings, tmp_path / "o.xlsx").input_name == "Week 49.csv"


class Opened(Exception):
    """Ends ``serve`` in a test once the browser would open (before it serves for ever)."""


def test_the_link_is_printed_after_the_socket_listens_and_the_browser_gets_no_token(tmp_path: Path) -> None:
    import socket

    from bulkcancel.web.serve import serve

    lines: list[str] = []
    reached: list[bool] = []

    def say(line: str) -> None:
        lines.append(line)
        if line.startswith("Open: "):
            port = int(line.split(":")[3].split("/")[0])
            with socket.create_connection(("127.0.0.1", port), timeout=30):  # refused if it did not listen yet
                reached.append(True)

    opened: list[str] = []

    def open_url(url: str) -> None:
        opened.append(url)
        opener = Path(url.removeprefix("file://"))
        assert mode(opener) == 0o600 and mode(opener.parent) == 0o700
        assert "?token=" in opener.read_text()  # the file forwards to the link
        raise Opened

    settings = Settings(journal=tmp_path / "journal.sqlite3")
    with pytest.raises(Opened):
        serve(
            settings, host="127.0.0.1", port=0, open_browser=True, max_upload_mb=1, say=say, warn=say, open_url=open_url
        )
    assert reached == [True]
    link = next(line for line in lines if line.startswith("Open: ")).removeprefix("Open: ")
    token = link.split("token=")[1]
    (uri,) = opened
    assert uri.startswith("file://") and token not in uri and "token" not in uri  # what a process's arguments show
    opener = Path(uri.removeprefix("file://"))
    assert not opener.exists()  # removed when serve ended (else once the token is used)


def test_a_check_an_edit_made_stale_is_not_kept_and_the_waiters_get_the_new_one(
    signed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, page = signed
    release = threading.Event()
    calls: list[int] = []
    real = check_step.validate

    def first_one_slow(*args: Any, **kwargs: Any) -> Any:
        calls.append(len(calls))
        if len(calls) == 1:
            release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(check_step, "validate", first_one_slow)
    item = page.add_upload("x.csv", ".csv", SHEET)

    async def scenario() -> Any:
        waiting = asyncio.ensure_future(check_step.checked(page, item))
        for _ in range(20):
            await asyncio.sleep(0)
        item.version += 1  # what an edit on the page does while the first check runs
        item.checking = None
        release.set()
        return await waiting

    assert asyncio.run(scenario()) is not None and len(calls) == 2 and item.checked is not None


def test_history_that_cannot_be_read_now_is_one_clear_line_not_a_500(
    signed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from bulkcancel.web.steps import history as history_step

    client, _ = signed

    def busy(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(history_step, "run_history", busy)
    monkeypatch.setattr(history_step, "report", busy)
    listed = client.get("/history")
    assert listed.status_code == 503 and "try again in a moment" in listed.text
    rebuilt = client.get("/history/20260101-000000-abcdef/result.xlsx")
    assert rebuilt.status_code == 503 and "try again in a moment" in rebuilt.text
    dutch = client.get("/history", headers={"accept-language": "nl"})
    assert dutch.status_code == 503 and "probeer het zo opnieuw" in dutch.text


def test_a_journal_an_older_version_left_readable_becomes_private(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    with Journal(journal, "demo", "x"):
        pass
    lock = journal.with_name(journal.name + ".lock")
    shm = journal.with_name(journal.name + "-shm")
    shm.write_bytes(b"")
    for path in (journal, lock, shm):
        path.chmod(0o644)
    with Journal(journal, "demo", "x"):  # WAL mode: the -shm file is in use while it is open
        assert all(mode(p) == 0o600 for p in (journal, lock, shm)), [oct(mode(p)) for p in (journal, lock, shm)]


def test_paths_are_hidden_from_page_text_and_nothing_else_is_touched() -> None:
    from bulkcancel.web.uploads import hide_paths

    upload = Path("/home/anna/.local/share/bulkcancel/page/Xy1/week 49.csv")
    assert hide_paths(f"{upload}: row 3 is empty", (upload, "week 49.csv")) == "week 49.csv: row 3 is empty"
    assert hide_paths("journal /var/lib/x/journal.sqlite3: cannot be read") == "journal journal.sqlite3: cannot be read"
    assert hide_paths(r"C:\Users\anna\Desktop\week.xlsx is open") == "week.xlsx is open"
    kept = "bol said HTTP 503 at https://api.bol.com/retailer/orders/cancellation on 05/12/2026, codes A/B"
    assert hide_paths(kept) == kept
