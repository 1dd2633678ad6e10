"""Serve the simulator over real HTTP on loopback with uvicorn (tests, benchmarks, `simulate`)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from bulkcancel.simulator.app import PlazaSimulator
from bulkcancel.simulator.retailer import RetailerSimulator

Simulator = PlazaSimulator | RetailerSimulator


class _HideDroppedConnections(logging.Filter):
    """uvicorn logs a traceback for every simulated drop; those are on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return type(exc).__name__ != "DroppedConnection"  # both simulators name it so


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def make_server(app: Simulator, host: str, port: int, log_level: str = "warning") -> uvicorn.Server:
    """A uvicorn server for ``app`` (no access log: it would show every request line)."""
    logging.getLogger("uvicorn.error").addFilter(_HideDroppedConnections())
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_keep_alive=30,
        backlog=2048,
    )
    return uvicorn.Server(config)


class ServedSimulator:
    """The simulator served in a background thread: ``with ServedSimulator(app) as url: ...``."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.app = app
        self.host = host
        self.port = port or free_port(host)
        self._server = make_server(app, host, self.port)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def base_url(self) -> str:
        """Where the simulator answers."""
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> str:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the simulator did not start")
            time.sleep(0.01)
        return self.base_url

    def stop(self, wait: bool = True) -> None:
        """Stop serving: uvicorn closes the socket and the connections at its next tick and is done
        a tenth of a second later; ``wait`` joins it, False lets it finish in its own thread (a test
        suite goes on meanwhile and joins it later)."""
        self._server.should_exit = True
        if wait:
            self._thread.join(timeout=10)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
