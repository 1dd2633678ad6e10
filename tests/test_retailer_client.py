"""The Retailer API v10 client against its simulator on loopback: tokens, pacing, answers.

Real HTTP on 127.0.0.1 (uvicorn), the real client (aiohttp). Each test pins one rule of
docs/bol-apis.md ("Retailer API v10"): one token for every concurrent request, refreshed
once; a 401 "Expired JWT" renewed once for all; 429s paced away; Problems of every shape
read into one line; bulk status polls with ids left out.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from bulkcancel.backend import NetworkError, ProcessState
from bulkcancel.reasons import ReasonCode
from bulkcancel.retailer.client import RetailerClient, demo_path
from bulkcancel.retailer.documents import (
    UnreadableAnswer,
    is_expired_token,
    parse_orders,
    parse_problem,
    parse_process_status,
    parse_token,
)
from bulkcancel.retailer.environments import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    ClientCredentials,
    resolve_target,
)
from bulkcancel.simulator.retailer import RetailerConfig, RetailerSimulator
from bulkcancel.simulator.retailer.config import DEFAULT_LIMITS, Limit
from bulkcancel.simulator.scenario import Scenario, ScenarioItem
from bulkcancel.simulator.server import ServedSimulator
from bulkcancel.targets import Environment
from bulkcancel.transport import HttpxExchange, Timeouts
from tests.clocks import RunClock, on_clock

CREDENTIALS = ClientCredentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
WHEN = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def client_for(url: str, **kwargs: Any) -> RetailerClient:
    return RetailerClient(resolve_target(None, url), CREDENTIALS, **kwargs)


def limits(**groups: str) -> dict[str, Limit]:
    chosen = dict(DEFAULT_LIMITS)
    chosen.update({group.replace("_", "-"): Limit.parse(value) for group, value in groups.items()})
    return chosen


async def cancel_all(client: RetailerClient, ids: list[str]) -> list[Any]:
    return list(await asyncio.gather(*(client.cancel(i, ReasonCode.OUT_OF_STOCK, WHEN) for i in ids)))


def ids(count: int, start: int = 2012340000) -> list[str]:
    return [str(start + n) for n in range(count)]


class FakeTime:
    """The client's clock and sleep: a sleep that ends moves the clock to its end, at once
    (sleepers side by side end together; one cut short moves nothing)."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        ends = self.now + max(seconds, 0.0)
        await asyncio.sleep(0)
        self.now = max(self.now, ends)


def test_one_token_for_every_concurrent_request(serve_retailer: Callable[..., Any]) -> None:
    # A budget the 40 never wait on (the default 25 a second held them most of a second): the token is the subject.
    sim = serve_retailer(config=RetailerConfig(settle_seconds=0, limits=limits(cancellation="1000/1")))

    async def go() -> list[Any]:
        async with client_for(sim.url) as client:
            replies = await cancel_all(client, ids(40))
            assert client.tokens.fetches == 1
            return replies

    replies = asyncio.run(go())
    assert {r.http_status for r in replies} == {202}
    assert sim.app.state.counts.token_requests == 1
    assert all(r.process_status.status is ProcessState.PENDING for r in replies)
    assert len({r.process_status.id for r in replies}) == 40  # fresh UUID-like strings


def test_the_token_request_carries_the_secret_in_the_basic_header_only() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": "t0k", "expires_in": 599, "token_type": "Bearer"})
        return httpx.Response(404, json={"title": "Not Found", "status": 404})

    async def go() -> None:
        exchange = HttpxExchange(httpx.MockTransport(handler), 1 << 20, Timeouts())
        async with client_for("http://127.0.0.1:9", exchange=exchange) as client:
            await client.probe("2012345678")

    asyncio.run(go())
    token, probe = seen
    assert token.method == "POST" and token.url.query == b""
    assert token.content == b"grant_type=client_credentials"
    assert base64.b64decode(token.headers["authorization"][6:]).decode() == f"{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}"
    assert DEMO_CLIENT_SECRET.encode() not in token.content
    assert probe.headers["authorization"] == "Bearer t0k"
    assert probe.headers["accept"] == "application/vnd.retailer.v10+json"
    assert "content-type" not in probe.headers  # no body, no Content-Type
    # The probe asks a question bol's spec answers 200 (never 404): this item's cancellations.
    assert probe.url.path == "/shared/process-status"
    assert dict(probe.url.params) == {"entity-id": "2012345678", "event-type": "CANCEL_ORDER"}


