"""A products sheet on the upload page: expanded into its order items before the usual check and confirm.

The page in-process (Starlette's TestClient) on the demo, as tests/test_web.py drives it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl

from bulkcancel.targets import Api
from tests.conftest import write_csv
from tests.test_web import make_client, signed_in, start, upload, wait_done

ROOT = Path(__file__).resolve().parents[1]


def demo_story() -> tuple[list[str], set[str]]:
    """The demo's stock-out story: the order items of the sample's products, and those bol fulfils or delivers."""
    scenario = json.loads((ROOT / "samples" / "demo-scenario.json").read_text())
    eans = {"8712345700010", "8712345700027", "8712345700034"}
    mine = [i for i in scenario["items"] if i.get("ean") in eans and i.get("state", "open") == "open"]
    apart = {i["id"] for i in mine if i.get("fulfilment") == "FBB" or i.get("distribution") == "BOL"}
    return [i["id"] for i in mine], apart


def rows_of(html: str, table: str, column: int = 0) -> list[str]:
    """The text of one column of a table of the page, row by row (below its header)."""
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return [row.split("<td>")[column + 1].split("</td>", 1)[0] for row in body.split("<tr")[2:]]


def test_a_products_sheet_is_expanded_checked_and_run_to_exactly_its_items(tmp_path: Path) -> None:
    with make_client(tmp_path, api=Api.RETAILER) as (client, page):
        signed_in(client, page)
        answer = upload(client, page, "stockouts.xlsx", (ROOT / "samples" / "stockouts.xlsx").read_bytes())
        assert answer.status_code == 303
        url = answer.headers["location"].removeprefix(page.root)
        shown = client.get(url)
        assert shown.status_code == 200, shown.text
        items, apart = demo_story()
        listed = rows_of(shown.text, "expansion-rows")
        assert sorted(listed) == sorted(items)  # every open item of the products: kept, to cancel or not yours
        assert "the 3 units left went to the 2 orders promised first" in shown.text
        assert "Ontkalker" not in shown.text and "8712345700041" in shown.text  # no open items: named
        to_cancel = rows_of(shown.text, "rows", 1)  # the usual check table, of the sheet to cancel
        assert to_cancel and not set(to_cancel) & apart
        assert set(to_cancel) < set(items) and "READY" in shown.text
        job = start(client, page, url).removeprefix(page.root)
        status = wait_done(client, job)
        assert status["state"] == "done", status
        result = client.get(f"{job}/result.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(result.content), read_only=True)
        sent = [str(r[1]) for r in book["Results"].iter_rows(min_row=2, values_only=True)]
        book.close()
        assert sorted(sent) == sorted(to_cancel)


def test_a_second_upload_lists_apart_what_the_run_cancelled_while_bols_list_still_shows_it(tmp_path: Path) -> None:
    """The demo's bol forgets between runs, as bol's list lags: the journal remembers."""
    with make_client(tmp_path, api=Api.RETAILER) as (client, page):
        signed_in(client, page)
        sample = (ROOT / "samples" / "stockouts.xlsx").read_bytes()
        url = upload(client, page, "stockouts.xlsx", sample).headers["location"].removeprefix(page.root)
        cancelled = rows_of(client.get(url).text, "rows", 1)
        assert cancelled
        assert wait_done(client, start(client, page, url).removeprefix(page.root))["state"] == "done"
        again = upload(client, page, "stockouts.xlsx", sample).headers["location"].removeprefix(page.root)
        shown = client.get(again)
        listed = rows_of(shown.text, "expansion-rows")
        decisions = dict(zip(listed, rows_of(shown.text, "expansion-rows", 5), strict=True))
        assert sorted(i for i, d in decisions.items() if d == "Sent before") == sorted(cancelled)
        assert "To cancel" not in decisions.values()
        assert f"{len(cancelled)} left out: an earlier run already cancelled or sent them." in shown.text


def test_a_products_sheet_with_bad_rows_is_refused_on_the_check_step(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "p.csv", [["EAN", "Units left"], ["8.71234E+12", ""], ["8712345700010", "-1"]])
    with make_client(tmp_path) as (client, page):
        signed_in(client, page)
        answer = upload(client, page, "p.csv", sheet.read_bytes())
        shown = client.get(answer.headers["location"].removeprefix(page.root))
        assert shown.status_code == 422
        assert "scientific notation" in shown.text and "below zero" in shown.text
        assert str(tmp_path) not in shown.text  # the page never shows where files live
