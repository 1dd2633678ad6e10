"""``bulkcancel stockouts``: from a sheet of products to a sheet of order items to cancel (sends nothing)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from bulkcancel.cli import collector
from bulkcancel.cli.options import console, console_language, err, force_opt, json_opt, lang_opt, target_options


@click.command()
@click.argument("products", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--out", type=click.Path(path_type=Path), help="The sheet to write (default: stockouts-YYYY-MM-DD.xlsx).")
@click.option("--sheet", "sheet_name", help="Worksheet of the products (default: the one with an EAN column).")
@target_options
@json_opt
@lang_opt
@force_opt
def stockouts(
    products: Path, *, out: Path | None, as_json: bool, quiet: bool, verbose: bool, force: bool, **options: Any
) -> None:
    """Find the open order items of products out of stock; write the ones to cancel, ready to run.

    PRODUCTS is a sheet with an EAN column, optionally the units still in stock (empty: 0),
    a ReasonCode (default OUT_OF_STOCK) and a note. The units left go to the orders promised
    first; nothing is cancelled until you run the sheet written. An item the journal (--journal)
    knows an earlier run cancelled or sent, in this environment, is left out and listed apart.
    """
    from bulkcancel.i18n import gettext, ngettext
    from bulkcancel.logs import logging_to_stderr
    from bulkcancel.pipeline.stockouts import run_command, stockouts_path, summary
    from bulkcancel.pipeline.stockouts import stockouts as do_stockouts
    from bulkcancel.settings import Settings

    collector.settle()
    settings = Settings(sheet=options.pop("sheet_name"), force=force, **options)
    target = stockouts_path(out, date.today(), force)
    show_pages = not (quiet or as_json) and sys.stderr.isatty()

    def on_page(pages: int) -> None:
        read = ngettext(console_language(), "{n} page of open orders read", "{n} pages of open orders read", pages)
        err.print(f"\r{read}", end="", markup=False)

    with logging_to_stderr(verbose):
        done = do_stockouts(products, settings, target, on_page=on_page if show_pages else None)
    if show_pages:
        err.print("", markup=False)
    for note in done.notes:
        err.print(gettext(done.lang, "Note: {note}", note=note), markup=False)
    if as_json:
        console.print(json.dumps(summary(done)), markup=False)
        return
    lang, allocation = done.lang, done.allocation
    lines = [
        ngettext(lang, "{n} order item to cancel", "{n} order items to cancel", len(allocation.to_cancel)),
        ngettext(
            lang, "{n} kept (the units left go to it)", "{n} kept (the units left go to them)", len(allocation.kept)
        ),
        ngettext(
            lang,
            "{n} not yours to cancel (FBB or delivered by bol)",
            "{n} not yours to cancel (FBB or delivered by bol)",
            len(allocation.not_cancellable),
        ),
        ngettext(
            lang,
            "{n} product without open order items",
            "{n} products without open order items",
            len(allocation.without_open_items),
        ),
        gettext(lang, "Written to {file}", file=str(done.out)),
    ]
    if allocation.sent_before:
        lines.insert(
            3,
            ngettext(
                lang,
                "{n} left out: an earlier run already cancelled or sent it (see the journal)",
                "{n} left out: an earlier run already cancelled or sent them (see the journal)",
                len(allocation.sent_before),
            ),
        )
    if allocation.to_cancel:
        lines.append(gettext(lang, "Review it, then: {command}", command=run_command(done.out, settings)))
    for line in lines:
        console.print(line, markup=False)
