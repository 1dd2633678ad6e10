"""The commands that send nothing: ``template``, ``validate`` and ``report``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from bulkcancel.cli.options import console, force_opt, journal_opt, lang_opt, out_opt, sheet_options
from bulkcancel.i18n import Language, gettext
from bulkcancel.targets import Api


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default="bulkcancel-template.xlsx")
@click.option(
    "--lang",
    type=click.Choice(["auto", *Language.codes()]),
    default="auto",
    show_default=True,
    help="Language of the template (auto: the system's, from LC_ALL or LANG).",
)
@force_opt
def template(path: Path, lang: str, force: bool) -> None:
    """Write the input template (OrderItemId, ReasonCode, DateTime and a column for notes)."""
    from bulkcancel.output.template import write_template

    language = Language.of_environment(os.environ) if lang == "auto" else Language(lang)
    write_template(path, force, language)
    console.print(gettext(language, "Template written to {path}", path=path), markup=False)


@click.command()
@sheet_options
@lang_opt
@force_opt
@click.pass_context
def validate(
    ctx: click.Context, sheet: Path, out: Path | None, sheet_name: str | None, timezone: str, lang: str, force: bool
) -> None:
    """Check a sheet offline: READY, INVALID or DUPLICATE for every row; sends nothing."""
    from bulkcancel.cli.present import print_outcome
    from bulkcancel.pipeline import validate as do_validate
    from bulkcancel.settings import Settings

    outcome = do_validate(sheet, Settings(out=out, sheet=sheet_name, timezone=timezone, lang=lang, force=force))
    print_outcome(outcome, title="Validation (nothing sent)")
    ctx.exit(int(outcome.exit_code))


@click.command()
@click.argument("run_id", default="latest")
@out_opt
@journal_opt
@force_opt
def report(run_id: str, out: Path | None, journal: Path | None, force: bool) -> None:
    """Write a run's result workbook again from the journal; sends nothing (exit 0 when written)."""
    from bulkcancel.pipeline import report as do_report

    done = do_report(None if run_id == "latest" else run_id, out, journal, force)
    console.print(
        f"Result of run {done.run_id} written to {done.out} (no requests sent; the run itself ended with exit "
        f"{int(done.exit_code)})",
        markup=False,
    )


@click.command()
@click.option("--api", type=click.Choice(["plaza", "retailer"]), help="Only the runs of this API.")
@journal_opt
def runs(journal: Path | None, api: str | None) -> None:
    """List the journal's runs: id, when, file, environment, rows per status, exit code."""
    from rich.table import Table

    from bulkcancel.pipeline import run_history

    table = Table(title="Runs in the journal (latest first)", title_justify="left")
    for column in ("Run id", "Started", "File", "API", "Environment", "Rows per status", "Exit"):
        table.add_column(column, no_wrap=column in ("Run id", "Started", "Exit"))  # ids are copied whole
    listed = run_history(journal, Api(api) if api else None)
    for entry in listed:
        table.add_row(
            entry.run_id, entry.started, entry.input_path, entry.api.value, entry.environment, entry.counts, entry.exit
        )
    console.print(table if listed else "The journal has no runs yet.")
