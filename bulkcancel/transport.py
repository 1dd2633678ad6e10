"""One HTTP exchange for every API client: aiohttp's pool for servers, any httpx transport in-process.

Why aiohttp for real servers: httpcore's pool walks every connection (and asks anyio for
socket details) each time a request starts or ends, so at 16-64 connections a plain
``httpx.AsyncClient`` spends milliseconds of CPU per request and cannot keep the pipe full
(benchmarks/bench_run.py). aiohttp's pool does not. Why httpx transports too: the demo runs
the simulator in-process over ``httpx.ASGITransport`` and unit tests use
``httpx.MockTransport``. Both sides implement ``Exchange`` and translate their errors into
``NetworkError`` once, here, saying whether the request may have reached the server
("never left": connection refused, connect timeout; "may have arrived": everything after).
Bodies are read up to a cap (one byte more, so the parser can tell it was too long): a
runaway reply cannot fill memory.
"""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

import aiohttp

from bulkcancel.backend import NetworkError
from bulkcancel.i18n import Text

if TYPE_CHECKING:  # httpx only for the in-process transports (the demo, tests): tests/test_imports.py
    import httpx


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection, for each read, and for the whole exchange.

    The total deadline is what ends a server that trickles its answer a byte at a time:
    every read then succeeds in time and only the total runs out.
    """

    connect: float = 10.0
    read: float = 30.0
    total: float = 30.0

    @classmethod
    def of(cls, seconds: float) -> Timeouts:
        """``seconds`` for the whole exchange and for reads, at most 10 s of it for connecting."""
        return cls(connect=min(seconds, 10.0), read=seconds, total=seconds)


def origin_of(url: str) -> str:
    """``scheme://host:port`` of ``url``: what a message may show (no user, password or path)."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for, in seconds (delta-seconds or an HTTP date)."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, headers (case-insensitive) and body (capped)."""

    status: int
    headers: Mapping[str, str]
    body: bytes


def _never_left(url: str, reason: str) -> NetworkError:
    return NetworkError(
        Text("could not connect to {where} ({reason})", where=origin_of(url), reason=reason), maybe_delivered=False
    )


def _no_answer(url: str) -> NetworkError:
    return NetworkError(Text("no answer from {where} in time", where=origin_of(url)), maybe_delivered=True)


def _lost(url: str, exc: Exception) -> NetworkError:
    lost = Text("connection to {where} lost ({error})", where=origin_of(url), error=type(exc).__name__)
    return NetworkError(lost, maybe_delivered=True)


class Exchange(Protocol):
    """Sends one request and returns its answer, or raises NetworkError."""

    async def exchange(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Answer: ...

    async def aclose(self) -> None: ...


class _SentAnswerLost(aiohttp.ClientConnectionError):
    """A connection failed after the request was written: bol may have acted on it."""

    def __init__(self, cause: aiohttp.ClientError) -> None:
        super().__init__(str(cause))
        self.cause = cause


async def _no_silent_resend(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """Keep aiohttp from resending an idempotent request (PUT among them) on a new connection
    when a reused one fails after the request was written (RFC 9112 9.3.1 allows it; aiohttp
    does it for ``ClientOSError`` and ``ServerDisconnectedError``, with no public switch). A
    cancellation that bol applied would then go out twice without the sender or the journal
    knowing; the sender retries, journaled, itself. This client middleware (public API since
    aiohttp 3.12) hands those two errors back as one aiohttp does not resend; a connection
    never made (``ClientConnectorError``) passes unchanged: it never left.
    tests/test_transport.py proves it against a server that resets a reused connection."""
    try:
        return await handler(request)
    except aiohttp.ClientConnectorError:
        raise
    except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError) as exc:
        raise _SentAnswerLost(exc) from exc


def connection_refused(error: OSError) -> bool:
    """Whether nobody listened: ``ECONNREFUSED``, also when every address of the host refused."""
    return isinstance(error, ConnectionRefusedError) or error.errno == errno.ECONNREFUSED


class AiohttpExchange:
    """Requests through one aiohttp ClientSession (created on first use)."""

    def __init__(self, max_connections: int, max_body: int, timeouts: Timeouts) -> None:
        self._limit = max_connections
        self._max_body = max_body
        self._timeout = aiohttp.ClientTimeout(
            total=timeouts.total, sock_connect=timeouts.connect, sock_read=timeouts.read
        )
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._limit, limit_per_host=self._limit)
            self._session = aiohttp.ClientSession(
                connector=connector,
                trust_env=False,
                auto_decompress=False,
                cookie_jar=aiohttp.DummyCookieJar(),
                middlewares=(_no_silent_resend,),
            )
        return self._session

    async def exchange(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Answer:
        """Send; NetworkError says whether the request may have arrived."""
        headers["Accept-Encoding"] = "identity"
        try:
            async with self._open().request(
                method,
                url,
                headers=headers,
                data=body or None,
                allow_redirects=False,
                timeout=self._timeout,
            ) as response:
                data = await self._read(response)
                return Answer(response.status, response.headers, data)
        except aiohttp.ConnectionTimeoutError:
            raise _never_left(url, "timed out") from None
        except aiohttp.ClientConnectorError as exc:
            error = exc.os_error
            reason = "connection refused" if connection_refused(error) else error.strerror or type(error).__name__
            raise _never_left(url, reason) from None
        except _SentAnswerLost as exc:
            raise _lost(url, exc.cause) from None
        except (TimeoutError, aiohttp.SocketTimeoutError, aiohttp.ServerTimeoutError):
            raise _no_answer(url) from None
        except aiohttp.ClientError as exc:
            raise _lost(url, exc) from None

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
        return bytes(data[: self._max_body + 1])

    async def aclose(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            await self._session.close()


class HttpxExchange:
    """Requests through any httpx transport: ``ASGITransport`` (the demo), ``MockTransport`` (tests)."""

    def __init__(self, transport: httpx.AsyncBaseTransport, max_body: int, timeouts: Timeouts | None = None) -> None:
        self._transport = transport
        self._max_body = max_body
        timeouts = timeouts or Timeouts()
        self._total = timeouts.total
        self._timeouts = {"connect": timeouts.connect, "read": timeouts.read, "write": timeouts.read, "pool": None}

    async def exchange(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Answer:
        """Send; NetworkError says whether the request may have arrived."""
        import httpx  # already loaded: the caller made the transport

        request = httpx.Request(method, url, headers=headers, content=body, extensions={"timeout": self._timeouts})
        try:
            async with asyncio.timeout(self._total):
                response = await self._transport.handle_async_request(request)
                try:
                    return Answer(response.status_code, response.headers, await self._read(response))
                finally:
                    await response.aclose()
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise _never_left(url, type(exc).__name__) from None
        except TimeoutError:
            raise _no_answer(url) from None
        except httpx.TransportError as exc:
            raise _lost(url, exc) from None

    async def _read(self, response: httpx.Response) -> bytes:
        import httpx

        try:
            return response.content[: self._max_body + 1]  # MockTransport hands it over already read
        except httpx.ResponseNotRead:
            pass
        data = bytearray()
        async for chunk in response.aiter_raw():
            data.extend(chunk)
            if len(data) > self._max_body:
                break
        return bytes(data[: self._max_body + 1])

    async def aclose(self) -> None:
        """Close the transport."""
        await self._transport.aclose()
