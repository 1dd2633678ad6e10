"""The commands that talk to bol: ``run``, ``plan`` (a checked dry run) and ``requests``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bulkcancel.cli import collector
from bulkcancel.cli.options import (
    console,
    console_language,
    force_opt,
    json_opt,
    lang_opt,
    out_opt,
    sheet_options,
    target_options,
)
from bulkcancel.i18n import gettext, ngettext
from bulkcancel.settings import DAILY_BUDGET, DEFAULT_CONCURRENCY

if TYPE_CHECKING:
    from bulkcancel.pipeline import Outcome


def _is_terminal() -> bool:
    return sys.stdout.isatty()


def _finish(ctx: click.Context, outcome: Outcome, title: str, as_json: bool) -> None:
    from bulkcancel.cli.present import print_json, print_outcome

    if as_json:
        print_json(outcome)
    else:
        print_outcome(outcome, title)
    ctx.exit(int(outcome.exit_code))


@click.command()
@sheet_options
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
@click.option("--canary", type=click.IntRange(min=0), default=0, help="Send this many rows first, then ask.")
@click.option("--yes", is_flag=True, help="Do not ask (production, canary); stop if a canary row fails.")
@click.option(
    "--accept-strike",
    is_flag=True,
    help="Production: go on even when the run takes the week above bol's cancellation norm (a strike); "
    "without it, that is asked typed, and refused without a terminal.",
)
@click.option(
    "--daily-budget",
    type=int,
    default=DAILY_BUDGET,
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
@json_opt
@lang_opt
@force_opt
@click.pass_context
def run(
    ctx: click.Context, /, sheet: Path, *, as_json: bool, yes: bool, quiet: bool, verbose: bool, **options: Any
) -> None:
    """Cancel the sheet's order items and write the result workbook."""
    from bulkcancel.cli.present import accept_strike, canary_prompt, confirm_production, progress_printer
    from bulkcancel.logs import logging_to_stderr
    from bulkcancel.pipeline import run as do_run
    from bulkcancel.send import connect  # noqa: F401  # the HTTP client too, before the collector settles
    from bulkcancel.send.execute import Hooks
    from bulkcancel.settings import Settings

    collector.settle()
    settings = Settings(sheet=options.pop("sheet_name"), **options)
    lang = console_language(ctx)
    with (
        logging_to_stderr(verbose),
        progress_printer(enabled=not (quiet or as_json) and _is_terminal(), lang=lang) as on_progress,
    ):
        hooks = Hooks(
            confirm=lambda plan: confirm_production(plan, yes, settings.confirm_threshold, lang),
            accept_strike=lambda plan: accept_strike(plan, lang),
            canary_ok=lambda results: canary_prompt(results, yes, lang),
            on_progress=on_progress,
        )
        outcome = do_run(sheet, settings, hooks)
    _finish(ctx, outcome, "Dry run (nothing sent)" if settings.dry_run else "Run on", as_json)


@click.command()
@sheet_options
@target_options
@click.option(
    "--allow-reason-mismatch",
    is_flag=True,
    help="Count rows whose reason does not match the customer's request as sendable.",
)
@json_opt
@lang_opt
@force_opt
@click.pass_context
def plan(
    ctx: click.Context, /, sheet: Path, *, out: Path | None, as_json: bool, quiet: bool, verbose: bool, **options: Any
) -> None:
    """Check a sheet against bol's open orders and write the plan; sends no cancellation."""
    from bulkcancel.logs import logging_to_stderr
    from bulkcancel.pipeline import default_out
    from bulkcancel.pipeline import run as do_run
    from bulkcancel.send import connect  # noqa: F401  # the HTTP client too, before the collector settles
    from bulkcancel.settings import Settings

    collector.settle()
    settings = Settings(
        sheet=options.pop("sheet_name"),
        check=True,
        dry_run=True,
        out=out or default_out(sheet, "plan"),
        **options,
    )
    with logging_to_stderr(verbose):
        outcome = do_run(sheet, settings)
    _finish(ctx, outcome, "Plan (nothing sent)", as_json)


@click.command()
@out_opt
@target_options
@lang_opt
@force_opt
def requests(*, out: Path | None, quiet: bool, verbose: bool, force: bool, lang: str, **options: Any) -> None:
    """Write the open items whose customer asked to cancel, ready to run (REQUESTED_BY_CUSTOMER)."""
    from bulkcancel.logs import logging_to_stderr
    from bulkcancel.pipeline import customer_requests, requests_path
    from bulkcancel.send import connect  # noqa: F401  # the HTTP client too, before the collector settles
    from bulkcancel.settings import Settings

    collector.settle()
    target_path = requests_path(out, date.today(), force)
    lang = console_language()
    with logging_to_stderr(verbose):
        count = customer_requests(target_path, Settings(**options), lang)
    said = ngettext(
        lang,
        "{n} customer cancellation request written to {path}",
        "{n} customer cancellation requests written to {path}",
        count,
        path=target_path,
    )
    console.print(said, markup=False)
    console.print(gettext(lang, "Review it, then: bulkcancel run {path} --check", path=target_path), markup=False)
