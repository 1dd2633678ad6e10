"""The options several commands share, and the consoles every command prints to."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from bulkcancel.i18n import Language
from bulkcancel.settings import DEFAULT_TIMEZONE
from bulkcancel.targets import Api, Environment

F = TypeVar("F", bound=Callable[..., Any])


def _live_console(**options: Any) -> Console:
    """A Console that measures the terminal (and COLUMNS) when it prints, not when it is made:
    rich freezes the width when COLUMNS is set at creation, and these are made at import."""
    made = Console(**options)
    made._width = made._height = None  # rich reads COLUMNS/LINES and the terminal again on each print
    return made


# Both look up sys.stdout / sys.stderr when they print, so CliRunner sees what a user sees.
console = _live_console(highlight=False, soft_wrap=True)
err = _live_console(stderr=True, highlight=False, soft_wrap=True)

sheet_arg = click.argument("sheet", type=click.Path(path_type=Path, dir_okay=True))
out_opt = click.option("--out", type=click.Path(path_type=Path), help="Result file (.xlsx or .csv).")
sheet_opt = click.option("--sheet", "sheet_name", help="Worksheet to read (default: the one with the header).")
_LANG_KEY = "bulkcancel.lang"


def _remember_lang(ctx: click.Context, param: click.Parameter, value: str) -> str:
    ctx.meta[_LANG_KEY] = value  # meta is shared by the whole command: the group's errors speak it too
    return value


def console_language(ctx: click.Context | None = None) -> Language:
    """The language the console speaks before a sheet has told it: --lang, else the system's (LANG)."""
    chosen = (ctx or click.get_current_context()).meta.get(_LANG_KEY)
    return Language.of(chosen) or Language.of_environment(os.environ)


lang_opt = click.option(
    "--lang",
    type=click.Choice(["auto", *Language.codes()]),
    default="auto",
    show_default=True,
    callback=_remember_lang,
    is_eager=True,
    help="Language of what bulkcancel writes and says (auto: the sheet's, from its column names; else LANG).",
)
tz_opt = click.option(
    "--timezone",
    default=DEFAULT_TIMEZONE,
    show_default=True,
    help="Time zone of times written without an offset.",
)
journal_opt = click.option(
    "--journal",
    type=click.Path(path_type=Path),
    envvar="BULKCANCEL_JOURNAL",
    help="Journal file (default: in your data directory).",
)
json_opt = click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
force_opt = click.option("--force", is_flag=True, help="Replace an existing file bulkcancel did not write.")


def sheet_options(command: F) -> F:
    """SHEET, --out, --sheet and --timezone: what every command that reads a sheet takes."""
    for option in reversed([sheet_arg, out_opt, sheet_opt, tz_opt]):
        command = option(command)
    return command


def _environment(ctx: click.Context, param: click.Parameter, value: str | None) -> Environment | None:
    return Environment(value) if value else None


def _api(ctx: click.Context, param: click.Parameter, value: str | None) -> Api | None:
    return Api(value) if value else None


def target_options(command: F) -> F:
    """--api, --env, --base-url, --login-url, --journal, --scenario, --quiet, --verbose."""
    for option in reversed(
        [
            click.option(
                "--api",
                type=click.Choice([api.value for api in Api]),
                callback=_api,
                help="retailer (Retailer API v10: BOL_CLIENT_ID/BOL_CLIENT_SECRET) or plaza (Plaza v2: "
                "BOL_PUBLIC_KEY/BOL_PRIVATE_KEY); default: the one whose credentials are set (demo: plaza).",
            ),
            click.option(
                "--env",
                type=click.Choice(Environment.choices()),
                callback=_environment,
                help="demo (default), test or production.",
            ),
            click.option(
                "--base-url", help="Another API root (production paths beneath it), e.g. a `bulkcancel simulate`."
            ),
            click.option("--login-url", help="Retailer API: another token endpoint (default: bol's)."),
            journal_opt,
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
