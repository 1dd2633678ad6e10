"""The client against the simulator served by uvicorn on loopback, over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bulkcancel.backend import NetworkError, ProcessState
from bulkcancel.plaza.client import PlazaClient
from bulkcancel.plaza.documents import PLAZA_NS
from bulkcancel.plaza.signing import DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, ApiKeys, auth_headers
from bulkcancel.reasons import ReasonCode
from bulkcancel.simulator import Scenario, SimulatorConfig
from bulkcancel.simulator.scenario import ScenarioItem, Seller
from tests.conftest import make_scenario

KEYS = ApiKeys(DEMO_PUBLIC_KEY, DEMO_PRIVATE_KEY)
NOW = datetime.now(UTC)
CANCEL = "/services/rest/order-items/v2/{}/cancellation"


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _cancel_and_poll(url: str, item: str, keys: ApiKeys = KEYS) -> tuple[Any, Any]:
    async with PlazaClient(url, keys) as client:
        reply = await client.cancel(item, ReasonCode.OUT_OF_STOCK, NOW)
        assert reply.process_status is not None, reply
        status = await client.process_status(reply.process_status.id)
        return reply, status


def test_accepted_cancel_then_success(serve: Callable[..., Any]) -> None:
    sim = serve()
    reply, status = run(_cancel_and_poll(sim.url, "2012345678"))
    assert reply.http_status == 200
    assert reply.process_status.status is ProcessState.PENDING
    assert reply.process_status.event_type == "CANCEL_ORDER"
    assert reply.process_status.description == "Cancel order item with id 2012345678."
    assert reply.process_status.entity_id == "2012345678"
    assert reply.process_status.links[0].href == (
        f"{sim.url}/services/rest/process-status/v2/{reply.process_status.id}"
    )
    assert status.process_status.status is ProcessState.SUCCESS
    entry = sim.app.state.ledger[0]
    assert (entry.order_item_id, entry.reason, entry.effect) == (
        "2012345678",
        "OUT_OF_STOCK",
        "cancelled",
    )


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("shipped", "already been shipped"),
        ("cancelled", "already been cancelled"),
        ("unknown", "does not exist"),
    ],
)
def test_business_rules_fail_asynchronously(serve: Callable[..., Any], state: str, message: str) -> None:
    sim = serve(make_scenario(id_2012345678=state))
    reply, status = run(_cancel_and_poll(sim.url, "2012345678"))
    assert reply.http_status == 200  # bol answers first, checks later
    assert status.process_status.status is ProcessState.FAILURE
    assert message in status.process_status.error_message


def test_second_cancel_of_the_same_item_fails(serve: Callable[..., Any]) -> None:
    sim = serve()
    run(_cancel_and_poll(sim.url, "2012345678"))
    _, second = run(_cancel_and_poll(sim.url, "2012345678"))
    assert second.process_status.status is ProcessState.FAILURE
    assert sim.app.state.effective_cancellations()["2012345678"] == 1


def test_status_stays_pending_for_the_configured_polls(serve: Callable[..., Any]) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0, pending_polls=2))

    async def go() -> list[str]:
        async with PlazaClient(sim.url, KEYS) as client:
            reply = await client.cancel("2012345678", ReasonCode.OTHER, NOW)
            return [
                (await client.process_status(reply.process_status.id)).process_status.status.value for _ in range(3)
            ]

    assert run(go()) == ["PENDING", "PENDING", "SUCCESS"]


def _raw(url: str, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> httpx.Response:
    with httpx.Client(base_url=url) as http:
        return http.request(method, path, headers=headers, content=body)


def _signed(method: str, path: str, when: datetime | None = None, keys: ApiKeys = KEYS) -> dict[str, str]:
    return auth_headers(keys, method, path, when or datetime.now(UTC))


GOOD_BODY = (
    f'<Cancellation xmlns="{PLAZA_NS}"><DateTime>2026-11-28T10:00:00.000+01:00</DateTime>'
    "<ReasonCode>OUT_OF_STOCK</ReasonCode></Cancellation>"
).encode()


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("no-headers", "41102"),
        ("stale-date", "41102"),
        ("future-date", "41102"),
        ("not-rfc1123", "41102"),
        ("unknown-key", "41101"),
        ("bad-signature", "41103"),
        ("signed-query", "41103"),
        ("other-content-type", "41103"),
        ("inactive-seller", "41104"),
    ],
)
def test_each_401(serve: Callable[..., Any], case: str, code: str) -> None:
    inactive = Seller("inactive-public", "inactive-private", active=False)
    sim = serve(Scenario(sellers=(Seller(DEMO_PUBLIC_KEY, DEMO_PRIVATE_KEY), inactive)))
    path = "/services/rest/orders/v2"
    headers = _signed("GET", path)
    if case == "no-headers":
        headers = {"Content-Type": "application/xml"}
    elif case == "stale-date":
        headers = _signed("GET", path, datetime.now(UTC) - timedelta(minutes=16))
    elif case == "future-date":
        headers = _signed("GET", path, datetime.now(UTC) + timedelta(minutes=16))
    elif case == "not-rfc1123":
        headers["X-BOL-Date"] = NOW.isoformat()
    elif case == "unknown-key":
        headers = _signed("GET", path, keys=ApiKeys("nobody", DEMO_PRIVATE_KEY))
    elif case == "bad-signature":
        headers = _signed("GET", path, keys=ApiKeys(DEMO_PUBLIC_KEY, "wrong"))
    elif case == "signed-query":
        headers = _signed("GET", path + "?page=2")
        path = path + "?page=2"
        headers["X-BOL-Authorization"] = (
            headers["X-BOL-Authorization"].split(":")[0]
            + ":"
            + (
                __import__("bulkcancel.plaza.signing", fromlist=["signature"]).signature(
                    DEMO_PRIVATE_KEY, "GET", "application/xml", headers["X-BOL-Date"], path
                )
            )
        )
    elif case == "other-content-type":
        headers["Content-Type"] = "application/xml; charset=UTF-8"
    elif case == "inactive-seller":
        headers = _signed("GET", path, keys=ApiKeys("inactive-public", "inactive-private"))
    response = _raw(sim.url, "GET", path, headers)
    assert response.status_code == 401
    assert f"<errorCode>{code}</errorCode>" in response.text
    assert f"BOL-ERROR [PAI-{code}]" in response.text


def test_query_string_is_accepted_when_only_the_path_is_signed(serve: Callable[..., Any]) -> None:
    sim = serve()
    headers = _signed("GET", "/services/rest/orders/v2")
    response = _raw(sim.url, "GET", "/services/rest/orders/v2?page=2&fulfilment-method=FBB", headers)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (b"<Cancellation", "41100", "not well-formed"),
        (
            GOOD_BODY.replace(PLAZA_NS.encode(), b"https://example.invalid/ns"),
            "41201",
            "Cancellation",
        ),
        (GOOD_BODY.replace(b"<ReasonCode>OUT_OF_STOCK</ReasonCode>", b""), "41201", "ReasonCode"),
        (
            GOOD_BODY.replace(b"<DateTime>2026-11-28T10:00:00.000+01:00</DateTime>", b""),
            "41201",
            "DateTime",
        ),
        (GOOD_BODY.replace(b"OUT_OF_STOCK", b"NOT_AVAILABLE_IN_TIME"), "41100", "enumeration"),
        (GOOD_BODY.replace(b"2026-11-28T10:00:00.000+01:00", b"28-11-2026"), "41100", "dateTime"),
        (b'<!DOCTYPE x [<!ENTITY e "e">]>' + GOOD_BODY, "41100", "DOCTYPE"),
    ],
    ids=[
        "malformed",
        "wrong-namespace",
        "missing-reason",
        "missing-datetime",
        "unknown-reason",
        "bad-datetime",
        "doctype",
    ],
)
def test_each_400(serve: Callable[..., Any], body: bytes, code: str, words: str) -> None:
    sim = serve()
    path = CANCEL.format("2012345678")
    response = _raw(sim.url, "PUT", path, _signed("PUT", path), body)
    assert response.status_code == 400
    assert f"<errorCode>{code}</errorCode>" in response.text
    assert words in response.text
    assert sim.app.state.effective_cancellations() == {}


def test_child_order_matters(serve: Callable[..., Any]) -> None:
    sim = serve()
    path = CANCEL.format("2012345678")
    swapped = (
        f'<Cancellation xmlns="{PLAZA_NS}"><ReasonCode>OUT_OF_STOCK</ReasonCode>'
        "<DateTime>2026-11-28T10:00:00.000+01:00</DateTime></Cancellation>"
    ).encode()
    assert _raw(sim.url, "PUT", path, _signed("PUT", path), swapped).status_code == 400
    assert _raw(sim.url, "PUT", path, _signed("PUT", path), GOOD_BODY).status_code == 200


def test_409_after_the_daily_limit(serve: Callable[..., Any]) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0, daily_limit=3))

    async def go() -> list[Any]:
        async with PlazaClient(sim.url, KEYS) as client:
            return [await client.cancel(str(2012345600 + n), ReasonCode.OTHER, NOW) for n in range(5)]

    replies = run(go())
    assert [r.http_status for r in replies] == [200, 200, 200, 409, 409]
    assert replies[3].error.is_rate_limit
    assert replies[3].error.message == "BOL-ERROR [PAI-41501] = Too many requests"
    assert sum(sim.app.state.effective_cancellations().values()) == 3


def test_process_status_polls_past_the_hourly_limit_are_refused(serve: Callable[..., Any]) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0, status_per_hour=2))

    async def go() -> list[Any]:
        async with PlazaClient(sim.url, KEYS) as client:
            accepted = await client.cancel("2012345678", ReasonCode.OTHER, NOW)
            assert accepted.process_status is not None
            return [await client.process_status(accepted.process_status.id) for _ in range(3)]

    replies = run(go())
    assert [r.http_status for r in replies[:2]] == [200, 200]
    assert replies[2].error is not None and replies[2].error.is_rate_limit


def test_simulate_takes_the_hourly_status_limit_from_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long benchmark on one simulator raises it (benchmarks/common.py); bol's 50,000 by default."""
    from click.testing import CliRunner

    from bulkcancel.cli import cli

    configs: list[SimulatorConfig] = []
    monkeypatch.setattr("bulkcancel.simulator.serve.serve", lambda *args, **_: configs.append(args[3]))
    assert CliRunner().invoke(cli, ["simulate", "--status-limit", "7"]).exit_code == 0
    assert CliRunner().invoke(cli, ["simulate"]).exit_code == 0
    assert [c.status_per_hour for c in configs] == [7, 50_000]


