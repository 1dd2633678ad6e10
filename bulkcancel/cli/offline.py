"""The commands that send nothing: ``template``, ``validate`` and ``report``."""

from __future__ import annotations

from pathlib import Path

import click

from bulkcancel.cli.options import console, journal_opt, lang_opt, out_opt, sheet_options


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default="bulkcancel-template.xlsx")
def template(path: Path) -> None:
    """Write the input template (OrderItemId, ReasonCode, DateTime, Note)."""
    from bulkcancel.output.template import write_template

    write_template(path)
    console.print(f"Template written to {path}")


@click.command()
@sheet_options
@lang_opt
@click.pass_context
def validate(
    ctx: click.Context, sheet: Path, out: Path | None, sheet_name: str | None, timezone: str, lang: str
) -> None:
    """Check a sheet offline: READY, INVALID or DUPLICATE for every row; sends nothing."""
    from bulkcancel.cli.present import print_outcome
    from bulkcancel.pipeline import validate as do_validate
    from bulkcancel.settings import Settings

    outcome = do_validate(sheet, Settings(out=out, sheet=sheet_name, timezone=timezone, lang=lang))
    print_outcome(outcome, title="Validation (nothing sent)")
    ctx.exit(int(outcome.exit_code))


@click.command()
@click.argument("run_id", default="latest")
@out_opt
@journal_opt
@click.pass_context
def report(ctx: click.Context, run_id: str, out: Path | None, journal: Path | None) -> None:
    """Write a run's result workbook again from the journal; sends nothing."""
    from bulkcancel.pipeline import report as do_report

    done = do_report(None if run_id == "latest" else run_id, out, journal)
    console.print(f"Result of run {done.run_id} written to {done.out} (no requests sent)", markup=False)
    ctx.exit(int(done.exit_code))
