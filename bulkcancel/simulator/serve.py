"""``bulkcancel simulate``: serve a simulator in the foreground until Ctrl-C."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bulkcancel.plaza.signing import DEMO_PUBLIC_KEY
from bulkcancel.retailer.environments import DEMO_CLIENT_ID
from bulkcancel.simulator.app import PlazaSimulator
from bulkcancel.simulator.retailer import RetailerConfig, RetailerSimulator
from bulkcancel.simulator.scenario import Scenario, SimulatorConfig, load_scenario
from bulkcancel.simulator.server import Simulator, free_port, make_server
from bulkcancel.targets import check_url


def serve(
    host: str,
    port: int,
    scenario_path: Path | None,
    config: SimulatorConfig | RetailerConfig,
    *,
    say: Callable[[str], None],
) -> None:
    """Run the simulator for ``config``'s API on ``host:port``; print the URL and the credentials to use."""
    check_url(f"http://{host}:1")  # loopback only: plain http to anywhere else is refused
    scenario = load_scenario(scenario_path) if scenario_path else Scenario()
    port = port or free_port(host)
    app: Simulator
    if isinstance(config, RetailerConfig):
        app = RetailerSimulator(scenario, config)
        say(f"Retailer API v10 simulator on http://{host}:{port} (token endpoint http://{host}:{port}/token)")
        say(
            f"Credentials: the simulator's own client ({DEMO_CLIENT_ID}); bulkcancel uses it with "
            "--base-url when BOL_CLIENT_ID and BOL_CLIENT_SECRET are unset"
        )
        say(f"Try: bulkcancel run SHEET --api retailer --base-url http://{host}:{port}")
    else:
        app = PlazaSimulator(scenario, config)
        say(f"Plaza API v2 simulator on http://{host}:{port}")
        say(
            f"Keys: bol's documentation sample pair (public {DEMO_PUBLIC_KEY}); bulkcancel uses it "
            "with --base-url when BOL_PUBLIC_KEY and BOL_PRIVATE_KEY are unset"
        )
        say(f"Try: bulkcancel run SHEET --base-url http://{host}:{port}")
    make_server(app, host, port).run()