def test_5xx_when_asked(serve: Callable[..., Any]) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0, fail_rate=1.0, seed=1))

    async def go() -> Any:
        async with PlazaClient(sim.url, KEYS) as client:
            return await client.cancel("2012345678", ReasonCode.OTHER, NOW)

    reply = run(go())
    assert reply.http_status in (500, 503)
    assert reply.error.code == "41000"
    assert sim.app.state.effective_cancellations() == {}  # a fault before the effect


def test_dropped_connection_after_the_effect(serve: Callable[..., Any]) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0, drop_rate=1.0, seed=1))

    async def go() -> None:
        async with PlazaClient(sim.url, KEYS) as client:
            await client.cancel("2012345678", ReasonCode.OTHER, NOW)

    with pytest.raises(NetworkError) as caught:
        run(go())
    assert caught.value.maybe_delivered
    assert sim.app.state.effective_cancellations()["2012345678"] == 1  # the answer lost, not the effect


def test_connection_refused_is_not_delivered() -> None:
    from bulkcancel.simulator.server import free_port

    async def go() -> None:
        async with PlazaClient(f"http://127.0.0.1:{free_port()}", KEYS, timeout=2) as client:
            await client.cancel("2012345678", ReasonCode.OTHER, NOW)

    with pytest.raises(NetworkError) as caught:
        run(go())
    assert not caught.value.maybe_delivered


