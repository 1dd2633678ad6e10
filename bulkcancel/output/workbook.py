"""What the result workbook says: Results (every row), Summary (what happened, what to do next,
a chart, the legend) and Retry (the rows that need attention, ready to be fed back in).

Every status family has a colour of its own, used in the Status column, the Summary, its
legend and its chart. Times are date cells in the run's time zone (``dd-mm-yyyy hh:mm``).
Pages print landscape, one page wide, with the header row repeated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from operator import attrgetter
from pathlib import Path

from bulkcancel.norm.counting import Counting
from bulkcancel.output.labels import environment_text, meaning, next_steps, stop_text, word
from bulkcancel.output.normwords import counting_cell, norm_lines, title
from bulkcancel.output.xlsxcells import DATE, NORMAL, WRAP, Cell
from bulkcancel.output.xlsxwrite import SheetSpec, Styles, bar_chart, write_sheets
from bulkcancel.reasons import ReasonCode
from bulkcancel.results import ResultRow, RunRecord, RunSummary, norm_counting_of, norm_kinds
from bulkcancel.sheet.cells import column_letter
from bulkcancel.statuses import RowStatus

COLOURS = {
    RowStatus.CANCELLED: "A9D08E",  # done: greens and grey
    RowStatus.ALREADY_CANCELLED: "D9EAD3",
    RowStatus.SKIPPED: "D9D9D9",
    RowStatus.DROPPED: "EDEDED",  # left out by the person: paler grey
    RowStatus.ACCEPTED: "9BC2E6",  # on its way: blue
    RowStatus.READY: "DDEBF7",
    RowStatus.DUPLICATE: "FFF2CC",  # nothing sent, nothing wrong: pale yellow
    RowStatus.NOT_SENT: "FFD966",  # run again: amber and orange
    RowStatus.UNKNOWN: "F4B084",
    RowStatus.INVALID: "F4CCCC",  # fix the sheet: light red
    RowStatus.FAILED: "E06666",  # bol refused: red
}
OUTCOME_COLUMNS = (
    7  # Status, Detail, Sent as, Counts against score, Time given to bol, Request sent at, ProcessStatusId
)


def _rows(
    rows: Sequence[ResultRow], summary: RunSummary, fills: dict[RowStatus, int]
) -> Iterator[tuple[list[Cell], int]]:
    """Each row's cells and its Status fill; times local to the run (the words of a counting made once)."""
    lang, zone = summary.lang, summary.zone
    words: dict[tuple[RowStatus, ReasonCode | None, Counting | None], str] = {}
    statuses = {status: status.value for status in RowStatus}  # an enum's .value is a slow property
    reasons: dict[ReasonCode | None, str] = {reason: reason.value for reason in ReasonCode}
    for row in rows:
        kind = (row.status, row.sent_as, row.counting)
        counted = words.get(kind)
        if counted is None:
            counted = words[kind] = counting_cell(norm_counting_of(*kind), lang)
        given, sent = row.time_given, row.sent_at
        cells: list[Cell] = [
            row.sheet_row,
            *row.cells,
            statuses[row.status],
            row.detail,
            reasons.get(row.sent_as, ""),
            counted,
            given.astimezone(zone).replace(tzinfo=None) if given else None,
            sent.astimezone(zone).replace(tzinfo=None) if sent else None,
            row.process_status_id,
        ]
        yield cells, fills[row.status]


def _widths(names: Sequence[str], rows: Sequence[ResultRow]) -> list[float]:
    sample = [[str(row.sheet_row), *row.cells] for row in rows[:500]]
    inputs = [
        min(max(max([len(name)] + [len(cells[col]) for cells in sample if col < len(cells)]) + 2, 8), 40)
        for col, name in enumerate(names[: len(names) - OUTCOME_COLUMNS])
    ]
    return [*inputs, 19, 60, 24, 21, 19, 19, 16]


def _table(
    name: str, names: Sequence[str], rows: Sequence[ResultRow], summary: RunSummary, styles: Styles
) -> SheetSpec:
    status_column = len(names) - OUTCOME_COLUMNS
    fills = {status: styles.fill(rgb) for status, rgb in COLOURS.items()}
    column_styles = [NORMAL] * status_column + [NORMAL, WRAP, NORMAL, NORMAL, DATE, DATE, NORMAL]
    last = column_letter(len(names) - 1)
    return SheetSpec(
        name=name,
        header=names,
        rows=_rows(rows, summary, fills),
        count=len(rows),
        widths=_widths(names, rows),
        column_styles=column_styles,
        styled_column=status_column,
        filtered=True,
        text_columns=f"B2:{last}{len(rows) + 1}" if rows else "",
    )


