"""What the CLI shows a person: the progress bar, the production prompt, the final summary."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bulkcancel.errors import BulkCancelError
from bulkcancel.pipeline import Outcome
from bulkcancel.plan import Plan
from bulkcancel.statuses import RowStatus

console = Console(highlight=False, soft_wrap=True)


@contextmanager
def progress_printer(enabled: bool) -> Iterator[Callable[[str], None] | None]:
    """A callback that advances a progress bar per event, or None when quiet."""
    if not enabled:
        yield None
        return
    counts = {"sent": 0, "accepted": 0, "cancelled": 0, "failed": 0}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("sending", total=None)

        def on_event(kind: str) -> None:
            counts[kind] = counts.get(kind, 0) + 1
            bar.update(task, description=", ".join(f"{v} {k}" for k, v in counts.items()))

        yield on_event


def confirm_production(plan: Plan, yes: bool) -> bool:
    """Show what a production run will do and ask for the number of rows to be typed."""
    reasons = ", ".join(f"{code.value} {count}" for code, count in sorted(plan.reasons().items()))
    console.print(
        f"[bold]Production[/bold]: {plan.to_send} order item(s) will be cancelled at bol.com "
        f"({reasons})."
    )
    console.print(
        f"{plan.against_score} count against your performance score; "
        f"{plan.to_send - plan.against_score} confirm customer requests. Customers are "
        "refunded, the offers' stock is set to 0, and this cannot be undone."
    )
    if yes:
        return True
    if not sys.stdin.isatty():
        raise BulkCancelError(
            "refusing a production run without a terminal to confirm in; "
            "add --yes once you have checked the sheet (bulkcancel run --dry-run)"
        )
    answer = click.prompt(
        f"Type {plan.to_send} to cancel them, anything else to stop", default="", show_default=False
    )
    return answer.strip() == str(plan.to_send)


def print_outcome(outcome: Outcome, title: str) -> None:
    """The summary table, notes, and where the result went."""
    if outcome.target is not None and outcome.target.in_process:
        console.print(
            "Demo: ran against the embedded simulator; nothing reached bol.com "
            "(choose --env test or --env production for real runs)."
        )
    counts = outcome.counts()
    table = Table(title=title, title_justify="left")
    table.add_column("Status")
    table.add_column("Rows", justify="right")
    for status in RowStatus:
        if counts[status]:
            table.add_row(status.value, str(counts[status]))
    table.add_row("Total", str(len(outcome.rows)), style="bold")
    console.print(table)
    for note in outcome.notes:
        console.print(f"Note: {note}", markup=False)
    if outcome.message:
        console.print(outcome.message, markup=False)
    if outcome.out:
        console.print(f"Result: {outcome.out}", markup=False)
    if outcome.run_id:
        console.print(f"Run id: {outcome.run_id}", markup=False)
