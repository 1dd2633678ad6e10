"""An httpx transport on aiohttp's connection pool, so the client keeps httpx's interface.

Why: httpcore's pool walks every connection (and asks anyio for socket details) each time a
request starts or ends, so at 16-64 connections a plain ``httpx.AsyncClient`` spends
milliseconds of CPU per request and cannot keep the pipe full (benchmarks/bench_run.py;
the closing note of the speed issue has the profile). aiohttp's pool does not. Errors are
mapped so the caller can still tell "never left" (ConnectError, ConnectTimeout) from "may
have reached bol" (ReadTimeout, RemoteProtocolError, ReadError). Bodies are read up to a
cap, so a runaway reply cannot fill memory.
"""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
import httpx

_DROP_HEADERS = {"content-length", "transfer-encoding", "host", "connection", "accept-encoding"}


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Send httpx requests through one aiohttp ClientSession (created on first use)."""

    def __init__(self, max_connections: int, max_body: int) -> None:
        self._limit = max_connections
        self._max_body = max_body
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[tuple[float | None, float | None], aiohttp.ClientTimeout] = {}

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._limit, limit_per_host=self._limit)
            self._session = aiohttp.ClientSession(
                connector=connector,
                trust_env=False,
                auto_decompress=False,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROP_HEADERS}
        body = await request.aread()
        status, raw_headers, data = await self._send(
            request.method, str(request.url), headers, body, request.extensions.get("timeout", {}), request
        )
        return httpx.Response(status, headers=raw_headers, stream=httpx.ByteStream(data), request=request)

    async def exchange(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None, timeouts: Mapping[str, float]
    ) -> tuple[int, bytes]:
        """The same exchange without building httpx Request and Response objects: the
        client's hot path (they cost about a fifth of the CPU of a request)."""
        status, _, data = await self._send(method, url, headers, body, timeouts, None)
        return status, data

    def _timeout(self, timeouts: Mapping[str, float]) -> aiohttp.ClientTimeout:
        key = (timeouts.get("connect"), timeouts.get("read"))
        timeout = self._timeouts.get(key)
        if timeout is None:
            timeout = self._timeouts[key] = aiohttp.ClientTimeout(total=None, sock_connect=key[0], sock_read=key[1])
        return timeout

    async def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | None,
        timeouts: Mapping[str, float],
        request: httpx.Request | None,
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        headers["Accept-Encoding"] = "identity"
        try:
            async with self._open().request(
                method,
                url,
                headers=headers,
                data=body or None,
                allow_redirects=False,
                timeout=self._timeout(timeouts),
            ) as response:
                data = await self._read(response)
                return response.status, list(response.raw_headers), data
        except aiohttp.ConnectionTimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc), request=request) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except (TimeoutError, aiohttp.SocketTimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
        except aiohttp.ClientPayloadError as exc:
            raise httpx.ReadError(str(exc), request=request) from exc
        except (
            aiohttp.ServerDisconnectedError,
            aiohttp.ClientOSError,
            aiohttp.ClientResponseError,
        ) as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx.TransportError(str(exc), request=request) from exc

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        length = response.content_length
        if length is not None and length <= self._max_body:
            return await response.read()  # small and announced: one read
        data = bytearray()
        async for chunk in response.content.iter_chunked(65536):
            data.extend(chunk)
            if len(data) > self._max_body:
                response.close()  # stop reading a runaway body; the parser refuses it
                break
        return bytes(data)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
