"""The page as an importer (issue 20, section 3), through Starlette's TestClient.

Rows fixed in the page and the corrected sheet sent to the Plaza simulator on loopback;
results on the page (filter, search, what next, Retry only when needed); the stepper; the
upload step's templates and reason codes; duplicates as notes; history in words; where the
credentials come from.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from starlette.testclient import TestClient

from bulkcancel.results import DroppedRow
from bulkcancel.simulator import SimulatorConfig
from bulkcancel.targets import CredentialSource
from bulkcancel.web.app import Page
from tests.conftest import make_scenario
from tests.test_web import ORIGIN, make_client, signed_in, start, upload, wait_done

SHEET = (
    "OrderItemId,ReasonCode,DateTime,Note\n"
    "2012345601,OUT_OF_STOCK,,first\n"
    "20123456O2,OUT_OF_STOCK,,letter O\n"  # row 3: fixed on the page
    "2012345603,OUT_OF_STOK,,typo\n"  # row 4: fixed on the page
    "2012345604,NO_REASON,,\n"  # row 5: dropped on the page
    "2012345601,OUT_OF_STOCK,,repeat\n"  # row 6: a duplicate of row 2
)


def fix(client: TestClient, page: Page, check_url: str, row: int, action: str = "save", **values: str) -> Any:
    form = {"csrf": page.session.csrf, "row": str(row), "action": action, **values}
    return client.post(f"{check_url}/fix", data=form, headers=ORIGIN)


def rows_of(html: str) -> dict[int, str]:
    """Row number -> level class in the check table."""
    return {int(n): level for level, n in re.findall(r'<tr class="level-(\w+)" id="row-(\d+)"', html)}


def results_of(html: str) -> list[tuple[int, str, str]]:
    """(row, OrderItemId, status) of each row in the results table."""
    found = re.findall(
        r'id="result-(\d+)"><td>\d+</td><td>([^<]*)</td>\s*<td>(?:<span class="mark[^>]*>[^<]*</span> )?(\w+)</td>',
        html,
    )
    return [(int(row), item, status) for row, item, status in found]


def uploaded_file(page: Page) -> Path:
    (item,) = page.uploads.values()
    return item.path


def test_two_invalid_rows_fixed_in_the_page_and_the_corrected_sheet_is_what_runs(
    serve: Callable[..., Any], tmp_path: Path
) -> None:
    sim = serve(make_scenario(), SimulatorConfig(settle_seconds=0))
    with make_client(tmp_path, base_url=sim.url) as (client, page):
        signed_in(client, page)
        check_url = upload(client, page, "week.csv", SHEET.encode()).headers["location"]
        first = client.get(check_url).text
        assert rows_of(first) == {2: "ok", 3: "error", 4: "error", 5: "error", 6: "note"}
        assert 'id="fix-3"' in first and 'id="fix-2"' not in first  # only invalid rows are offered a fix
        original = hashlib.sha256(uploaded_file(page).read_bytes()).hexdigest()

        answer = fix(client, page, check_url, 3, OrderItemId="2012345602", ReasonCode="OUT_OF_STOCK", DateTime="")
        assert answer.status_code == 303 and answer.headers["location"].endswith("?fixed=3#row-3")
        fix(client, page, check_url, 4, OrderItemId="2012345603", ReasonCode="OUT_OF_STOCK", DateTime="")
        fix(client, page, check_url, 5, action="drop")
        shown = client.get(check_url).text
        assert rows_of(shown) == {2: "ok", 3: "ok", 4: "ok", 5: "note", 6: "note"}  # the dropped row: DROPPED
        assert "Changed on the page: OrderItemId &#39;20123456O2&#39; to &#39;2012345602&#39;" in shown
        assert 'id="dropped-5"' in shown and "2012345604" in shown
        assert "2 changes on the page, 1 row dropped" in shown

        corrected = client.get(f"{check_url}/corrected.xlsx")
        assert corrected.status_code == 200
        assert 'filename="week-corrected.xlsx"' in corrected.headers["content-disposition"]
        book = openpyxl.load_workbook(io.BytesIO(corrected.content), read_only=True)
        cells = [list(row) for row in book.active.iter_rows(values_only=True)]  # type: ignore[union-attr]
        assert cells[0] == ["OrderItemId", "ReasonCode", "DateTime", "Note", "Changed on the page"]
        assert [row[0] if row else None for row in cells[1:]] == [
            "2012345601",
            "2012345602",
            "2012345603",
            None,
            "2012345601",
        ]

        confirm = client.get(f"{check_url}/confirm").text
        assert "3 order item(s) will be cancelled" in confirm and 'id="sends-corrected"' in confirm
        assert "1 row(s) dropped on the page will not be sent: the result keeps them as DROPPED" in confirm
        job_url = start(client, page, check_url, version="3")
        status = wait_done(client, job_url)
        assert status["state"] == "done" and status["counts"] == {"CANCELLED": 3, "DUPLICATE": 1, "DROPPED": 1}
        assert status["exit_code"] == 0  # a row dropped on the page ended well: the person chose it
        assert sorted(sim.cancelled_ids()) == ["2012345601", "2012345602", "2012345603"]  # never the dropped row
        result = openpyxl.load_workbook(io.BytesIO(client.get(f"{job_url}/result.xlsx").content), read_only=True)
        table = [list(row) for row in result["Results"].iter_rows(values_only=True)]
        header = table[0]
        changed = {row[header.index("Row")]: row[header.index("Changed on the page")] for row in table[1:]}
        assert changed[3] == "changed on the page: OrderItemId '20123456O2' to '2012345602'"
        assert changed[4] == "changed on the page: ReasonCode 'OUT_OF_STOK' to 'OUT_OF_STOCK'"
        assert changed[2] in (None, "")
        # every uploaded row, in upload order, the dropped one with its own outcome and its cells as uploaded
        assert [(row[0], row[1], row[header.index("Status")]) for row in table[1:]] == [
            (2, "2012345601", "CANCELLED"),
            (3, "2012345602", "CANCELLED"),
            (4, "2012345603", "CANCELLED"),
            (5, "2012345604", "DROPPED"),
            (6, "2012345601", "DUPLICATE"),
        ]
        dropped = table[4]
        assert list(dropped[1:5]) == ["2012345604", "NO_REASON", None, None]  # as uploaded, never the fixes
        assert dropped[header.index("Detail")] == (
            "removed on the page before the run: not sent, and not in the corrected sheet"
        )
        assert [row[0] for row in result["Retry"].iter_rows(min_row=2, values_only=True) if row] == []
        legend = [row[0] for row in result["Summary"].iter_rows(values_only=True) if row]
        assert "DROPPED" in legend
        facts = {row[0]: row[1] for row in result["Summary"].iter_rows(values_only=True) if row}
        assert facts["Input file"] == "week-corrected.xlsx (rows dropped on the page: 5)"  # the drop: in the result
        assert hashlib.sha256(uploaded_file(page).read_bytes()).hexdigest() == original  # the upload is untouched

        rebuilt = client.get(f"/history/{status['run_id']}/result.xlsx")  # from the journal alone
        assert rebuilt.status_code == 200
        again = openpyxl.load_workbook(io.BytesIO(rebuilt.content))
        written = openpyxl.load_workbook(io.BytesIO(client.get(f"{job_url}/result.xlsx").content))
        assert [ws.title for ws in again.worksheets] == [ws.title for ws in written.worksheets]
        for sheet in written.worksheets:
            assert list(again[sheet.title].iter_rows(values_only=True)) == list(sheet.iter_rows(values_only=True))

        page_after = client.get(job_url).text
        assert "Rows dropped on the page (not sent; in the result as DROPPED, in their place): 5" in page_after
        assert (5, "2012345604", "DROPPED") in results_of(page_after)  # the page's results table has it too
        filtered = client.get(f"{job_url}?status=DROPPED").text
        assert [row for row, _, _ in results_of(filtered)] == [5]
        again = client.post(f"/history/{status['run_id']}/again", data={"csrf": page.session.csrf}, headers=ORIGIN)
        assert again.status_code == 303  # the corrected sheet run again: the dropped row is still in its result
        assert rows_of(client.get(again.headers["location"]).text)[5] == "note"
        assert [page.uploads[key].dropped() for key in page.uploads][-1] == (
            DroppedRow(5, ("2012345604", "NO_REASON", "", "", "")),
        )
        assert fix(client, page, check_url, 6, action="drop").status_code == 303
        assert 'id="dropped-6"' not in client.get(check_url).text  # sent: the rows are what was sent


def test_undo_a_drop_and_a_change_and_a_bad_value_changes_nothing(tmp_path: Path) -> None:
    with make_client(tmp_path) as (client, page):
        signed_in(client, page)
        check_url = upload(client, page, "week.csv", SHEET.encode()).headers["location"]
        client.get(check_url)
        fix(client, page, check_url, 5, action="drop")
        fix(client, page, check_url, 3, OrderItemId="2012345602")
        assert rows_of(client.get(check_url).text)[3] == "ok"
        fix(client, page, check_url, 5, action="undo")
        fix(client, page, check_url, 3, action="undo")
        back = client.get(check_url).text
        assert rows_of(back) == {2: "ok", 3: "error", 4: "error", 5: "error", 6: "note"}
        assert 'id="download-corrected"' not in back
        (item,) = page.uploads.values()
        assert item.source == item.path  # no edits left: the upload itself is what runs

        bad = fix(client, page, check_url, 4, ReasonCode="OUT_OF_STOCK\nOTHER")
        assert bad.headers["location"].endswith("fix_error=4#fix-error")
        shown = client.get(bad.headers["location"]).text
        assert "Row 4 was not changed" in shown and rows_of(shown)[4] == "error"
        assert fix(client, page, check_url, 99, OrderItemId="1").status_code == 303
        assert item.edits == {}


def test_a_fix_after_the_confirm_step_was_shown_stops_send(tmp_path: Path) -> None:
    with make_client(tmp_path) as (client, page):
        signed_in(client, page)
        check_url = upload(client, page, "week.csv", SHEET.encode()).headers["location"]
        client.get(check_url)
        version = re.search(r'name="version" value="(\d+)"', client.get(f"{check_url}/confirm").text)
        assert version is not None
        fix(client, page, check_url, 3, OrderItemId="2012345602")
        late = client.post(
            f"{check_url}/start", data={"csrf": page.session.csrf, "version": version.group(1)}, headers=ORIGIN
        )
        assert late.headers["location"].endswith("/confirm?error=changed")
        assert page.jobs.listed() == []


def test_results_on_the_page_filtered_searched_and_what_to_do_next(tmp_path: Path) -> None:
    from tests.test_web import demo_sheet

    with make_client(tmp_path) as (client, page):
        signed_in(client, page)
        check_url = upload(client, page, "weekly-stockouts.xlsx", demo_sheet()).headers["location"]
        job_url = start(client, page, check_url)
        wait_done(client, job_url)
        shown = client.get(job_url).text
        assert 'aria-current="step"' in shown and 'id="step-results"' in shown
        assert re.search(r'id="step-results" class="current" aria-current="step"', shown)
        assert "Not every row was cancelled" in shown and 'id="run-retry"' in shown
        assert "Run the Retry sheet again (7 rows)" in shown
        everything = results_of(shown)
        assert len(everything) == 30 and {status for _, _, status in everything} >= {"CANCELLED", "FAILED", "INVALID"}
        failed = client.get(f"{job_url}?status=FAILED").text
        assert [status for _, _, status in results_of(failed)] == ["FAILED"] * 2
        assert "2 of 30 rows match." in failed
        one_id = next(item for _, item, status in everything if status == "CANCELLED")
        found = client.get(f"{job_url}?q={one_id[3:]}").text
        assert [item for _, item, _ in results_of(found)] == [one_id] and "1 of 30 rows match." in found
        nothing = client.get(f"{job_url}?status=NOPE&q=<script>").text
        assert "30 of 30 rows match." in nothing and "<script>" not in nothing.split('id="filter-q"')[1][:200]
        nl = client.get(job_url, headers={"accept-language": "nl"}).text
        assert "Niet elke rij is geannuleerd" in nl


def test_no_retry_offered_when_every_row_ended_well(serve: Callable[..., Any], tmp_path: Path) -> None:
    sim = serve(make_scenario(), SimulatorConfig(settle_seconds=0))
    with make_client(tmp_path, base_url=sim.url) as (client, page):
        signed_in(client, page)
        good = "OrderItemId,ReasonCode\n2012345601,OUT_OF_STOCK\n2012345602,OTHER\n2012345601,OTHER\n"
        check_url = upload(client, page, "good.csv", good.encode()).headers["location"]
        job_url = start(client, page, check_url)
        assert wait_done(client, job_url)["state"] == "done"
        shown = client.get(job_url).text
        assert "It went well" in shown and "Nothing needs to be sent again." in shown
        assert 'id="run-retry"' not in shown and 'id="download-retry"' not in shown
        assert re.search(r'class="level-note" id="result-4"', shown)  # the duplicate: a note, not an error
        history = client.get("/history").text
        assert "went well: every row ended as it should" in history and "<td>0</td>" not in history


def test_the_stepper_marks_each_step(tmp_path: Path) -> None:
    with make_client(tmp_path) as (client, page):
        signed_in(client, page)
        index = client.get("/").text
        assert re.search(r'<li id="step-upload" class="current" aria-current="step">', index)
        assert index.count('aria-current="step"') == 1
        check_url = upload(client, page, "week.csv", SHEET.encode()).headers["location"]
        check = client.get(check_url).text
        assert re.search(r'<li id="step-upload" class="done">', check) and "(done)" in check
        assert re.search(r'<li id="step-check" class="current" aria-current="step">', check)
        client.post(f"{check_url}/plan", data={"csrf": page.session.csrf}, headers=ORIGIN)
        compared = client.get(check_url).text  # the comparison's answer is on the check page, at step 3
        assert re.search(r'<li id="step-check" class="done">', compared)
        assert re.search(r'<li id="step-compare" class="current" aria-current="step">', compared)
        confirm = client.get(f"{check_url}/confirm").text
        assert re.search(r'<li id="step-confirm" class="current" aria-current="step">', confirm)


def test_the_upload_step_offers_the_template_and_explains_the_reason_codes(tmp_path: Path) -> None:
    with make_client(tmp_path) as (client, page):
        signed_in(client, page)
        index = client.get("/").text
        assert len(re.findall(r'<tr id="reason-(\w+)">', index)) == 12
        customer = index.split('id="reason-REQUESTED_BY_CUSTOMER"')[1].split("</tr>")[0]
        assert "no, when the customer asked and it is confirmed by the promised delivery date" in customer
        assert "yes" in index.split('id="reason-OUT_OF_STOCK"')[1].split("</tr>")[0]
        template = client.get("/template.xlsx")
        assert (
            template.status_code == 200
            and 'filename="bulkcancel-template.xlsx"' in template.headers["content-disposition"]
        )
        book = openpyxl.load_workbook(io.BytesIO(template.content), read_only=True)
        assert book.sheetnames
        dutch = client.get("/template.xlsx", headers={"accept-language": "nl"})
        assert 'filename="bulkcancel-sjabloon.xlsx"' in dutch.headers["content-disposition"]
        assert "De redencodes" in client.get("/", headers={"accept-language": "nl"}).text
        products = client.get("/template-products.xlsx")
        assert (
            products.status_code == 200
            and 'filename="bulkcancel-products.xlsx"' in products.headers["content-disposition"]
        )
        headers = next(
            openpyxl.load_workbook(io.BytesIO(products.content), read_only=True).active.iter_rows(values_only=True)
        )  # type: ignore[union-attr]
        assert "EAN" in headers


def test_the_page_says_where_the_credentials_come_from(tmp_path: Path) -> None:
    with make_client(tmp_path) as (client, page):
        signed_in(client, page)
        assert "Credentials: the simulator&#39;s demo values" in client.get("/").text
        page.credentials = CredentialSource.KEYRING
        assert "from the keyring of this computer" in client.get("/").text
        assert "uit de sleutelhanger" in client.get("/", headers={"accept-language": "nl"}).text
