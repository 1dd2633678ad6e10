"""What the CLI shows a person: the progress bar, the production prompt, the final summary."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text as RichText

from bulkcancel.cli.options import console
from bulkcancel.errors import BulkCancelError
from bulkcancel.i18n import Language, Text, gettext, ngettext
from bulkcancel.norm.standing import NormEffect, NotKnown, Unknown, percent_of
from bulkcancel.output.labels import credentials_from, next_steps, word
from bulkcancel.output.normwords import norm_json, norm_lines
from bulkcancel.output.normwords import title as norm_title
from bulkcancel.pipeline import Outcome
from bulkcancel.send.plan import Plan
from bulkcancel.send.sender import Progress as SendProgress
from bulkcancel.send.sender import SendResult
from bulkcancel.statuses import RowStatus


class _RateColumn(ProgressColumn):
    """Rows ended per second."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def render(self, task: Task) -> RichText:
        speed = task.finished_speed or task.speed
        return RichText(gettext(self.lang, "{rate:.1f} rows/s", rate=speed) if speed else "")


@contextmanager
def progress_printer(enabled: bool, lang: str = Language.EN) -> Iterator[Callable[[SendProgress], None] | None]:
    """A progress bar that fills: rows ended of the total, %, rate, time left, and the counts per status."""
    if not enabled:
        yield None
        return
    with Progress(
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        _RateColumn(lang),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def on_progress(progress: SendProgress) -> None:
            counts = ", ".join(f"{n} {status.value}" for status, n in sorted(progress.ended.items()) if n)
            waits = (
                ngettext(lang, ", {n} rate-limit wait", ", {n} rate-limit waits", progress.rate_limit_waits)
                if progress.rate_limit_waits
                else ""
            )
            bar.update(task, total=progress.total, completed=progress.done, description=counts + waits)

        yield on_progress


def _interactive() -> bool:
    """Whether a person can answer a question (stdin is a terminal)."""
    return sys.stdin.isatty()


def confirm_production(plan: Plan, yes: bool, threshold: int = 50, lang: str = Language.EN) -> bool:
    """Show what a production run will do (and its effect on bol's cancellation norm); ask for "y",
    or the number typed for big runs."""
    reasons = ", ".join(f"{code.value} {count}" for code, count in sorted(plan.reasons().items()))
    console.print(
        ngettext(
            lang,
            "Production: {n} order item will be cancelled at bol.com ({reasons}).",
            "Production: {n} order items will be cancelled at bol.com ({reasons}).",
            plan.to_send,
            reasons=reasons,
        ),
        markup=False,
    )
    effect = plan.norm or NormEffect(NotKnown(Unknown.NOT_ASKED))
    if effect.unsure:
        counted = gettext(
            lang,
            "{n} count against bol's cancellation norm, {unsure} may (not known: see below). Customers are "
            "refunded, the offers' stock is set to 0, and this cannot be undone.",
            n=effect.this_run,
            unsure=effect.unsure,
        )
    else:
        counted = ngettext(
            lang,
            "{n} counts against bol's cancellation norm. Customers are refunded, the offers' stock is set "
            "to 0, and this cannot be undone.",
            "{n} count against bol's cancellation norm. Customers are refunded, the offers' stock is set "
            "to 0, and this cannot be undone.",
            effect.this_run,
        )
    console.print(counted, markup=False)
    for line in norm_lines(effect, lang):
        console.print(f"  {line}", markup=False)
    if yes:
        return True
    if not _interactive():
        raise BulkCancelError(
            Text(
                "refusing a production run without a terminal to confirm in; "
                "add --yes once you have checked the sheet (bulkcancel run --dry-run)"
            )
        )
    if plan.to_send < threshold:
        question = ngettext(lang, "Cancel this {n} order item?", "Cancel these {n} order items?", plan.to_send)
        return click.confirm(question, default=False)
    answer = click.prompt(
        gettext(lang, "Type {n} to cancel them, anything else to stop", n=plan.to_send), default="", show_default=False
    )
    return answer.strip() == str(plan.to_send)


STRIKE_WORD = "strike"  # typed to accept a strike, in every language (bol's own word for it)


def accept_strike(plan: Plan, lang: str = Language.EN) -> bool:
    """A production run that takes the week above bol's norm: the numbers, then ``strike`` typed to go on;
    without a terminal, a refusal (``--accept-strike`` is how a script says yes)."""
    effect = plan.norm or NormEffect(NotKnown(Unknown.NOT_ASKED))
    known = effect.known
    after = effect.after if effect.strike else effect.after + effect.unsure
    pct = percent_of(after, known.denominator) if known else 0.0
    denominator = known.denominator if known else 0
    if not _interactive() and effect.strike:
        raise BulkCancelError(
            Text(
                "refusing: this production run takes the week to {after} of {b} items cancelled ({pct} %), "
                "above bol's cancellation norm: a strike; run it in a terminal to accept that, or add "
                "--accept-strike; nothing was sent",
                after=after,
                b=denominator,
                pct=pct,
            )
        )
    if not _interactive():
        raise BulkCancelError(
            Text(
                "refusing: if its {unsure} rows of unknown count count, this production run takes the week to "
                "{after} of {b} items cancelled ({pct} %), above bol's cancellation norm: a strike; run it with "
                "--check (bol then says which count), in a terminal to accept that, or add --accept-strike; "
                "nothing was sent",
                unsure=effect.unsure,
                after=after,
                b=denominator,
                pct=pct,
            )
        )
    console.print(gettext(lang, "Cancellation norm: this run takes the week above bol's norm."), style="bold red")
    for line in norm_lines(effect, lang):
        console.print(f"  {line}", markup=False)
    answer = click.prompt(
        gettext(lang, "Type {word} to accept the strike and go on, anything else to stop", word=STRIKE_WORD),
        default="",
        show_default=False,
    )
    return answer.strip().lower() == STRIKE_WORD


def canary_prompt(results: list[SendResult], yes: bool, lang: str = Language.EN) -> bool:
    """Show how the canary rows ended and ask whether to send the rest."""
    counts = Counter(result.status.value for result in results)
    ended = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    console.print(gettext(lang, "Canary: {ended}", ended=ended), markup=False)
    for result in results:
        if result.status not in (RowStatus.CANCELLED, RowStatus.ACCEPTED):
            line = gettext(
                lang,
                "row {row}: {status}: {detail}",
                row=result.sheet_row,
                status=result.status.value,
                detail=result.detail,
            )
            console.print(f"  {line}", markup=False)
    all_good = all(r.status in (RowStatus.CANCELLED, RowStatus.ACCEPTED) for r in results)
    if yes:
        if not all_good:
            console.print(gettext(lang, "A canary row did not succeed; the rest is not sent (--yes)."), markup=False)
        return all_good
    if not sys.stdin.isatty():
        console.print(
            gettext(lang, "No terminal to ask in: the rest is not sent (add --yes to go on when the canary succeeds)."),
            markup=False,
        )
        return False
    return click.confirm(gettext(lang, "Send the rest?"), default=False)


def print_json(outcome: Outcome) -> None:
    """A machine-readable summary on stdout."""
    counts = outcome.counts()
    data: dict[str, Any] = {
        "exit_code": int(outcome.exit_code),
        "environment": outcome.target.name.value if outcome.target else None,
        "api": outcome.target.api.value if outcome.target else None,
        "credentials": outcome.credentials.value if outcome.credentials else None,
        "run_id": outcome.run_id,
        "result": str(outcome.out) if outcome.out else None,
        "rows": len(outcome.rows),
        "statuses": {status.value: counts[status] for status in RowStatus if counts[status]},
        "notes": outcome.notes,
        "message": outcome.message or None,
        "stop": outcome.stop.reason.value if outcome.stop else None,  # a StopReason value: for scripts
    }
    if outcome.norm is not None:
        data["cancellation_norm"] = norm_json(outcome.norm)
    sys.stdout.write(json.dumps(data) + "\n")


def print_outcome(outcome: Outcome, title: str) -> None:
    """The summary table, notes, what to do next and where the result went, in the sheet's language.

    ``title`` is a key of ``output.labels.WORDS`` ("Run on" gets the environment)."""
    lang = outcome.lang
    if outcome.target is not None and outcome.target.in_process:
        console.print(word("Demo", lang), markup=False)
    elif outcome.credentials is not None:
        console.print(credentials_from(outcome.credentials, lang), markup=False)
    counts = outcome.counts()
    table = Table(title=word(title, lang, where=outcome.environment), title_justify="left")
    table.add_column(word("Status", lang))
    table.add_column(word("Rows", lang), justify="right")
    for status in RowStatus:
        if counts[status]:
            table.add_row(status.value, str(counts[status]))
    table.add_row(word("Total", lang), str(len(outcome.rows)), style="bold")
    console.print(table)
    for note in outcome.notes:
        console.print(f"{word('Note', lang)}: {note}", markup=False)
    if outcome.norm is not None:
        said = norm_lines(outcome.norm, lang, done=outcome.run_id is not None)
        console.print(f"{norm_title(lang)}: " + " ".join(said), markup=False)
    if outcome.message:
        console.print(outcome.message, markup=False)
    for step in next_steps(dict(counts), lang):
        console.print(f"- {step}", markup=False)
    if outcome.out:
        console.print(f"{word('Result', lang)}: {outcome.out}", markup=False)
    if outcome.run_id:
        console.print(f"{word('Run id', lang)}: {outcome.run_id}", markup=False)