def _summary_lines(rows: Sequence[ResultRow], summary: RunSummary, styles: Styles) -> list[tuple[list[Cell], int]]:
    lang = summary.lang
    kinds = norm_kinds(rows)
    counts: Counter[RowStatus] = Counter()
    for (status, _, _), n in kinds.items():
        counts[status] += n
    present = [status for status in RowStatus if counts[status]]
    lines: list[tuple[list[Cell], int]] = [([s.value, counts[s]], styles.fill(COLOURS[s])) for s in present]
    against = sum(n for kind, n in kinds.items() if (found := norm_counting_of(*kind)) is not None and found.counts)
    lines += [([word("Total", lang), len(rows)], NORMAL), ([], NORMAL)]
    lines += [([word("Against the performance score", lang), against], NORMAL), ([], NORMAL)]
    if summary.norm is not None:
        said = norm_lines(summary.norm, lang, done=not summary.dry_run)
        lines += [([title(lang) if n == 0 else "", line], NORMAL) for n, line in enumerate(said)]
        lines += [([], NORMAL)]
    lines += [([word("Next steps", lang), ""], NORMAL)]
    lines += [([step, ""], NORMAL) for step in next_steps(dict(counts), lang)]
    sent = word("Cancellations to send" if summary.dry_run else "Cancellations sent", lang)
    lines += [([], NORMAL), ([word("ReasonCode", lang), sent], NORMAL)]
    lines += [([reason, count], NORMAL) for reason, count in sorted(summary.reasons.items())]
    lines += [([], NORMAL), ([word("Run", lang), ""], NORMAL)]
    lines += [([word(key, lang), value], NORMAL) for key, value in _run_facts(summary.run, lang)]
    lines += [([], NORMAL), ([word("Legend", lang), ""], NORMAL)]
    lines += [([status.value, meaning(status, lang)], styles.fill(COLOURS[status])) for status in RowStatus]
    return lines


def _run_facts(run: RunRecord, lang: str) -> list[tuple[str, Cell]]:
    """The Summary's lines about the run itself, from its record: every one has a caption in ``WORDS``."""
    facts: list[tuple[str, Cell]] = []
    counts = run.counts
    if counts is not None and counts.duration is not None:
        facts.append(("Duration", word("seconds", lang, n=counts.duration)))
    if counts is not None and not run.dry_run:
        facts += [
            ("Retries", counts.retries),
            ("Rate-limit waits", counts.rate_limit_waits),
            ("Rate-limit answers", counts.rate_limited),
        ]
    if run.stop is not None:
        facts.append(("Stopped early", stop_text(run.stop, lang)))
    facts += [
        ("Input file", run.input_name or run.input_path),
        ("Environment", environment_text(run.target, lang)),
        ("Started", f"{run.started_at.astimezone(run.zone):%d-%m-%Y %H:%M:%S}"),
        ("Time zone", run.timezone),
        ("Tool version", f"bulkcancel {run.tool_version}"),
    ]
    if run.run_id:
        facts.append(("Run id", run.run_id))
    if run.options is not None and run.options.dry_run:
        facts.append(("Dry run", word("Dry run yes", lang)))
    return facts


def _summary(rows: Sequence[ResultRow], summary: RunSummary, styles: Styles) -> SheetSpec:
    lines = _summary_lines(rows, summary, styles)
    counts = Counter(map(attrgetter("status"), rows))
    present = [status for status in RowStatus if counts[status]]
    name = word("Summary", summary.lang)
    chart = (
        bar_chart(
            word("Outcome", summary.lang),
            name,
            2,
            [status.value for status in present],
            [counts[status] for status in present],
            [COLOURS[status] for status in present],
        )
        if present
        else None
    )
    return SheetSpec(
        name=name,
        header=[word("Status", summary.lang), word("Rows", summary.lang)],
        rows=iter(lines),
        count=len(lines),
        widths=[34, 70],
        column_styles=[NORMAL, WRAP],
        styled_column=0,
        chart=chart,
    )


def retry_rows(rows: Sequence[ResultRow], summary: RunSummary) -> list[ResultRow]:
    """The rows that need attention (a dry run's NOT_SENT rows do not: nothing was meant to go out)."""
    attention = {status for status in RowStatus if status.needs_attention}
    if summary.dry_run:
        attention.discard(RowStatus.NOT_SENT)
    return [row for row in rows if row.status in attention]


def write_workbook(path: Path, names: Sequence[str], rows: Sequence[ResultRow], summary: RunSummary) -> None:
    """Write Results, Summary and Retry to ``path``."""
    styles = Styles()
    lang = summary.lang
    sheets = [
        _table(word("Results", lang), names, rows, summary, styles),
        _summary(rows, summary, styles),
        _table(word("Retry", lang), names, retry_rows(rows, summary), summary, styles),
    ]
    write_sheets(str(path), sheets, styles)
