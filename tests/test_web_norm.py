"""The page's confirm step and bol's cancellation norm: the standing shown, a red warning and a box
to tick when a LIVE run would take the week above the norm, and the server holding it either way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bulkcancel.retailer.environments import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from bulkcancel.simulator.performance import WeekNumbers
from bulkcancel.simulator.scenario import Scenario, ScenarioItem
from bulkcancel.targets import Api, Environment
from tests.conftest import Served
from tests.test_web import ORIGIN, make_client, signed_in, start, upload, wait_done

FIRST = 2012340000


def account(numerator: int) -> Scenario:
    items = [ScenarioItem(str(FIRST + n), order_id=f"4{n:03d}") for n in range(20)]
    return Scenario(items={i.id: i for i in items}, cancellation_weeks=(WeekNumbers(numerator, 612),))


def sheet(count: int) -> bytes:
    return ("OrderItemId,ReasonCode\n" + "".join(f"{FIRST + n},OUT_OF_STOCK\n" for n in range(count))).encode()


@pytest.fixture
def client_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOL_CLIENT_ID", DEMO_CLIENT_ID)
    monkeypatch.setenv("BOL_CLIENT_SECRET", DEMO_CLIENT_SECRET)


def live(tmp_path: Path, sim: Served) -> Any:
    return make_client(tmp_path, base_url=sim.url, env=Environment.PRODUCTION, api=Api.RETAILER)


@pytest.mark.usefixtures("client_keys")
def test_a_live_strike_needs_the_box_ticked(serve_retailer: Callable[..., Served], tmp_path: Path) -> None:
    sim = serve_retailer(account(4))
    with live(tmp_path, sim) as (client, page):
        signed_in(client, page)
        check_url = upload(client, page, "week.csv", sheet(11)).headers["location"]
        shown = client.get(f"{check_url}/confirm").text
        assert "This run adds 11 that count: 15 of 612 (2.45 %), above bol&#39;s 2 % norm: expect a strike." in shown
        assert 'id="norm" class="error" role="alert"' in shown and 'id="accept-strike"' in shown
        unticked = client.post(f"{check_url}/start", data={"csrf": page.session.csrf, "count": "11"}, headers=ORIGIN)
        assert unticked.status_code == 303 and unticked.headers["location"].endswith("error=strike")
        assert "tick the box to accept the strike" in client.get(unticked.headers["location"]).text
        assert sim.ledger == []
        job_url = start(client, page, check_url, count="11", accept_strike="yes")
        assert wait_done(client, job_url)["counts"] == {"CANCELLED": 11}
        nl = client.get(f"{check_url}/confirm", headers={"accept-language": "nl"}).text
        assert "boven de norm van 2 % van bol: reken op een strike" in nl


@pytest.mark.usefixtures("client_keys")
def test_the_run_itself_holds_a_strike_nobody_accepted(serve_retailer: Callable[..., Served], tmp_path: Path) -> None:
    sim = serve_retailer(account(4))
    with live(tmp_path, sim) as (client, page):
        signed_in(client, page)
        check_url = upload(client, page, "week.csv", sheet(7)).headers["location"]
        shown = client.get(f"{check_url}/confirm").text
        assert "11 of 612 (1.8 %), within bol&#39;s 2 % norm" in shown and 'id="accept-strike"' not in shown
        # More cancellations land this week between the confirm step and Send (the seller dashboard, say)
        sim.app.state.scenario.cancellation_weeks = (WeekNumbers(10, 612),)
        answer = client.post(f"{check_url}/start", data={"csrf": page.session.csrf, "count": "7"}, headers=ORIGIN)
        status = wait_done(client, str(answer.headers["location"]))
        assert status["state"] == "failed"
        assert sim.ledger == []  # 17 of 612 is above the norm: the run read it and held, nothing sent


@pytest.mark.usefixtures("client_keys")
def test_not_live_shows_the_standing_and_never_holds(serve_retailer: Callable[..., Served], tmp_path: Path) -> None:
    sim = serve_retailer(account(4))
    with make_client(tmp_path, base_url=sim.url, api=Api.RETAILER) as (client, page):
        signed_in(client, page)
        check_url = upload(client, page, "week.csv", sheet(11)).headers["location"]
        shown = client.get(f"{check_url}/confirm").text
        assert "expect a strike" in shown and 'id="accept-strike"' not in shown
        job_url = start(client, page, check_url)
        assert wait_done(client, job_url)["counts"] == {"CANCELLED": 11}


def test_plaza_says_the_standing_is_not_known(serve: Callable[..., Served], tmp_path: Path) -> None:
    sim = serve(account(4))
    with make_client(tmp_path, base_url=sim.url) as (client, page):
        signed_in(client, page)
        check_url = upload(client, page, "week.csv", sheet(2)).headers["location"]
        shown = client.get(f"{check_url}/confirm").text
        assert "standing is not known: the Plaza API v2 has no performance indicator" in shown