def test_orders_paging_and_fulfilment_filter(serve: Callable[..., Any]) -> None:
    items = {
        str(2012340000 + n): ScenarioItem(id=str(2012340000 + n), order_id=str(4000 + n), cancel_request=n % 2 == 0)
        for n in range(60)
    }
    items["2012349999"] = ScenarioItem(id="2012349999", order_id="4999", fulfilment="FBB")
    items["2012348888"] = ScenarioItem(id="2012348888", order_id="4888", state="shipped")
    sim = serve(Scenario(items=items))

    async def go() -> tuple[list[list[Any]], list[Any]]:
        async with PlazaClient(sim.url, KEYS) as client:
            pages = [list((await client.open_orders(page, "FBR")).items) for page in (1, 2, 3, 4)]
            fbb = list((await client.open_orders(1, "FBB")).items)
            return pages, fbb

    pages, fbb = run(go())
    assert [len(p) for p in pages] == [25, 25, 10, 0]
    ids = {item.order_item_id for page in pages for item in page}
    assert len(ids) == 60 and "2012348888" not in ids
    assert sum(item.cancel_request for page in pages for item in page) == 30
    assert [item.order_item_id for item in fbb] == ["2012349999"]


def test_orders_rate_limit(serve: Callable[..., Any]) -> None:
    sim = serve(config=SimulatorConfig(settle_seconds=0, orders_per_hour=2))

    async def go() -> list[int]:
        async with PlazaClient(sim.url, KEYS) as client:
            return [(await client.open_orders(1)).http_status for _ in range(3)]

    assert run(go()) == [200, 200, 409]


def test_every_retry_is_signed_afresh(serve: Callable[..., Any]) -> None:
    sim = serve()
    dates = iter([datetime.now(UTC) - timedelta(minutes=20), datetime.now(UTC)])

    async def go() -> list[int]:
        async with PlazaClient(sim.url, KEYS, clock=lambda: next(dates)) as client:
            first = await client.cancel("2012345678", ReasonCode.OTHER, NOW)
            second = await client.cancel("2012345678", ReasonCode.OTHER, NOW)
            return [first.http_status, second.http_status]

    assert run(go()) == [401, 200]


def test_scenario_files_in_json_and_yaml(tmp_path: Any) -> None:
    from bulkcancel.errors import ConfigError
    from bulkcancel.simulator import load_scenario

    (tmp_path / "s.yaml").write_text(
        "default: unknown\nitems:\n  - {id: '2012345678', state: shipped, cancel_request: true}\n"
    )
    (tmp_path / "s.json").write_text('{"items": [{"id": 2012345679, "state": "cancelled"}]}')
    yaml_scenario = load_scenario(tmp_path / "s.yaml")
    assert yaml_scenario.default == "unknown"
    assert yaml_scenario.items["2012345678"].state == "shipped"
    assert yaml_scenario.items["2012345678"].cancel_request
    assert load_scenario(tmp_path / "s.json").items["2012345679"].state == "cancelled"
    (tmp_path / "bad.json").write_text('{"items": [{"id": 1, "state": "lost"}]}')
    with pytest.raises(ConfigError, match="state 'lost' is not one of"):
        load_scenario(tmp_path / "bad.json")
