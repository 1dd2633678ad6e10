"""The commands that send nothing: ``template``, ``validate`` and ``report``."""

from __future__ import annotations

from pathlib import Path

import click

from bulkcancel.cli import collector
from bulkcancel.cli.options import console, console_language, force_opt, journal_opt, lang_opt, out_opt, sheet_options
from bulkcancel.i18n import gettext, pgettext
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

    collector.settle()
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
    """List the journal's runs: id, when, file, where, rows per status, exit code (fits 80 columns)."""
    from rich import box
    from rich.table import Table

    from bulkcancel.pipeline import run_history

    lang = console_language()
    table = Table(
        title=gettext(lang, "Runs in the journal (latest first)"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=0,
        show_edge=False,
    )
    # Short words: the whole sentences are in each run's Summary; here a run takes one line per status.
    table.add_column(pgettext(lang, "short", "Run id"), no_wrap=True, min_width=22)  # an id is copied whole
    table.add_column(pgettext(lang, "short", "Started"), no_wrap=True)
    table.add_column(pgettext(lang, "short", "File"), no_wrap=True, overflow="ellipsis", max_width=16)
    table.add_column(pgettext(lang, "short", "Where"), no_wrap=True)
    table.add_column(pgettext(lang, "short", "Rows"), no_wrap=True)  # one status a line
    table.add_column(pgettext(lang, "short", "Exit"), no_wrap=True)
    listed = run_history(journal, Api(api) if api else None, lang)
    for entry in listed:
        where = f"{entry.env.value} {entry.api.value}" if entry.env else pgettext(lang, "short", "check")
        rows = "\n".join(f"{n} {status}" for status, n in entry.by_status)
        ended = pgettext(lang, "short", "open") if entry.code is None else str(entry.code.value)
        started = f"{entry.started_at:%d-%m %H:%M}" if entry.started_at else entry.started  # the id has the year
        table.add_row(entry.run_id, started, entry.input_path, where, rows, ended)
    console.print(table if listed else gettext(lang, "The journal has no runs yet."))
