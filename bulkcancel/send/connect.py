"""Open the API backend for a target: the embedded simulator (demo) or a real server."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import httpx

from bulkcancel.plaza.client import PlazaClient
from bulkcancel.plaza.environments import Target
from bulkcancel.plaza.signing import ApiKeys
from bulkcancel.safexml import MAX_XML_BYTES
from bulkcancel.transport import Exchange, HttpxExchange, Timeouts


def demo_scenario_path() -> Path:
    """The scenario the demo runs against (a copy is in samples/)."""
    return Path(str(resources.files("bulkcancel.simulator").joinpath("demo-scenario.json")))


def open_backend(
    target: Target,
    keys: ApiKeys,
    *,
    concurrency: int,
    timeout: float,
    scenario: Path | None = None,
) -> PlazaClient:
    """A signed client; for the demo, wired to a fresh in-process simulator (no socket)."""
    exchange: Exchange | None = None
    if target.in_process:
        from bulkcancel.simulator import PlazaSimulator, SimulatorConfig, load_scenario  # the demo only

        app = PlazaSimulator(load_scenario(scenario or demo_scenario_path()), SimulatorConfig(settle_seconds=0.2))
        exchange = HttpxExchange(httpx.ASGITransport(app=app), MAX_XML_BYTES, Timeouts.of(timeout))
    return PlazaClient(target.base_url, keys, exchange=exchange, timeout=timeout, max_connections=concurrency)
