"""``bulkcancel serve``: the upload page for staff who never open a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bulkcancel.cli import collector
from bulkcancel.cli.options import console, console_language, err, target_options
from bulkcancel.i18n import gettext, render


@click.command()
@target_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Where to listen (other than loopback: warned).")
@click.option("--port", type=int, default=8765, show_default=True)
@click.option("--no-browser", is_flag=True, help="Print the link only; do not open a browser.")
@click.option("--max-upload-mb", type=click.IntRange(1, 200), default=20, show_default=True)
@click.option("--concurrency", type=int, default=8, show_default=True, help="Requests in flight at most.")
def serve(
    *,
    host: str,
    port: int,
    no_browser: bool,
    max_upload_mb: int,
    quiet: bool,
    verbose: bool,
    journal: Path | None,
    **options: Any,
) -> None:
    """Serve the upload page on this computer: upload, check, confirm, watch, download."""
    from bulkcancel.logs import logging_to_stderr
    from bulkcancel.settings import Settings
    from bulkcancel.web.serve import serve as run_page

    collector.settle()
    settings = Settings(journal=journal, **options)
    settings.verify()
    lang = console_language()
    with logging_to_stderr(verbose):
        run_page(
            settings,
            host=host,
            port=port,
            open_browser=not no_browser,
            max_upload_mb=max_upload_mb,
            say=lambda line: console.print(render(line, lang), markup=False),
            warn=lambda line: err.print(gettext(lang, "bulkcancel: warning: {line}", line=line), markup=False),
        )