def test_a_short_lived_token_is_renewed_before_it_expires_not_after() -> None:
    """A 10 s token on one injected clock for client and server: renewed at 8 s (a fifth of its
    life before the end), so bol never answers Expired JWT, even with no clock skew allowed."""
    fake = FakeTime()
    sim = RetailerSimulator(config=RetailerConfig(settle_seconds=0, token_ttl=10, clock_skew=0), monotonic=fake.clock)
    with ServedSimulator(sim) as url:

        async def go() -> list[tuple[float, int]]:
            seen = []
            async with client_for(url, clock=fake.clock, sleep=fake.sleep) as client:
                for chunk, moment in enumerate((0.0, 7.99, 8.0, 10.5, 15.99, 17.99)):
                    fake.now = max(fake.now, moment)
                    replies = await cancel_all(client, ids(4, 2012340000 + chunk * 10))
                    assert {r.http_status for r in replies} == {202}, moment
                    seen.append((moment, sim.state.counts.token_requests))
            return seen

        seen = asyncio.run(go())
    assert sim.state.counts.expired_token_answers == 0
    # one token per lifetime: the first, a new one at 8 s, the next at 16 s (used from 17.99 s)
    assert seen == [(0.0, 1), (7.99, 1), (8.0, 2), (10.5, 2), (15.99, 2), (17.99, 3)]


def test_a_request_that_waited_for_the_budget_carries_a_token_taken_after_the_wait() -> None:
    """A 10 s token at 7.9 s, a status budget of one read per 5 s: the second read waits 5 s for
    the budget. It takes its token after the wait (renewed), never the one from before it, which
    has expired by then (an Expired JWT: a wasted request)."""
    fake = FakeTime()
    config = RetailerConfig(settle_seconds=0, token_ttl=10, clock_skew=0, limits=limits(process_status="1/5"))
    sim = RetailerSimulator(config=config, monotonic=fake.clock)
    with ServedSimulator(sim) as url:

        async def go() -> list[int]:
            async with client_for(url, clock=fake.clock, sleep=fake.sleep) as client:
                await client.cancel("2012340001", ReasonCode.OUT_OF_STOCK, WHEN)  # the token, at 0 s
                fake.now = 7.9
                replies = [await client.process_status(ps_id) for ps_id in ("x1", "x2")]
                assert fake.now >= 12.8  # the second waited for the budget
                return [reply.http_status for reply in replies]

        assert asyncio.run(go()) == [404, 404]
    counts = sim.state.counts
    assert (counts.expired_token_answers, counts.token_requests, sum(counts.rate_limited.values())) == (0, 2, 0)


def test_sixteen_requests_that_meet_an_expired_token_renew_it_once(serve_retailer: Callable[..., Any]) -> None:
    """The 401 storm that must not happen: every request in flight gets Expired JWT at once."""
    sim = serve_retailer(config=RetailerConfig(settle_seconds=0, clock_skew=0))

    async def go() -> list[Any]:
        async with client_for(sim.url, max_connections=16) as client:
            await client.probe("2012345678")  # the token is fetched
            with sim.app.state.lock:  # bol's clock says it ran out (the client thinks it has minutes)
                sim.app.state.tokens = {t: (c, time.monotonic() - 5) for t, (c, _) in sim.app.state.tokens.items()}
            replies = await cancel_all(client, ids(16))
            assert client.tokens.fetches == 2
            return replies

    replies = asyncio.run(go())
    assert {r.http_status for r in replies} == {202}
    # each request meets Expired JWT at most once; those let out after the renewal never do
    assert 1 <= sim.app.state.counts.expired_token_answers <= 16
    assert sim.app.state.counts.token_requests == 2
    assert len(sim.app.state.effective_cancellations()) == 16


def test_a_second_expired_answer_is_the_answer_not_a_loop(serve_retailer: Callable[..., Any]) -> None:
    """A server whose tokens always look expired (a skewed clock): one renewal, then the 401 comes back."""
    # The server's clock runs 2 s ahead: every 1 s token it gives looks expired when it comes back.
    sim = serve_retailer(config=RetailerConfig(settle_seconds=0, token_ttl=1, clock_skew=-2))

    async def go() -> Any:
        async with client_for(sim.url) as client:
            return await client.cancel("2012345678", ReasonCode.OUT_OF_STOCK, WHEN)

    reply = asyncio.run(go())
    assert reply.http_status == 401 and "JWT expired" in reply.error.message
    assert sim.app.state.counts.token_requests == 2
    assert sim.app.state.effective_cancellations() == {}


