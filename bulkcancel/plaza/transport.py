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

import aiohttp
import httpx

_DROP_HEADERS = {"content-length", "transfer-encoding", "host", "connection", "accept-encoding"}


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Send httpx requests through one aiohttp ClientSession (created on first use)."""

    def __init__(self, max_connections: int, max_body: int) -> None:
        self._limit = max_connections
        self._max_body = max_body
        self._session: aiohttp.ClientSession | None = None

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
        timeouts = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=timeouts.get("connect"), sock_read=timeouts.get("read")
        )
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROP_HEADERS}
        headers["Accept-Encoding"] = "identity"
        body = await request.aread()
        try:
            async with self._open().request(
                request.method,
                str(request.url),
                headers=headers,
                data=body or None,
                allow_redirects=False,
                timeout=timeout,
            ) as response:
                data = await self._read(response)
                return httpx.Response(
                    response.status,
                    headers=list(response.raw_headers),
                    stream=httpx.ByteStream(data),
                    request=request,
                )
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
