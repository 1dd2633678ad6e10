"""What the open orders tell about each item, in both simulators and clients (real HTTP on loopback).

The stock-out sheet and the cancellation norm need, per order item: EAN, title, quantities
(shipped, cancelled), order time, the promised delivery date (exact, else latest), expiry and
who delivers. The Retailer API's list gives quantities only; its order detail gives the rest.
Plaza's open-orders list gives LatestDeliveryDate and the title.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bulkcancel.backend import DistributionParty, OpenOrderItem
from bulkcancel.errors import ConfigError
from bulkcancel.plaza.client import PlazaClient
from bulkcancel.plaza.signing import DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, ApiKeys
from bulkcancel.retailer.client import RetailerClient
from bulkcancel.retailer.documents import UnreadableAnswer, parse_order
from bulkcancel.retailer.environments import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, ClientCredentials, resolve_target
from bulkcancel.simulator.scenario import Scenario, ScenarioItem, scenario_from_dict

ITEMS = [
    {
        "id": "2000000001", "order_id": "4000000001", "ean": "8712345600001", "title": "Wandklok",
        "quantity": 3, "quantity_shipped": 1, "placed": "2026-11-30T09:00:00+01:00",
        "exact_delivery": "2026-12-02", "expiry": "2026-12-05",
    },
    {
        "id": "2000000002", "order_id": "4000000001", "ean": "8712345600002", "title": "Bureaulamp",
        "placed": "2026-11-30T09:00:00+01:00", "cancel_request": True,
    },
    {
        "id": "2000000003", "order_id": "4000000003", "ean": "8712345600001", "title": "Wandklok",
        "placed": "2026-11-29T20:00:00+01:00", "distribution": "BOL", "latest_delivery": "2026-12-03",
    },
    {"id": "2000000004", "order_id": "4000000004", "state": "shipped", "placed": "2026-11-28T08:00:00+01:00"},
    {"id": "2000000005", "order_id": "4000000005", "fulfilment": "FBB", "placed": "2026-11-28T08:00:00+01:00"},
    {"id": "2000000006", "order_id": "4000000006", "latest_delivery": None, "placed": "2026-11-28T08:00:00+01:00"},
]  # fmt: skip


def scenario() -> Scenario:
    return scenario_from_dict({"items": json.loads(json.dumps(ITEMS))})


def test_scenario_defaults_and_refusals() -> None:
    items = scenario().items
    assert items["2000000001"].promised == "2026-12-02" and items["2000000001"].latest_delivery == ""
    assert items["2000000002"].latest_delivery == "2026-12-02"  # two days after the order
    assert items["2000000002"].expiry == "2026-12-05"  # three days after the promised date
    assert items["2000000005"].distribution == "BOL" and items["2000000003"].distribution == "BOL"
    assert items["2000000002"].distribution == "RETAILER"
    assert items["2000000006"].promised == "" and items["2000000006"].expiry == ""
    assert items["2000000004"].shipped == 1 and items["2000000001"].shipped == 1
    assert ScenarioItem(id="1", state="cancelled", quantity=3, quantity_shipped=1).cancelled == 2
    for bad, why in (
        ({"latest_delivery": "2-12-2026"}, "not a date"),
        ({"distribution": "POSTNL"}, "distribution"),
        ({"quantity": 2, "quantity_shipped": 2, "quantity_cancelled": 1}, "more units"),
        ({"quantity": "two"}, "whole numbers"),
        ({"placed": "yesterday"}, "placed"),
    ):
        with pytest.raises(ConfigError, match=why):
            scenario_from_dict({"items": [{"id": "1", **bad}]})


def retailer(url: str) -> RetailerClient:
    return RetailerClient(resolve_target(None, url), ClientCredentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET))


def test_retailer_list_has_quantities_and_the_detail_the_rest(serve_retailer: Callable[..., Any]) -> None:
    sim = serve_retailer(scenario())

    async def go() -> tuple[list[OpenOrderItem], list[OpenOrderItem], list[OpenOrderItem], Any]:
        async with retailer(sim.url) as client:
            page = await client.open_orders(1, "ALL")
            first = await client.order_detail("4000000001")
            bol = await client.order_detail("4000000003")
            missing = await client.order_detail("4999999999")
            return list(page.items), list(first.items), list(bol.items), missing

    listed, first, bol, missing = asyncio.run(go())
    by_id = {item.order_item_id: item for item in listed}
    assert "2000000004" not in by_id  # shipped: not open
    assert by_id["2000000001"].quantity == 3 and by_id["2000000001"].quantity_shipped == 1
    assert by_id["2000000001"].open_quantity == 2
    assert by_id["2000000001"].promised_delivery is None and by_id["2000000001"].title == ""  # the list has neither
    assert by_id["2000000005"].fulfilment_method == "FBB"
    clock, lamp = first
    assert (clock.order_item_id, clock.ean, clock.title) == ("2000000001", "8712345600001", "Wandklok")
    assert clock.exact_delivery_date == date(2026, 12, 2) and clock.latest_delivery_date is None
    assert clock.promised_delivery == date(2026, 12, 2) and clock.expiry_date == date(2026, 12, 5)
    assert clock.distribution_party is DistributionParty.RETAILER and clock.open_quantity == 2
    assert clock.date_time_customer == "2026-11-30T09:00:00+01:00"
    assert lamp.cancel_request and lamp.latest_delivery_date == date(2026, 12, 2)
    assert bol[0].distribution_party is DistributionParty.BOL
    assert missing.http_status == 404 and missing.error is not None
    counts = sim.app.state.counts
    assert counts.orders_requests == 1 and counts.order_requests == 3


def test_order_detail_has_its_own_budget(serve_retailer: Callable[..., Any]) -> None:
    sim = serve_retailer(scenario())

    async def go() -> dict[str, str]:
        async with retailer(sim.url) as client:
            await client.order_detail("4000000001")
            await client.open_orders(1, "ALL")
            return {name: str(pacer.limit) for name, pacer in client.pacers.items()}

    assert asyncio.run(go()) == {"order": "25", "orders": "25"}


def test_an_order_detail_that_is_not_bols_shape_is_unreadable() -> None:
    with pytest.raises(UnreadableAnswer):
        parse_order(b'{"orderItems": []}')
    with pytest.raises(UnreadableAnswer, match="not a date"):
        parse_order(b'{"orderId": "1", "orderItems": [{"orderItemId": "2", "fulfilment": {"expiryDate": "soon"}}]}')
    with pytest.raises(UnreadableAnswer, match="distributionParty"):
        parse_order(b'{"orderId": "1", "orderItems": [{"orderItemId": "2", "fulfilment": {"distributionParty": "X"}}]}')


def test_plaza_lists_the_latest_delivery_date_and_gives_one_order(serve: Callable[..., Any]) -> None:
    sim = serve(scenario())
    keys = ApiKeys(DEMO_PUBLIC_KEY, DEMO_PRIVATE_KEY)

    async def go() -> tuple[list[OpenOrderItem], list[OpenOrderItem], list[OpenOrderItem]]:
        async with PlazaClient(sim.url, keys) as client:
            page = await client.open_orders(1, "FBR")
            one = await client.order_detail("4000000003")
            none = await client.order_detail("4000000004")  # shipped: no open item
            return list(page.items), list(one.items), list(none.items)

    listed, one, none = asyncio.run(go())
    by_id = {item.order_item_id: item for item in listed}
    assert set(by_id) == {"2000000001", "2000000002", "2000000003", "2000000006"}
    assert by_id["2000000001"].latest_delivery_date == date(2026, 12, 2)  # Plaza has one date: the promised one
    assert by_id["2000000002"].title == "Bureaulamp" and by_id["2000000002"].cancel_request
    assert by_id["2000000006"].promised_delivery is None
    assert [item.order_item_id for item in one] == ["2000000003"] and none == []