def test_credentials_bol_refuses_come_back_as_one_401_that_says_which(serve_retailer: Callable[..., Any]) -> None:
    sim = serve_retailer()

    async def go() -> Any:
        target = resolve_target(None, sim.url)
        async with RetailerClient(target, ClientCredentials("someone", "wrong-secret")) as client:
            return await client.cancel("2012345678", ReasonCode.OUT_OF_STOCK, WHEN)

    reply = asyncio.run(go())
    assert reply.http_status == 401
    assert "refused the client id and secret" in reply.error.message and "BOL_CLIENT_ID" in reply.error.message
    assert "wrong-secret" not in reply.error.message
    assert sim.app.state.ledger == []  # the cancellation never left


@pytest.mark.parametrize(
    ("quirk", "words"),
    [
        ("empty-token", "no access_token"),
        ("unexpected-bearer", "not a bearer token"),
        ("expires-immediately", "expires at once"),
    ],
)
def test_an_unusable_token_stops_before_anything_is_sent(
    serve_retailer: Callable[..., Any], quirk: str, words: str
) -> None:
    sim = serve_retailer(config=RetailerConfig(token_quirk=quirk))

    async def go() -> Any:
        async with client_for(sim.url) as client:
            return await client.cancel("2012345678", ReasonCode.OUT_OF_STOCK, WHEN)

    reply = asyncio.run(go())
    assert reply.http_status == 401 and words in reply.error.message
    assert sim.app.state.ledger == []


def test_a_token_endpoint_that_cannot_be_reached_means_the_request_never_left(
    serve_retailer: Callable[..., Any],
) -> None:
    sim = serve_retailer()

    async def go() -> None:
        target = resolve_target(None, sim.url, "http://127.0.0.1:9/token")  # nobody listens on port 9
        async with RetailerClient(target, CREDENTIALS, timeout=3) as client:
            await client.cancel("2012345678", ReasonCode.OUT_OF_STOCK, WHEN)

    with pytest.raises(NetworkError) as caught:
        asyncio.run(go())
    assert caught.value.maybe_delivered is False and "no token" in str(caught.value)


def test_pacing_keeps_a_burst_under_the_limit_without_429s(monkeypatch: pytest.MonkeyPatch) -> None:
    """30 cancellations at once under 10 a second: the headers pace them, bol never says 429.
    The simulator's bucket (tests/test_retailer_simulator.py) admits 30 only over two refills,
    so no 429 is the proof that the client waited them out. The client and bol share a virtual
    clock (tests/clocks.py): the two seconds of refills pass in no wall time."""
    clock = RunClock()
    on_clock(clock, monkeypatch)  # counts the requests on the wire: time moves only between them
    config = RetailerConfig(settle_seconds=0, limits=limits(cancellation="10/1"))
    sim = RetailerSimulator(config=config, monotonic=clock)

    async def go(url: str) -> list[Any]:
        async with client_for(url, max_connections=16, clock=clock, sleep=clock.sleep) as client:
            return await cancel_all(client, ids(30))

    with ServedSimulator(sim) as url:
        replies = asyncio.run(go(url))
    assert {r.http_status for r in replies} == {202}
    assert sum(sim.state.counts.rate_limited.values()) == 0
    assert clock.now - 1000.0 >= 2.0  # the last 20 waited for two refills


@pytest.mark.parametrize(
    ("retry_after", "asked"),
    [
        ("integer", 1.0),  # Retry-After: 1
        ("decimal", 1.0),  # Retry-After: 0.50 is no HTTP value (whole seconds): the rate-limit reset (1 s)
        ("missing", 1.0),  # no Retry-After: the rate-limit reset (1 s)
    ],
)
def test_a_429_holds_every_request_of_its_endpoint(
    serve_retailer: Callable[..., Any], retry_after: str, asked: float
) -> None:
    """Another client spends the budget: the 429 empties it here too, with or without Retry-After,
    and no request of the endpoint goes out again before the wait it asked for."""
    sim = serve_retailer(
        config=RetailerConfig(
            settle_seconds=0, spent_by_others=1, spent_group="process-status", retry_after=retry_after
        )
    )
    fake = FakeTime()

    async def go() -> list[Any]:
        async with client_for(sim.url, clock=fake.clock, sleep=fake.sleep) as client:
            return list(await asyncio.gather(*(client.process_status(f"x{n}") for n in range(4))))

    replies = asyncio.run(go())
    assert {r.http_status for r in replies} == {404}  # read-only calls wait a 429 out themselves
    assert sim.app.state.counts.rate_limited["process-status"] == 1  # one 429, then the others waited too
    assert sim.app.state.counts.status_requests == 4  # answered; the 429 is counted apart
    assert fake.now == pytest.approx(asked)  # the wait the 429 asked for, once for all four


