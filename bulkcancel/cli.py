"""The ``bulkcancel`` command: a thin shell over ``pipeline``.

Every BulkCancelError becomes one line on stderr and its exit code; no traceback reaches
the user (``BULKCANCEL_DEBUG=1`` shows one for an unexpected error).
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click
from rich.console import Console

from bulkcancel.errors import BulkCancelError
from bulkcancel.settings import DEFAULT_TIMEZONE, Settings
from bulkcancel.statuses import ExitCode

console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

sheet_arg = click.argument("sheet", type=click.Path(path_type=Path, dir_okay=True))
out_opt = click.option("--out", type=click.Path(path_type=Path), help="Result file (.xlsx or .csv).")
sheet_opt = click.option("--sheet", "sheet_name", help="Worksheet to read (default: the one with the header).")
lang_opt = click.option(
    "--lang",
    type=click.Choice(["auto", "en", "nl"]),
    default="auto",
    show_default=True,
    help="Language of row messages (auto: Dutch when the column names are Dutch).",
)
tz_opt = click.option(
    "--timezone",
    default=DEFAULT_TIMEZONE,
    show_default=True,
    help="Time zone of times written without an offset.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bulkcancel")
def cli() -> None:
    """Cancel bol.com order items in bulk from an Excel or CSV sheet."""


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), default="bulkcancel-template.xlsx")
def template(path: Path) -> None:
    """Write the input template (OrderItemId, ReasonCode, DateTime, Note)."""
    from bulkcancel.template import write_template

    write_template(path)
    console.print(f"Template written to {path}")


@cli.command()
@sheet_arg
@out_opt
@sheet_opt
@tz_opt
@lang_opt
def validate(sheet: Path, out: Path | None, sheet_name: str | None, timezone: str, lang: str) -> None:
    """Check a sheet offline: READY, INVALID or DUPLICATE for every row; sends nothing."""
    from bulkcancel.pipeline import validate as do_validate
    from bulkcancel.summary import print_outcome

    outcome = do_validate(sheet, Settings(out=out, sheet=sheet_name, timezone=timezone, lang=lang))
    print_outcome(outcome, title="Validation (nothing sent)")
    sys.exit(int(outcome.exit_code))


@cli.command()
@click.argument("run_id", default="latest")
@out_opt
@click.option(
    "--journal",
    type=click.Path(path_type=Path),
    envvar="BULKCANCEL_JOURNAL",
    help="Journal file (default: in your data directory).",
)
def report(run_id: str, out: Path | None, journal: Path | None) -> None:
    """Write a run's result workbook again from the journal; sends nothing."""
    from bulkcancel.journal import Journal, default_journal_path
    from bulkcancel.rebuild import default_report_path, rebuild
    from bulkcancel.report import write_results
    from bulkcancel.statuses import exit_code_for

    with Journal(journal or default_journal_path(), "", "") as store:
        chosen = store.latest_run_id(any_target=True) if run_id == "latest" else run_id
        if chosen is None:
            raise BulkCancelError("the journal has no runs yet")
        info, headers, rows, summary = rebuild(store, chosen)
    target = out or default_report_path(info)
    write_results(target, headers, rows, summary)
    console.print(f"Result of run {chosen} written to {target} (no requests sent)")
    sys.exit(int(exit_code_for([row.status for row in rows])))


@cli.command()
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
    from bulkcancel.simulator.serve import serve

    serve(
        host,
        port,
        scenario,
        latency_ms=latency_ms,
        fail_rate=fail_rate,
        drop_rate=drop_rate,
        daily_limit=daily_limit,
        window_seconds=window_seconds,
        settle_seconds=settle_seconds,
        seed=seed,
        say=console.print,
    )


from bulkcancel import cli_run  # noqa: E402,F401  (registers run, plan and requests)


def main() -> None:
    """Entry point: run the CLI, turning expected failures into one line and an exit code."""
    try:
        _main()
    finally:
        # Everything is written and closed by now. Without this, the garbage collector's
        # last pass over pandas, pandera and aiohttp at exit takes ~0.4 s of every run
        # (benchmarks/bench_run.py); frozen objects are simply left to the OS.
        gc.freeze()


def _main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.CANNOT_RUN)
    except click.Abort:
        err.print("bulkcancel: aborted; nothing more was sent")
        sys.exit(ExitCode.STOPPED_EARLY)
    except BulkCancelError as exc:
        err.print(f"bulkcancel: error: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("bulkcancel: interrupted")
        sys.exit(ExitCode.STOPPED_EARLY)
    except Exception as exc:
        if os.environ.get("BULKCANCEL_DEBUG"):
            raise
        err.print(
            f"bulkcancel: unexpected error: {type(exc).__name__}: {exc} "
            "(set BULKCANCEL_DEBUG=1 to see where; please report it)",
            markup=False,
        )
        sys.exit(ExitCode.CANNOT_RUN)
