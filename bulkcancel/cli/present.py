"""What the CLI shows a person: the progress bar, the production prompt, the final summary."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bulkcancel.cli.options import console
from bulkcancel.errors import BulkCancelError
from bulkcancel.pipeline import Outcome
from bulkcancel.send.plan import Plan
from bulkcancel.send.sender import SendResult
from bulkcancel.statuses import RowStatus


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


def confirm_production(plan: Plan, yes: bool, threshold: int = 50) -> bool:
    """Show what a production run will do; ask for "y", or the number typed for big runs."""
    reasons = ", ".join(f"{code.value} {count}" for code, count in sorted(plan.reasons().items()))
    console.print(f"[bold]Production[/bold]: {plan.to_send} order item(s) will be cancelled at bol.com ({reasons}).")
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
    if plan.to_send < threshold:
        return click.confirm(f"Cancel these {plan.to_send} order item(s)?", default=False)
    answer = click.prompt(f"Type {plan.to_send} to cancel them, anything else to stop", default="", show_default=False)
    return answer.strip() == str(plan.to_send)


def canary_prompt(results: list[SendResult], yes: bool) -> bool:
    """Show how the canary rows ended and ask whether to send the rest."""
    counts = Counter(result.status.value for result in results)
    console.print("Canary: " + ", ".join(f"{count} {status}" for status, count in sorted(counts.items())))
    for result in results:
        if result.status not in (RowStatus.CANCELLED, RowStatus.ACCEPTED):
            console.print(f"  row {result.index + 1}: {result.status.value}: {result.detail}", markup=False)
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
    data = {
        "exit_code": int(outcome.exit_code),
        "environment": outcome.target.name.value if outcome.target else None,
        "run_id": outcome.run_id,
        "result": str(outcome.out) if outcome.out else None,
        "rows": len(outcome.rows),
        "statuses": {status.value: counts[status] for status in RowStatus if counts[status]},
        "notes": outcome.notes,
        "message": outcome.message or None,
    }
    sys.stdout.write(json.dumps(data) + "\n")


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
