"""The one HTTP exchange: aiohttp's pool against a real server, httpx transports in-process."""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from bulkcancel.backend import NetworkError
from bulkcancel.safexml import MAX_XML_BYTES
from bulkcancel.transport import AiohttpExchange, Answer, HttpxExchange, Timeouts, connection_refused, retry_after
from tests.loopback import ResetOnReuse, Trickle, refused_port


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


@pytest.mark.parametrize(("method", "body"), [("GET", None), ("PUT", b"<x/>")])
def test_nobody_listening_never_left_the_machine_and_names_the_server(method: str, body: bytes | None) -> None:
    url = f"http://127.0.0.1:{refused_port()}"

    async def main() -> None:
        exchange = AiohttpExchange(1, MAX_XML_BYTES, Timeouts())
        try:
            await exchange.exchange(method, f"{url}/x", {}, body)
        finally:
            await exchange.aclose()

    with pytest.raises(NetworkError) as failed:
        asyncio.run(main())
    assert failed.value.maybe_delivered is False  # nothing reached a server: safe to send again
    assert url in str(failed.value) and "/x" not in str(failed.value)  # the server, never the path


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


def test_no_request_is_resent_behind_the_senders_back() -> None:
    """aiohttp resends an idempotent request (PUT) once when a reused connection fails after
    the request was written. A cancellation must reach the wire only when the sender says so."""
    with ResetOnReuse() as server:

        async def main() -> tuple[Answer, NetworkError | None]:
            exchange = AiohttpExchange(1, MAX_XML_BYTES, Timeouts())
            try:
                first = await exchange.exchange("PUT", f"{server.url}/a", {}, b"<x/>")
                try:
                    await exchange.exchange("PUT", f"{server.url}/b", {}, b"<x/>")
                except NetworkError as lost:
                    return first, lost
                return first, None
            finally:
                await exchange.aclose()

        first, lost = asyncio.run(main())
    assert first.status == 404
    assert lost is not None and lost.maybe_delivered  # the answer was lost after the request arrived
    assert len(server.requests) == 2  # the second PUT reached the server once, not twice


@pytest.mark.parametrize("exchange_kind", ["aiohttp", "httpx"])
def test_a_trickling_server_meets_the_total_deadline(exchange_kind: str) -> None:
    with Trickle(pause=0.05) as server:

        async def main() -> None:
            timeouts = Timeouts(connect=1.0, read=5.0, total=0.3)  # each byte comes well within the read timeout
            exchange: AiohttpExchange | HttpxExchange = (
                AiohttpExchange(1, MAX_XML_BYTES, timeouts)
                if exchange_kind == "aiohttp"
                else HttpxExchange(httpx.AsyncHTTPTransport(), MAX_XML_BYTES, timeouts)
            )
            try:
                await exchange.exchange("PUT", f"{server.url}/slow", {}, b"<x/>")
            finally:
                await exchange.aclose()

        with pytest.raises(NetworkError) as failed:
            asyncio.run(main())
    assert failed.value.maybe_delivered  # the request was read: bol may have acted
    assert "in time" in str(failed.value)


@pytest.mark.parametrize(
    ("error", "refused"),
    [
        (ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed ('127.0.0.1', 9)"), True),
        # every address of the host refused: one OSError carrying the shared errno
        (
            OSError(errno.ECONNREFUSED, "Multiple exceptions: [Errno 111] Connect call failed ('::1', 9, 0, 0), ..."),
            True,
        ),
        # addresses failed differently: no errno, and the words inside decide nothing
        (OSError("Multiple exceptions: [Errno 111] Connect call failed ('127.0.0.1', 9), [Errno 99] ..."), False),
        (OSError(errno.ENETUNREACH, "Network is unreachable"), False),
    ],
)
def test_refused_is_decided_on_the_error_number_not_its_text(error: OSError, refused: bool) -> None:
    assert connection_refused(error) is refused


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert retry_after({"retry-after": "4"}, now) == 4.0
    assert retry_after({"retry-after": "Wed, 02 Dec 2026 10:00:09 GMT"}, now) == 9.0
    assert retry_after({"retry-after": "Wed, 02 Dec 2026 09:00:00 GMT"}, now) == 0.0
    assert retry_after({"retry-after": "soon"}, now) is None
    assert retry_after({}, now) is None
