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
from rich.text import Text

from bulkcancel.cli.options import console
from bulkcancel.errors import BulkCancelError
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

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} rows/s" if speed else "")


@contextmanager
def progress_printer(enabled: bool) -> Iterator[Callable[[SendProgress], None] | None]:
    """A progress bar that fills: rows ended of the total, %, rate, time left, and the counts per status."""
    if not enabled:
        yield None
        return
    with Progress(
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        _RateColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def on_progress(progress: SendProgress) -> None:
            counts = ", ".join(f"{n} {status.value}" for status, n in sorted(progress.ended.items()) if n)
            waits = f", {progress.rate_limit_waits} rate-limit wait(s)" if progress.rate_limit_waits else ""
            bar.update(task, total=progress.total, completed=progress.done, description=counts + waits)

        yield on_progress


def _interactive() -> bool:
    """Whether a person can answer a question (stdin is a terminal)."""
    return sys.stdin.isatty()


def confirm_production(plan: Plan, yes: bool, threshold: int = 50) -> bool:
    """Show what a production run will do; ask for "y", or the number typed for big runs."""
    reasons = ", ".join(f"{code.value} {count}" for code, count in sorted(plan.reasons().items()))
    console.print(f"[bold]Production[/bold]: {plan.to_send} order item(s) will be cancelled at bol.com ({reasons}).")
    effect = plan.norm or NormEffect(NotKnown(Unknown.NOT_ASKED))
    unsure = f", {effect.unsure} may (not known: see below)" if effect.unsure else ""
    console.print(
        f"{effect.this_run} count against bol's cancellation norm{unsure}. Customers are "
        "refunded, the offers' stock is set to 0, and this cannot be undone."
    )
    for line in norm_lines(effect, "en"):
        console.print(f"  {line}", markup=False)
    if yes:
        return True
    if not _interactive():
        raise BulkCancelError(
            "refusing a production run without a terminal to confirm in; "
            "add --yes once you have checked the sheet (bulkcancel run --dry-run)"
        )
    if plan.to_send < threshold:
        return click.confirm(f"Cancel these {plan.to_send} order item(s)?", default=False)
    answer = click.prompt(f"Type {plan.to_send} to cancel them, anything else to stop", default="", show_default=False)
    return answer.strip() == str(plan.to_send)


STRIKE_WORD = "strike"


def accept_strike(plan: Plan) -> bool:
    """A production run that takes the week above bol's norm: the numbers, then ``strike`` typed to go on."""
    effect = plan.norm or NormEffect(NotKnown(Unknown.NOT_ASKED))
    known = effect.known
    numbers = (
        f"{effect.after} of {known.denominator} items cancelled this week"
        f" ({percent_of(effect.after, known.denominator)} %)"
        if known
        else "the week's standing"
    )
    expect = "expect a strike" if effect.strike else f"a strike if the {effect.unsure} row(s) not known count"
    if not _interactive():
        raise BulkCancelError(
            f"refusing: this production run takes {numbers} above bol's cancellation norm ({expect}); "
            "run it in a terminal to accept that, or add --accept-strike; nothing was sent"
        )
    console.print("[bold red]Cancellation norm: this run takes the week above bol's norm.[/bold red]")
    for line in norm_lines(effect, "en"):
        console.print(f"  {line}", markup=False)
    answer = click.prompt(
        f"Type {STRIKE_WORD} to accept {expect} and go on, anything else to stop", default="", show_default=False
    )
    return answer.strip().lower() == STRIKE_WORD


def canary_prompt(results: list[SendResult], yes: bool) -> bool:
    """Show how the canary rows ended and ask whether to send the rest."""
    counts = Counter(result.status.value for result in results)
    console.print("Canary: " + ", ".join(f"{count} {status}" for status, count in sorted(counts.items())))
    for result in results:
        if result.status not in (RowStatus.CANCELLED, RowStatus.ACCEPTED):
            console.print(f"  row {result.sheet_row}: {result.status.value}: {result.detail}", markup=False)
    all_good = all(r.status in (RowStatus.CANCELLED, RowStatus.ACCEPTED) for r in results)
    if yes:
        if not all_good:
            console.print("A canary row did not succeed; the rest is not sent (--yes).")
        return all_good
    if not sys.stdin.isatty():
        console.print("No terminal to ask in: the rest is not sent (add --yes to go on when the canary succeeds).")
        return False
    return click.confirm("Send the rest?", default=False)


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
