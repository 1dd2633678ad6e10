"""``bulkcancel simulate``: serve the simulator in the foreground until Ctrl-C."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bulkcancel.plaza.signing import DEMO_PUBLIC_KEY
from bulkcancel.simulator.app import PlazaSimulator
from bulkcancel.simulator.scenario import Scenario, SimulatorConfig, load_scenario
from bulkcancel.simulator.server import free_port, make_server
from bulkcancel.targets import check_url


def serve(
    host: str,
    port: int,
    scenario_path: Path | None,
    config: SimulatorConfig,
    *,
    say: Callable[[str], None],
) -> None:
    """Run the simulator on ``host:port``; print the base URL and the keys to use."""
    check_url(f"http://{host}:1")  # loopback only: plain http to anywhere else is refused
    scenario = load_scenario(scenario_path) if scenario_path else Scenario()
    app = PlazaSimulator(scenario, config)
    port = port or free_port(host)
    server = make_server(app, host, port)
    say(f"Plaza API v2 simulator on http://{host}:{port}")
    say(
        f"Keys: bol's documentation sample pair (public {DEMO_PUBLIC_KEY}); bulkcancel uses it "
        "with --base-url when BOL_PUBLIC_KEY and BOL_PRIVATE_KEY are unset"
    )
    say(f"Try: bulkcancel run SHEET --base-url http://{host}:{port}")
    server.run()
