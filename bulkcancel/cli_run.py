"""The commands that talk to bol: ``run``, ``plan`` (a checked dry run) and ``requests``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from bulkcancel.cli import cli, console, lang_opt, out_opt, sheet_arg, sheet_opt, tz_opt
from bulkcancel.plaza.environments import ENVIRONMENTS
from bulkcancel.settings import DEFAULT_CONCURRENCY, Settings


def target_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--env, --base-url, --journal, --scenario, --quiet, --verbose."""
    for option in reversed(
        [
            click.option("--env", type=click.Choice(ENVIRONMENTS), help="demo (default), test or production."),
            click.option("--base-url", help="Another Plaza server, e.g. a `bulkcancel simulate` on loopback."),
            click.option(
                "--journal",
                type=click.Path(path_type=Path),
                envvar="BULKCANCEL_JOURNAL",
                help="Journal file (default: in your data directory).",
            ),
            click.option(
                "--scenario",
                type=click.Path(path_type=Path, exists=True, dir_okay=False),
                help="Scenario for the demo simulator.",
            ),
            click.option("--quiet", is_flag=True, help="No progress bar."),
            click.option("--verbose", is_flag=True, help="Log every request on stderr (secrets removed)."),
        ]
    ):
        command = option(command)
    return command


def _is_terminal() -> bool:
    return sys.stdout.isatty()


def _finish(outcome: Any, title: str, as_json: bool) -> None:
    from bulkcancel.summary import print_json, print_outcome

    if as_json:
        print_json(outcome)
    else:
        print_outcome(outcome, title)
    sys.exit(int(outcome.exit_code))


@cli.command()
@sheet_arg
@out_opt
@sheet_opt
@tz_opt
@target_options
@click.option(
    "--concurrency",
    type=int,
    default=DEFAULT_CONCURRENCY,
    show_default=True,
    help="Requests in flight at most.",
)
@click.option("--dry-run", is_flag=True, help="Validate and show what would be sent; send nothing.")
@click.option("--check", is_flag=True, help="Compare with bol's open orders first; send only what passes.")
@click.option(
    "--allow-reason-mismatch",
    is_flag=True,
    help="With --check: send rows whose reason does not match the customer's request.",
)
@click.option("--canary", type=int, default=0, help="Send this many rows first, then ask.")
@click.option("--yes", is_flag=True, help="Do not ask (production, canary); stop if a canary row fails.")
@click.option(
    "--daily-budget",
    type=int,
    default=5000,
    show_default=True,
    help="Cancellations this key may send per day.",
)
@click.option(
    "--no-follow",
    "follow",
    flag_value=False,
    default=True,
    help="Stop at ACCEPTED: do not poll bol for each final status (a later run checks them).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
@lang_opt
def run(sheet: Path, *, as_json: bool, yes: bool, quiet: bool, verbose: bool, **options: Any) -> None:
    """Cancel the sheet's order items and write the result workbook."""
    from bulkcancel.execute import Hooks
    from bulkcancel.logs import setup_logging
    from bulkcancel.pipeline import run as do_run
    from bulkcancel.summary import canary_prompt, confirm_production, progress_printer

    setup_logging(verbose)
    settings = Settings(sheet=options.pop("sheet_name"), **options)
    with progress_printer(enabled=not (quiet or as_json) and _is_terminal()) as on_event:
        hooks = Hooks(
            confirm=lambda plan, target: confirm_production(plan, yes, settings.confirm_threshold),
            canary_ok=lambda results: canary_prompt(results, yes),
            on_event=on_event,
        )
        outcome = do_run(sheet, settings, hooks)
    name = outcome.target.name if outcome.target else ""
    _finish(outcome, "Dry run (nothing sent)" if settings.dry_run else f"Run on {name}", as_json)


@cli.command()
@sheet_arg
@out_opt
@sheet_opt
@tz_opt
@target_options
@click.option(
    "--allow-reason-mismatch",
    is_flag=True,
    help="Count rows whose reason does not match the customer's request as sendable.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
@lang_opt
def plan(sheet: Path, *, out: Path | None, as_json: bool, quiet: bool, verbose: bool, **options: Any) -> None:
    """Check a sheet against bol's open orders and write the plan; sends no cancellation."""
    from bulkcancel.logs import setup_logging
    from bulkcancel.pipeline import default_out
    from bulkcancel.pipeline import run as do_run

    setup_logging(verbose)
    settings = Settings(
        sheet=options.pop("sheet_name"),
        check=True,
        dry_run=True,
        out=out or default_out(sheet, "plan"),
        **options,
    )
    _finish(do_run(sheet, settings), "Plan (nothing sent)", as_json)


@cli.command()
@out_opt
@target_options
def requests(*, quiet: bool, verbose: bool, **options: Any) -> None:
    """Write the open items whose customer asked to cancel, ready to run (REQUESTED_BY_CUSTOMER)."""
    from bulkcancel.logs import setup_logging
    from bulkcancel.requests import write_customer_requests

    setup_logging(verbose)
    target_path = options.pop("out") or Path(f"customer-requests-{date.today():%Y-%m-%d}.xlsx")
    count = write_customer_requests(target_path, Settings(**options))
    console.print(f"{count} customer cancellation request(s) written to {target_path}")
    console.print(f"Review it, then: bulkcancel run {target_path} --check")
