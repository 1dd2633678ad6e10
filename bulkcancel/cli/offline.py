"""The commands that send nothing: ``template``, ``validate`` and ``report``."""

from __future__ import annotations

from pathlib import Path

import click

from bulkcancel.cli.options import console, console_language, force_opt, journal_opt, lang_opt, out_opt, sheet_options
from bulkcancel.i18n import N_, gettext
from bulkcancel.targets import Api


@click.command()
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.option("--products", is_flag=True, help="The products template for `bulkcancel stockouts` instead.")
@lang_opt
@force_opt
def template(path: Path | None, products: bool, lang: str, force: bool) -> None:
    """Write the input template (OrderItemId, ReasonCode, DateTime and a column for notes) in --lang (auto: LANG);
    with --products, the products template for `bulkcancel stockouts` (EAN, Units in stock, ReasonCode, Note)."""
    language = console_language()
    if products:
        from bulkcancel.output.products_template import write_products_template

        path = path or Path("bulkcancel-products.xlsx")
        write_products_template(path, force, language)
    else:
        from bulkcancel.output.template import write_template

        path = path or Path("bulkcancel-template.xlsx")
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
@lang_opt
@force_opt
def report(run_id: str, out: Path | None, journal: Path | None, lang: str, force: bool) -> None:
    """Write a run's result workbook again from the journal; sends nothing (exit 0 when written)."""
    from bulkcancel.pipeline import report as do_report

    done = do_report(None if run_id == "latest" else run_id, out, journal, force)
    said = gettext(
        console_language(),
        "Result of run {run_id} written to {path} (no requests sent; the run itself ended with exit {code})",
        run_id=done.run_id,
        path=done.out,
        code=int(done.exit_code),
    )
    console.print(said, markup=False)


@click.command()
@click.option("--api", type=click.Choice(["plaza", "retailer"]), help="Only the runs of this API.")
@journal_opt
@lang_opt
def runs(journal: Path | None, api: str | None, lang: str) -> None:
    """List the journal's runs: id, when, file, environment, rows per status, exit code."""
    from rich.table import Table

    from bulkcancel.output.labels import word
    from bulkcancel.pipeline import run_history

    lang = console_language()
    table = Table(title=gettext(lang, "Runs in the journal (latest first)"), title_justify="left")
    columns = (N_("Run id"), N_("Started"), N_("File"), N_("API"), N_("Environment"), N_("Rows per status"), N_("Exit"))
    for column in columns:
        # ids are copied whole
        table.add_column(gettext(lang, column), no_wrap=column in ("Run id", "Started", "Exit"))
    listed = run_history(journal, Api(api) if api else None, lang)
    for entry in listed:
        ended = word("running or stopped", lang) if entry.code is None else str(entry.code.value)
        table.add_row(
            entry.run_id, entry.started, entry.input_path, entry.api.value, entry.environment, entry.counts, ended
        )
    console.print(table if listed else gettext(lang, "The journal has no runs yet."))
