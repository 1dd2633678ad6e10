"""Hand-written loopback servers for the corners the simulator does not reach on purpose.

Each runs in a thread on 127.0.0.1 with a free port and counts what it received:
``ResetOnReuse`` resets a kept-alive connection after reading its second request (a
cancellation that may have been applied, its answer lost), ``Trickle`` sends its answer a
byte at a time, ``refused_port`` is a port nobody listens on, ``KeysRevokedAfter`` answers
401 once a few cancellations went through, ``SlowDownFirst`` answers 429 with Retry-After,
``JournalBreaksAfter`` makes the journal fail mid-run, ``HoldAfter`` keeps a run mid-way until
the test lets it go on.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any


def _read_request(conn: socket.socket, buffer: bytes) -> tuple[bytes, bytes] | None:
    """One HTTP/1.1 request (head and Content-Length body) from ``conn``; None at end of stream."""
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return head + b"\r\n\r\n" + rest[:length], rest[length:]


def _reset(conn: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a proxy that drops the connection does."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


class _Server:
    """A TCP server in a thread; subclasses answer each connection in ``handle``."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._guarded, args=(conn,), daemon=True).start()

    def _guarded(self, conn: socket.socket) -> None:
        try:
            self.handle(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def __enter__(self) -> _Server:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stopped.set()
        self.sock.close()
        self._thread.join(timeout=5)


ANSWER = (
    b"HTTP/1.1 404 Not Found\r\nContent-Type: application/xml\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n"
)


class ResetOnReuse(_Server):
    """Answers the first request of each connection, then resets it after reading the second."""

    def handle(self, conn: socket.socket) -> None:
        buffer, served = b"", 0
        while True:
            read = _read_request(conn, buffer)
            if read is None:
                return
            request, buffer = read
            self.requests.append(request)
            served += 1
            if served == 1:
                conn.sendall(ANSWER)
                continue
            _reset(conn)
            return


class Trickle(_Server):
    """Reads a request, then sends a valid answer's status line and headers one byte every ``pause`` s."""

    def __init__(self, pause: float = 0.2) -> None:
        super().__init__()
        self.pause = pause

    def handle(self, conn: socket.socket) -> None:
        read = _read_request(conn, b"")
        if read is None:
            return
        self.requests.append(read[0])
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 100000\r\n\r\n":
            if self._stopped.is_set():
                return
            conn.sendall(bytes([byte]))
            time.sleep(self.pause)


def refused_port() -> int:
    """A loopback port with nobody listening (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class KeysRevokedAfter:
    """An ASGI wrapper around a simulator: after ``cancels`` cancellation requests every
    request is answered 401 41101, as when a key is revoked mid-run."""

    BODY = (
        b'<?xml version="1.0" encoding="UTF-8"?><ServiceError xmlns="http://config.services.bol.com/schemas/'
        b'serviceerror-1.5.xsd"><errorCode>41101</errorCode><errorMessage>BOL-ERROR [PAI-41101] = No matching '
        b"access key found</errorMessage></ServiceError>"
    )

    def __init__(self, app: Any, cancels: int) -> None:
        self.app, self.left = app, cancels
        self.refused: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("/services/rest/"):
            if self.left <= 0:
                self.refused.append(path)
                await send(
                    {"type": "http.response.start", "status": 401, "headers": [(b"content-type", b"application/xml")]}
                )
                await send({"type": "http.response.body", "body": self.BODY})
                return
            if "/order-items/" in path:
                self.left -= 1
        await self.app(scope, receive, send)


class JournalBreaksAfter:
    """An ASGI wrapper around a simulator: at the ``cancels``-th cancellation, the journal's
    items table is dropped from another connection, as a write that fails mid-run (a full disk)."""

    def __init__(self, app: Any, journal: str, cancels: int) -> None:
        self.app, self.journal, self.left = app, journal, cancels

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and "/order-items/" in scope.get("path", ""):
            self.left -= 1
            if self.left == 0:
                import sqlite3

                with sqlite3.connect(self.journal, timeout=10) as db:
                    db.execute("DROP TABLE items")
        await self.app(scope, receive, send)


class SlowDownFirst:
    """An ASGI wrapper around a simulator: the first ``refusals`` cancellation requests are
    answered 429 with ``Retry-After: seconds`` (and never reach the simulator)."""

    def __init__(self, app: Any, refusals: int, seconds: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.app, self.left, self.seconds, self.clock = app, refusals, seconds, clock
        self.refused_at: list[float] = []
        self.passed_at: list[float] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and "/order-items/" in scope.get("path", ""):
            if self.left > 0:
                self.left -= 1
                self.refused_at.append(self.clock())
                headers = [(b"retry-after", str(self.seconds).encode()), (b"content-type", b"application/xml")]
                await send({"type": "http.response.start", "status": 429, "headers": headers})
                await send(
                    {
                        "type": "http.response.body",
                        "body": b"<ServiceError><errorCode>41500</errorCode>"
                        b"<errorMessage>Too many requests</errorMessage></ServiceError>",
                    }
                )
                return
            self.passed_at.append(self.clock())
        await self.app(scope, receive, send)


class HoldAfter:
    """An ASGI wrapper around a simulator: the first ``cancels`` cancellation requests go through,
    the rest wait (before reaching the simulator) until ``release()``: a run stays mid-way for as
    long as the test needs, whatever the machine's speed, without a latency to wait out."""

    def __init__(self, app: Any, cancels: int) -> None:
        self.app, self.left = app, cancels
        self._lock = threading.Lock()  # release() comes from the test's thread, the requests from the server's
        self._released = False
        self._go: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None

    def release(self) -> None:
        with self._lock:
            self._released = True
            if self._go is not None:
                loop, go = self._go
                loop.call_soon_threadsafe(go.set)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and "/order-items/" in scope.get("path", ""):
            with self._lock:
                held = self.left <= 0 and not self._released
                self.left -= 1
                if held and self._go is None:
                    self._go = (asyncio.get_running_loop(), asyncio.Event())
            if held and self._go is not None:
                await self._go[1].wait()  # cancelled with the server when a test ends early
        await self.app(scope, receive, send)
