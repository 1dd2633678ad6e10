"""The one HTTP exchange: aiohttp's pool against a real server, httpx transports in-process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bulkcancel.backend import NetworkError
from bulkcancel.safexml import MAX_XML_BYTES
from bulkcancel.simulator.server import free_port
from bulkcancel.transport import AiohttpExchange, Answer, HttpxExchange, Timeouts


def test_aiohttp_exchange_against_the_simulator(serve: Callable[..., Any]) -> None:
    sim = serve()

    async def main() -> tuple[Answer, Answer]:
        exchange = AiohttpExchange(4, MAX_XML_BYTES, Timeouts())
        try:
            ledger = await exchange.exchange("GET", f"{sim.url}/_simulator/ledger", {}, None)
            unsigned = await exchange.exchange("GET", f"{sim.url}/services/rest/process-status/v2/1", {}, None)
            return ledger, unsigned
        finally:
            await exchange.aclose()

    ledger, unsigned = asyncio.run(main())
    assert ledger.status == 200 and b"ledger" in ledger.body
    assert ledger.headers["content-type"].startswith("application/json")  # headers are case-insensitive
    assert unsigned.status == 401 and b"4110" in unsigned.body


def test_nobody_listening_never_left_the_machine() -> None:
    async def main() -> None:
        exchange = AiohttpExchange(1, MAX_XML_BYTES, Timeouts())
        try:
            await exchange.exchange("GET", f"http://127.0.0.1:{free_port()}/", {}, None)
        finally:
            await exchange.aclose()

    with pytest.raises(NetworkError) as failed:
        asyncio.run(main())
    assert failed.value.maybe_delivered is False
    assert "could not connect" in str(failed.value)


@pytest.mark.parametrize(
    ("error", "maybe_delivered"),
    [
        (httpx.ConnectError("refused"), False),
        (httpx.ConnectTimeout("slow"), False),
        (httpx.ReadTimeout("slow"), True),
        (httpx.RemoteProtocolError("reset"), True),
        (httpx.ReadError("reset"), True),
    ],
)
def test_httpx_errors_are_translated_once(error: httpx.TransportError, maybe_delivered: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    async def main() -> None:
        exchange = HttpxExchange(httpx.MockTransport(handler), MAX_XML_BYTES)
        await exchange.exchange("PUT", "https://plazaapi.bol.com/x", {}, b"<x/>")

    with pytest.raises(NetworkError) as failed:
        asyncio.run(main())
    assert failed.value.maybe_delivered is maybe_delivered


def test_bodies_are_read_up_to_the_cap() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 100_000)

    async def main() -> Answer:
        return await HttpxExchange(httpx.MockTransport(handler), 1000).exchange("GET", "https://h/", {}, None)

    answer = asyncio.run(main())
    assert len(answer.body) == 1001  # one byte over: the parser refuses it as too long
