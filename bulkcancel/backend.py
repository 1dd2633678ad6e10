"""Open the API backend for a target: the embedded simulator (demo) or a real server."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import httpx

from bulkcancel.plaza.client import PlazaClient
from bulkcancel.plaza.environments import Target
from bulkcancel.plaza.signing import ApiKeys
from bulkcancel.settings import Settings


def demo_scenario_path() -> Path:
    """The scenario the demo runs against (a copy is in samples/)."""
    return Path(str(resources.files("bulkcancel.simulator").joinpath("demo-scenario.json")))


def open_backend(target: Target, keys: ApiKeys, settings: Settings) -> PlazaClient:
    """A signed client; for the demo, wired to a fresh in-process simulator (no socket)."""
    transport: httpx.AsyncBaseTransport | None = None
    if target.in_process:
        from bulkcancel.simulator import PlazaSimulator, SimulatorConfig, load_scenario  # the demo only

        scenario = load_scenario(settings.scenario or demo_scenario_path())
        app = PlazaSimulator(scenario, SimulatorConfig(settle_seconds=0.2))
        transport = httpx.ASGITransport(app=app)
    return PlazaClient(
        target.base_url,
        keys,
        transport=transport,
        timeout=settings.request_timeout,
        max_connections=settings.concurrency,
    )
