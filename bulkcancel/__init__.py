"""bulkcancel: cancel bol.com order items in bulk from an Excel or CSV sheet, safely.

A notebook uses the functions below; the ``bulkcancel`` command is a thin shell over the same
pipeline. ``validate_sheet`` and ``run_sheet`` return one row per input row with its Status and
Detail, typed (``bulkcancel.output.frame``: Status and Sent as categoricals, times
timezone-aware, "Counts against score" a nullable boolean, ids as strings), and put a
``bulkcancel.output.frame.FrameInfo`` in ``frame.attrs``: the exit code, the result file, the run
id, why it stopped early (as words and as a ``Stop``), the week's standing against bol's
cancellation norm (a ``bulkcancel.norm.standing.NormEffect``, None for a validation) and the run's
record (``bulkcancel.results.RunRecord``).
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from bulkcancel.errors import BulkCancelError, ConfigError
from bulkcancel.i18n import Text
from bulkcancel.reasons import ReasonCode
from bulkcancel.statuses import ExitCode, RowStatus
from bulkcancel.targets import Api, Environment

if TYPE_CHECKING:
    import pandas as pd

    from bulkcancel.pipeline import Outcome

__all__ = [
    "BulkCancelError",
    "Environment",
    "ExitCode",
    "ReasonCode",
    "RowStatus",
    "run_sheet",
    "stockouts",
    "validate_sheet",
]

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
                hint = Text("did you mean {name!r}? ", name=close[0]) if close else ""
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


def _where(env: Environment | str | None, api: Api | str | None) -> tuple[Environment | None, Api | None]:
    """``env`` and ``api`` as the library takes them; ConfigError (one line) for a name it does not know."""
    try:
        chosen = Environment(env) if env is not None else None
    except ValueError:
        raise ConfigError(
            Text("env={env!r}: choose one of {choices}", env=env, choices=", ".join(Environment.choices()))
        ) from None
    try:
        return chosen, Api(api) if api is not None else None
    except ValueError:
        raise ConfigError(Text("api={api!r}: choose 'retailer' or 'plaza'", api=api)) from None


def _frame(outcome: Outcome) -> pd.DataFrame:
    from bulkcancel.output.frame import FrameInfo, result_frame

    frame = result_frame(outcome.sheet.headers, outcome.rows, outcome.lang, outcome.zone)
    info = FrameInfo(
        exit_code=outcome.exit_code,
        out=str(outcome.out or ""),
        run_id=outcome.run_id or "",
        message=outcome.message,
        stop=outcome.stop,
        cancellation_norm=outcome.norm,
        run=outcome.record,
        lang=outcome.lang,
        timezone=str(outcome.zone),
    )
    frame.attrs.update(info)
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
    accept_strike: bool = False,
) -> pd.DataFrame:
    """Run a sheet and write its result workbook; one row per input row with its outcome.

    Without ``env`` or ``base_url`` it runs the demo against the embedded simulator
    (``scenario`` chooses its order items). ``env`` is ``demo``, ``test`` or
    ``production``; ``api`` is ``"retailer"`` (Retailer API v10: BOL_CLIENT_ID /
    BOL_CLIENT_SECRET; ``login_url`` replaces its token endpoint) or ``"plaza"`` (Plaza v2:
    BOL_PUBLIC_KEY / BOL_PRIVATE_KEY); without it the credentials set decide. Production needs
    ``production_ok=True``: a notebook has no prompt to confirm in; a production run that would
    take the week above bol's cancellation norm (a strike) also needs ``accept_strike=True``. ``out`` is the result
    file (``.xlsx`` or ``.csv``; default ``<name>-results.xlsx``), ``journal`` the journal
    file (default: BULKCANCEL_JOURNAL, else the user's data directory); ``check`` compares
    with bol's open orders first; ``follow=False`` stops at ACCEPTED.
    """
    from bulkcancel.pipeline import run
    from bulkcancel.send.execute import Hooks
    from bulkcancel.settings import Settings

    chosen, chosen_api = _where(env, api)
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
        accept_strike=accept_strike,
    )
    hooks = Hooks(
        confirm=lambda plan: production_ok,
        canary_ok=lambda results: all(r.status in (RowStatus.CANCELLED, RowStatus.ACCEPTED) for r in results),
    )
    return _frame(run(Path(path), settings, hooks))


@_named_options
def stockouts(
    path: str | Path,
    *,
    out: str | Path | None = None,
    env: Environment | str | None = None,
    base_url: str | None = None,
    api: str | None = None,
    login_url: str | None = None,
    sheet: str | None = None,
    scenario: str | Path | None = None,
    journal: str | Path | None = None,
    lang: str = "auto",
    force: bool = False,
) -> pd.DataFrame:
    """From a sheet of products out of stock to the sheet of order items to cancel; sends nothing.

    ``path`` is a products sheet (EAN; optional units still in stock, ReasonCode, note).
    The open orders are fetched once; the units left go to the items promised first. Writes
    ``out`` (default ``stockouts-YYYY-MM-DD.xlsx`` in the current folder, never over a file)
    and returns one row per open order item of the products, with ``Decision``
    (``to_cancel``, ``kept``, ``not_cancellable``, or ``sent_before``: an item ``journal``
    knows an earlier run cancelled or sent, left out) and ``Why``; ``frame.attrs`` holds what
    ``bulkcancel stockouts --json`` prints (``out``, the counts, ``without_open_items``,
    ``fetched_at``). ``env``, ``base_url``, ``api``, ``login_url``, ``scenario`` and
    ``journal`` choose where the orders are read and what was sent, as for ``run_sheet``.
    """
    from datetime import date

    from bulkcancel.output.frame import stockouts_frame
    from bulkcancel.output.stockout_words import why
    from bulkcancel.pipeline.stockouts import stockouts as do_stockouts
    from bulkcancel.pipeline.stockouts import stockouts_path, summary
    from bulkcancel.settings import Settings
    from bulkcancel.stock.allocate import Counts

    chosen, chosen_api = _where(env, api)
    settings = Settings(
        env=chosen,
        base_url=base_url,
        api=chosen_api,
        login_url=login_url,
        sheet=sheet,
        scenario=_path(scenario),
        journal=_path(journal),
        lang=lang,
        force=force,
    )
    done = do_stockouts(Path(path), settings, stockouts_path(_path(out), date.today(), force))
    today = done.fetched.fetched_at.astimezone(settings.zone()).date()
    allocation = done.allocation
    counted = {Counts.YES: True, Counts.NO_IF_SENT_BY_PROMISED: False, Counts.NOT_KNOWN: None}
    rows = [
        {
            "Decision": decision_key,
            "OrderItemId": d.item.order_item_id,
            "ReasonCode": d.reason.value if d.reason else None,
            "EAN": d.product.ean,
            "OrderId": d.item.order_id,
            "Title": d.item.title,
            "Quantity": d.item.open_quantity,
            "OrderedAt": d.item.date_time_customer,
            "PromisedDelivery": d.item.promised_delivery,
            "ExpiryDate": d.item.expiry_date,
            "CountsAgainstNorm": counted[d.counts(today)] if d.reason else None,
            "Why": why(d, done.lang),
        }
        for decision_key, decisions in (
            ("to_cancel", allocation.to_cancel),
            ("kept", allocation.kept),
            ("not_cancellable", allocation.not_cancellable),
            ("sent_before", allocation.sent_before),
        )
        for d in decisions
    ]
    frame = stockouts_frame(rows, settings.zone())
    frame.attrs.update(summary(done))
    return frame