def test_bulk_status_leaves_out_ids_bol_no_longer_keeps(serve_retailer: Callable[..., Any]) -> None:
    sim = serve_retailer()

    async def go() -> tuple[list[str], Any]:
        async with client_for(sim.url) as client:
            replies = await cancel_all(client, ids(5))
            ps_ids = [r.process_status.id for r in replies]
            sim.app.state.forget(ps_ids[1])
            return ps_ids, await client.process_statuses([*ps_ids, "never-was"])

    ps_ids, answer = asyncio.run(go())
    assert answer.http_status == 200 and answer.error is None
    assert set(answer.statuses) == {ps_ids[0], *ps_ids[2:]}
    assert all(s.status is ProcessState.SUCCESS for s in answer.statuses.values())
    assert sim.app.state.counts.bulk_status_requests == 1


def test_order_pages_end_with_bols_empty_object(serve_retailer: Callable[..., Any]) -> None:
    items = {
        str(2012340000 + n): ScenarioItem(id=str(2012340000 + n), order_id=f"A{n:09d}", cancel_request=n % 7 == 0)
        for n in range(120)
    }
    sim = serve_retailer(Scenario(items=items))

    async def go() -> list[Any]:
        async with client_for(sim.url) as client:
            return [await client.open_orders(page, "ALL") for page in (1, 2, 3, 4)]

    pages = asyncio.run(go())
    assert [len(p.items) for p in pages] == [50, 50, 20, 0]
    found = {item.order_item_id: item for page in pages for item in page.items}
    assert len(found) == 120 and sum(item.cancel_request for item in found.values()) == 18


def test_the_test_environment_uses_bols_demo_paths() -> None:
    target = resolve_target(Environment.TEST, None)
    assert target.demo_paths and target.base_url == "https://api.bol.com"
    assert target.login_url == "https://login.bol.com/token" and not target.is_production
    assert demo_path("/retailer/orders/cancellation") == "/retailer-demo/orders/cancellation"
    assert demo_path("/shared/process-status/1") == "/shared-demo/process-status/1"
    production = resolve_target(Environment.PRODUCTION, None)
    assert production.is_production and not production.demo_paths
    assert resolve_target(None, "https://api.bol.com").is_production  # pointing at it is production too


def test_the_demo_endpoints_answer_bols_static_payloads(serve_retailer: Callable[..., Any]) -> None:
    sim = serve_retailer()

    async def go() -> tuple[Any, Any, Any]:
        target = resolve_target(None, sim.url)
        target = type(target)(**{**target.__dict__, "demo_paths": True})
        async with RetailerClient(target, CREDENTIALS) as client:
            cancel = await client.cancel("6107434013", ReasonCode.OUT_OF_STOCK, WHEN)
            bulk = await client.process_statuses(["1", "2", "3", "4", "5"])
            orders = await client.open_orders(1, "ALL")
            return cancel, bulk, orders

    cancel, bulk, orders = asyncio.run(go())
    assert cancel.http_status == 202 and cancel.process_status.id == "1"
    assert [s.status for s in bulk.statuses.values()] == [
        ProcessState.PENDING,
        ProcessState.SUCCESS,
        ProcessState.TIMEOUT,
        ProcessState.FAILURE,
    ]
    assert [i.order_item_id for i in orders.items] == ["6107434013", "6107331383"]
    assert sim.app.state.ledger == []  # the demo endpoints change nothing


# Answers of every shape, read without the server


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            400,
            b'{"type":"https://api.bol.com/problems","title":"Error validating request body.","status":400,'
            b'"detail":"Bad request","violations":[{"name":"orderItems[0].reasonCode","reason":"Request contains '
            b"invalid value(s): 'Unknown'\"}]}",
            "orderItems[0].reasonCode: Request contains invalid value(s): 'Unknown'",
        ),
        (
            404,
            b'{"type":"https://api.bol.com/problems","title":"Not Found","status":404,'
            b'"detail":"Order for order id 9999999999 not found.","host":"Instance-111"}',
            "Order for order id 9999999999 not found.",
        ),
        (429, b'{"title":"Too Many Requests","status":429}', "Too Many Requests"),
        (400, b'{"title":"Error validating request body.","status":400,"detail":"Bad request"}', "Error validating"),
        (500, b"<html><head><title>500 Internal Server Error</title></head></html>", "HTTP 500 Internal Server Error"),
        (503, b"", "HTTP 503 Service Unavailable"),
        (401, b'{"error":"invalid_client"}', "invalid_client"),
        (400, b"[1, 2]", "HTTP 400 Bad Request"),
        (
            400,
            b'{"violations":[{"name":"orderItems","reason":"Collection size must be between 1 and 1."}]}',
            "orderItems: Collection size",
        ),
    ],
)
def test_every_problem_shape_reads_as_one_line(status: int, body: bytes, expected: str) -> None:
    error = parse_problem(status, body)
    assert error.http_status == status and error.message.startswith(expected)
    assert "\n" not in error.message


