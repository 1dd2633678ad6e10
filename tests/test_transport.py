"""The aiohttp transport used the httpx way: an ``httpx.AsyncClient`` on top of it works."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bulkcancel.plaza.safexml import MAX_XML_BYTES
from bulkcancel.plaza.transport import AiohttpTransport
from bulkcancel.simulator.server import free_port


def test_an_httpx_client_on_the_aiohttp_transport(serve: Callable[..., Any]) -> None:
    sim = serve()

    async def main() -> tuple[int, dict[str, Any], str]:
        transport = AiohttpTransport(4, MAX_XML_BYTES)
        async with httpx.AsyncClient(transport=transport, base_url=sim.url) as client:
            reply = await client.get("/_simulator/ledger")
            signed = await client.get("/services/rest/process-status/v2/1")  # unsigned: bol's 401
            return reply.status_code, reply.json(), signed.text

    status, ledger, unsigned = asyncio.run(main())
    assert status == 200 and "ledger" in ledger
    assert "41101" in unsigned or "41102" in unsigned or "41103" in unsigned


def test_nobody_listening_is_an_httpx_connect_error() -> None:
    async def main() -> None:
        transport = AiohttpTransport(1, MAX_XML_BYTES)
        async with httpx.AsyncClient(transport=transport) as client:
            await client.get(f"http://127.0.0.1:{free_port()}/")

    with pytest.raises(httpx.ConnectError):
        asyncio.run(main())
