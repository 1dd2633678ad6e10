"""``bulkcancel simulate``: the Plaza API v2 simulator on loopback, in the foreground."""

from __future__ import annotations

from pathlib import Path

import click

from bulkcancel.cli.options import console


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True, help="0 picks a free port.")
@click.option("--scenario", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--latency-ms", type=float, default=0.0, show_default=True)
@click.option("--fail-rate", type=float, default=0.0, show_default=True, help="Share of 500/503 answers.")
@click.option(
    "--drop-rate",
    type=float,
    default=0.0,
    show_default=True,
    help="Share of cancellations applied whose answer is then cut off.",
)
@click.option("--daily-limit", type=int, default=5000, show_default=True)
@click.option("--window-seconds", type=float, default=86400.0, show_default=True)
@click.option(
    "--settle-seconds",
    type=float,
    default=0.5,
    show_default=True,
    help="How long a process status stays PENDING.",
)
@click.option("--seed", type=int)
def simulate(
    host: str,
    port: int,
    scenario: Path | None,
    latency_ms: float,
    fail_rate: float,
    drop_rate: float,
    daily_limit: int,
    window_seconds: float,
    settle_seconds: float,
    seed: int | None,
) -> None:
    """Serve the Plaza API v2 simulator on loopback."""
    from bulkcancel.simulator.scenario import SimulatorConfig
    from bulkcancel.simulator.serve import serve

    config = SimulatorConfig(
        latency_ms=latency_ms,
        fail_rate=fail_rate,
        drop_rate=drop_rate,
        daily_limit=daily_limit,
        window_seconds=window_seconds,
        settle_seconds=settle_seconds,
        seed=seed,
    )
    serve(host, port, scenario, config, say=console.print)
