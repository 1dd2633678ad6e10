"""bulkcancel: cancel bol.com order items in bulk from an Excel or CSV sheet, safely.

A notebook uses the two functions below; the ``bulkcancel`` command is a thin shell over
the same pipeline. Both return one row per input row with its Status and Detail, and put
the exit code, the result file, the run id and the run's message in ``frame.attrs``.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from bulkcancel.environments import Environment
from bulkcancel.errors import BulkCancelError, ConfigError
from bulkcancel.i18n import Text
from bulkcancel.reasons import ReasonCode
from bulkcancel.statuses import ExitCode, RowStatus
from bulkcancel.targets import Api

if TYPE_CHECKING:
    import pandas as pd

    from bulkcancel.pipeline import Outcome

__all__ = ["BulkCancelError", "Environment", "ExitCode", "ReasonCode", "RowStatus", "run_sheet", "validate_sheet"]

P = ParamSpec("P")
R = TypeVar("R")


def _named_options(function: Callable[P, R]) -> Callable[P, R]:
    """Refuse an unknown keyword with the closest known one, as a ConfigError (exit 2)."""
    known = [name for name, p in inspect.signature(function).parameters.items() if p.kind is p.KEYWORD_ONLY]

    @functools.wraps(function)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        for name in kwargs:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise ConfigError(
                    Text(
                        "{function}() has no option {name!r}; {hint}its options: {known}",
                        function=function.__name__,
                        name=name,
                        hint=hint,
                        known=", ".join(known),
                    )
                )
        return function(*args, **kwargs)

    return checked


def _path(value: str | Path | None) -> Path | None:
    return None if value is None else Path(value)


def _frame(outcome: Outcome) -> pd.DataFrame:
    import pandas as pd

    from bulkcancel.output.report import result_headers, row_texts

    zone = outcome.zone
    frame = pd.DataFrame(
        [row_texts(row, outcome.lang, zone) for row in outcome.rows],
        columns=result_headers(outcome.sheet.headers, outcome.lang),
        dtype=str,
    )
    frame.attrs.update(
        exit_code=int(outcome.exit_code),
        out=str(outcome.out or ""),
        run_id=outcome.run_id or "",
        message=outcome.message,
    )
    return frame


@_named_options
def validate_sheet(
    path: str | Path,
    *,
    out: str | Path | None = None,
    write: bool = False,
    sheet: str | None = None,
    timezone: str = "Europe/Amsterdam",
    lang: str = "auto",
) -> pd.DataFrame:
    """Validate a sheet offline: one row per input row with READY, INVALID or DUPLICATE.

    ``write=True`` (or an ``out`` path) also writes the checked workbook, by default
    ``<name>-checked.xlsx`` beside the sheet. ``sheet`` picks a worksheet of a workbook;
    ``timezone`` is the zone of times written without an offset; ``lang`` is ``auto``,
    ``en`` or ``nl`` for the row messages.
    """
    from bulkcancel.pipeline import validate
    from bulkcancel.settings import Settings

    settings = Settings(out=_path(out), sheet=sheet, timezone=timezone, lang=lang)
    return _frame(validate(Path(path), settings, write=write or out is not None))


@_named_options
def run_sheet(
    path: str | Path,
    *,
    out: str | Path | None = None,
    journal: str | Path | None = None,
    env: Environment | str | None = None,
    base_url: str | None = None,
    api: str | None = None,
    login_url: str | None = None,
    concurrency: int = 8,
    timezone: str = "Europe/Amsterdam",
    sheet: str | None = None,
    dry_run: bool = False,
    check: bool = False,
    allow_reason_mismatch: bool = False,
    follow: bool = True,
    daily_budget: int = 5000,
    scenario: str | Path | None = None,
    lang: str = "auto",
    production_ok: bool = False,
) -> pd.DataFrame:
    """Run a sheet and write its result workbook; one row per input row with its outcome.

    Without ``env`` or ``base_url`` it runs the demo against the embedded simulator
    (``scenario`` chooses its order items). ``env`` is ``demo``, ``test`` or
    ``production``; ``api`` is ``"retailer"`` (Retailer API v10: BOL_CLIENT_ID /
    BOL_CLIENT_SECRET; ``login_url`` replaces its token endpoint) or ``"plaza"`` (Plaza v2:
    BOL_PUBLIC_KEY / BOL_PRIVATE_KEY); without it the credentials set decide. Production needs
    ``production_ok=True``: a notebook has no prompt to confirm in. ``out`` is the result
    file (``.xlsx`` or ``.csv``; default ``<name>-results.xlsx``), ``journal`` the journal
    file (default: BULKCANCEL_JOURNAL, else the user's data directory); ``check`` compares
    with bol's open orders first; ``follow=False`` stops at ACCEPTED.
    """
    from bulkcancel.pipeline import run
    from bulkcancel.send.execute import Hooks
    from bulkcancel.settings import Settings

    try:
        chosen = Environment(env) if env is not None else None
    except ValueError:
        raise ConfigError(
            Text("env={env!r}: choose one of {choices}", env=env, choices=", ".join(Environment.choices()))
        ) from None
    try:
        chosen_api = Api(api) if api is not None else None
    except ValueError:
        raise ConfigError(Text("api={api!r}: choose 'retailer' or 'plaza'", api=api)) from None
    settings = Settings(
        env=chosen,
        base_url=base_url,
        api=chosen_api,
        login_url=login_url,
        concurrency=concurrency,
        timezone=timezone,
        dry_run=dry_run,
        sheet=sheet,
        out=_path(out),
        journal=_path(journal),
        daily_budget=daily_budget,
        scenario=_path(scenario),
        follow=follow,
        check=check,
        allow_reason_mismatch=allow_reason_mismatch,
        lang=lang,
    )
    hooks = Hooks(
        confirm=lambda plan: production_ok,
        canary_ok=lambda results: all(r.status in (RowStatus.CANCELLED, RowStatus.ACCEPTED) for r in results),
    )
    return _frame(run(Path(path), settings, hooks))