def test_expired_jwt_is_told_apart_from_bad_credentials() -> None:
    expired = parse_problem(
        401, b'{"title":"Expired JWT","status":401,"detail":"JWT expired at 2023-03-16T12:53:03Z."}'
    )
    assert is_expired_token(expired)
    assert not is_expired_token(parse_problem(401, b'{"error":"invalid_client"}'))
    assert not is_expired_token(parse_problem(403, b'{"title":"Forbidden","status":403}'))


def test_a_process_status_without_links_or_entity_id_is_read() -> None:
    status = parse_process_status(
        b'{"processStatusId":"019bbcbc-1a21-77c9-9de6-0726d1379c91fff","status":"SUCCESS",'
        b'"eventType":"CANCEL_ORDER","createTimestamp":"2025-08-06T14:08:30.691614431+02:00"}'
    )
    assert status.id == "019bbcbc-1a21-77c9-9de6-0726d1379c91fff"  # the spec's own id: not a UUID, kept as is
    assert status.entity_id == "" and status.links == () and status.status is ProcessState.SUCCESS
    with pytest.raises(UnreadableAnswer):
        parse_process_status(b'{"status":"SUCCESS"}')
    with pytest.raises(UnreadableAnswer):
        parse_process_status(b'{"processStatusId":"1","status":"DONE"}')


def test_an_empty_orders_page_is_no_items_and_both_fulfilment_shapes_read() -> None:
    assert parse_orders(b"{}") == []
    items = parse_orders(
        b'{"orders":[{"orderId":"C000GUOJ8Q","orderPlacedDateTime":"2026-08-27T18:00:17+02:00","orderItems":['
        b'{"orderItemId":"9203065392","ean":"0000007740404","fulfilmentMethod":"FBB","quantity":1,'
        b'"cancellationRequest":true},'
        b'{"orderItemId":"9203065393","ean":"8720849300131","fulfilment":{"method":"FBR"},"quantity":2}]}]}'
    )
    assert [(i.order_item_id, i.fulfilment_method, i.cancel_request, i.ean) for i in items] == [
        ("9203065392", "FBB", True, "0000007740404"),
        ("9203065393", "FBR", False, "8720849300131"),
    ]


def test_token_answers_seen_live_and_broken_ones() -> None:
    live = parse_token(b'{"access_token":"eyJ","expires_in":599,"scope":"retailer","token_type":"Bearer"}')
    assert live.expires_in == 599 and "eyJ" not in repr(live)
    assert (
        parse_token(b'{"access_token":"eyJ","expires_in":299,"scope":"RETAILER","token_type":"bearer"}').expires_in
        == 299
    )
    for broken in (b'{"expires_in":599}', b'{"access_token":"x"}', b'{"access_token":"x","expires_in":0}', b"nope"):
        with pytest.raises(UnreadableAnswer):
            parse_token(broken)


@pytest.mark.parametrize(
    ("body", "bols"),
    [
        (
            b'{"type":"https://api.bol.com/problems","title":"Not Found","status":404,"detail":"Order for order id 9 not found."}',
            True,
        ),
        (b'{"title":"Too Many Requests","status":429,"detail":"Too many requests, retry in 4 seconds."}', True),
        (b'{"title": "Expired JWT", "status": 401}', True),
        (b'{"error": "invalid_client", "error_description": "Bad client credentials"}', True),  # the token endpoint
        (b'{"timestamp": "2026-12-05T10:00:00Z", "status": 404, "error": "Not Found", "path": "/x"}', False),  # Spring
        (b'{"status": 404}', False),
        (b'{"error": "not found", "code": 404}', False),
        (b"[]", False),
    ],
)
def test_a_problem_says_what_went_wrong_a_status_alone_is_any_frameworks_page(body: bytes, bols: bool) -> None:
    from bulkcancel.retailer.documents import is_problem

    assert is_problem(body) is bols
