"""``bulkcancel simulate``: a simulator of Plaza v2 or the Retailer API v10 on loopback, in the foreground."""

from __future__ import annotations

from pathlib import Path

import click

from bulkcancel.cli import collector
from bulkcancel.cli.options import console


@click.command()
@click.option(
    "--api",
    type=click.Choice(["plaza", "retailer"]),
    default="plaza",
    show_default=True,
    help="Which API to simulate.",
)
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
@click.option("--daily-limit", type=int, default=5000, show_default=True, help="Plaza: cancellations per window.")
@click.option("--window-seconds", type=float, default=86400.0, show_default=True, help="Plaza: the window.")
@click.option(
    "--status-limit",
    type=click.IntRange(min=1),
    default=50_000,
    show_default=True,
    help="Plaza: process-status requests per hour (bol's limit; a long benchmark raises it).",
)
@click.option(
    "--settle-seconds",
    type=float,
    default=0.5,
    show_default=True,
    help="How long a process status stays PENDING.",
)
@click.option("--token-ttl", type=float, default=599.0, show_default=True, help="Retailer: expires_in of tokens.")
@click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="GROUP=COUNT/SECONDS",
    help="Retailer: a rate limit, e.g. cancellation=5/1 (groups: cancellation, orders, order, process-status, "
    "process-status-bulk).",
)
@click.option(
    "--retry-after",
    type=click.Choice(["integer", "decimal", "missing"]),
    default="integer",
    show_default=True,
    help="Retailer: what a 429's Retry-After says.",
)
@click.option("--html-errors", is_flag=True, help="Retailer: 5xx answers as nginx HTML pages.")
@click.option("--omit-links-rate", type=float, default=0.0, help="Retailer: share of statuses without links.")
@click.option("--omit-entity-rate", type=float, default=0.0, help="Retailer: share of statuses without entityId.")
@click.option("--timeout-rate", type=float, default=0.0, help="Retailer: share of processes that end TIMEOUT.")
@click.option("--seed", type=int)
def simulate(
    api: str,
    host: str,
    port: int,
    scenario: Path | None,
    latency_ms: float,
    fail_rate: float,
    drop_rate: float,
    daily_limit: int,
    window_seconds: float,
    status_limit: int,
    settle_seconds: float,
    token_ttl: float,
    limits: tuple[str, ...],
    retry_after: str,
    html_errors: bool,
    omit_links_rate: float,
    omit_entity_rate: float,
    timeout_rate: float,
    seed: int | None,
) -> None:
    """Serve a simulator of Plaza v2 (default) or the Retailer API v10 on loopback."""
    from bulkcancel.simulator.retailer.config import DEFAULT_LIMITS, Limit, RetailerConfig
    from bulkcancel.simulator.scenario import SimulatorConfig
    from bulkcancel.simulator.serve import serve

    collector.settle()
    config: SimulatorConfig | RetailerConfig
    if api == "retailer":
        chosen = dict(DEFAULT_LIMITS)
        for text in limits:
            group, _, value = text.partition("=")
            if group not in DEFAULT_LIMITS:
                raise click.BadParameter(f"{group!r}: choose one of {', '.join(DEFAULT_LIMITS)}", param_hint="--limit")
            chosen[group] = Limit.parse(value)
        config = RetailerConfig(
            token_ttl=token_ttl,
            latency_ms=latency_ms,
            settle_seconds=settle_seconds,
            limits=chosen,
            retry_after=retry_after,
            fail_rate=fail_rate,
            html_errors=html_errors,
            drop_rate=drop_rate,
            omit_links_rate=omit_links_rate,
            omit_entity_rate=omit_entity_rate,
            timeout_rate=timeout_rate,
            seed=seed,
        )
    else:
        config = SimulatorConfig(
            latency_ms=latency_ms,
            fail_rate=fail_rate,
            drop_rate=drop_rate,
            daily_limit=daily_limit,
            window_seconds=window_seconds,
            status_per_hour=status_limit,
            settle_seconds=settle_seconds,
            seed=seed,
        )
    serve(host, port, scenario, config, say=console.print)
