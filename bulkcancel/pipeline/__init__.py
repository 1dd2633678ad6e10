"""The one place that knows every step: read, validate, plan, send, follow, write.

``validate`` and ``run`` return an ``Outcome`` (every row with its status, the exit code,
where the result went); the CLI prints it, ``validate_sheet``/``run_sheet`` turn it into a
DataFrame. ``customer_requests`` and ``report`` are the other two jobs that span stages.
A run that cannot start raises a BulkCancelError before anything is sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, tzinfo
from importlib.metadata import version
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from bulkcancel.backend import CancellationBackend, OpenOrderItem
from bulkcancel.check.damage import damage_notes
from bulkcancel.check.schema import RowCheck, validate_sheet_rows
from bulkcancel.errors import BulkCancelError, CredentialsError, JournalError, OutputError
from bulkcancel.i18n import N_, Joined, Text, render
from bulkcancel.journal.rebuild import journal_rows, rebuild
from bulkcancel.journal.store import Journal, default_journal_path
from bulkcancel.logs import protect
from bulkcancel.norm.standing import NormEffect, NotKnown, Standing, Unknown, Week
from bulkcancel.output.destination import check_destination, free_name
from bulkcancel.output.labels import StopWords, environment_text, local_time, stop_text, word
from bulkcancel.output.report import write_results
from bulkcancel.output.requests_sheet import write_requests_sheet
from bulkcancel.plaza.signing import ApiKeys
from bulkcancel.results import SENT, DroppedRow, ResultRow, RunCounts, RunRecord, Stop, StopReason, summarize
from bulkcancel.retailer.environments import ClientCredentials
from bulkcancel.send.execute import Hooks, execute
from bulkcancel.send.plan import Plan, make_plan
from bulkcancel.send.preflight import customer_requests as customer_requests_of
from bulkcancel.send.preflight import fetch_open_items
from bulkcancel.send.sender import SendResult
from bulkcancel.send.standing import OpenItems, item_counting
from bulkcancel.settings import Settings
from bulkcancel.sheet.notes import in_language
from bulkcancel.sheet.read import Sheet, read_sheet, shown
from bulkcancel.statuses import ExitCode, RowStatus, exit_code_for
from bulkcancel.targets import Api, CredentialSource, Environment, Target

if TYPE_CHECKING:  # send.connect brings the HTTP client (aiohttp): imported where a run connects
    from bulkcancel.send.connect import Credentials


@dataclass
class Outcome:
    """Everything a run produced."""

    sheet: Sheet
    rows: list[ResultRow]
    exit_code: ExitCode
    target: Target | None = None
    out: Path | None = None
    run_id: str | None = None
    stop: Stop | None = None  # why sending stopped early
    notes: list[str] = field(default_factory=list)
    lang: str = "en"  # of the sheet's people: the console speaks it too
    zone: tzinfo = UTC  # the run's --timezone
    credentials: CredentialSource | None = None  # where the run's credentials came from (None: it needed none)
    record: RunRecord | None = None  # the run as its result describes it
    norm: NormEffect | None = None  # the week's standing against bol's norm and this run's effect (plan, run)

    @property
    def environment(self) -> str:
        """Where the run went, in words (the URL for a custom one)."""
        return environment_text(self.target, self.lang) if self.target else "none"

    @property
    def message(self) -> str:
        """Why the run stopped early, in its language (empty: it did not)."""
        return stop_text(self.stop, self.lang) if self.stop else ""

    def counts(self) -> Counter[RowStatus]:
        """Rows per status."""
        return Counter(map(attrgetter("status"), self.rows))


def _tool_version() -> str:
    try:
        return version("bulkcancel")
    except Exception:
        return "unknown"


def default_out(path: Path, suffix: str) -> Path:
    """``<input stem>-<suffix>.xlsx`` beside the input."""
    return path.with_name(f"{path.stem}-{suffix}.xlsx")


def _rows_from_checks(sheet: Sheet, checks: list[RowCheck]) -> list[ResultRow]:
    cells, ready = sheet.rows, RowStatus.READY  # one row each of 100,000: positional, names looked up once
    return [
        ResultRow(c.sheet_row, cells[c.index], c.status, c.detail, "", c.reason if c.status is ready else None)
        for c in checks
    ]


DROPPED_DETAIL = N_("removed on the page before the run: not sent, and not in the corrected sheet")


def _with_dropped(rows: list[ResultRow], dropped: tuple[DroppedRow, ...], width: int, lang: str) -> list[ResultRow]:
    """``rows`` with the rows removed on the page, DROPPED with their cells as uploaded (as wide as the
    sheet's headers), each at its place: the result has every input row, in input order."""
    if not dropped:
        return rows
    detail = render(Text(DROPPED_DETAIL), lang)
    removed = [
        ResultRow(row.sheet_row, [*row.cells, *[""] * (width - len(row.cells))], RowStatus.DROPPED, detail)
        for row in dropped
    ]
    return sorted([*rows, *removed], key=lambda row: row.sheet_row)


def _record(
    path: Path, settings: Settings, started: datetime, lang: str, sheet: Sheet, target: Target | None = None
) -> RunRecord:
    """What the result will say about this run, before it has a run id or an end."""
    return RunRecord(
        run_id="",
        started_at=started,
        target=target,
        timezone=settings.timezone,
        lang=lang,
        input_path=shown(path),
        input_name=settings.input_name or shown(path),
        headers=tuple(sheet.headers),
        delimiter=sheet.delimiter,
        options=settings.run_options(),
        tool_version=_tool_version(),
    )


def validate(path: Path, settings: Settings, write: bool = True) -> Outcome:
    """Read and validate ``path`` offline: READY, INVALID or DUPLICATE per row."""
    settings.verify()
    started = datetime.now(UTC)
    sheet = read_sheet(path, settings.sheet, settings.limits, dict(settings.columns))
    checks = validate_sheet_rows(sheet, settings.zone(), started, settings.language(sheet.columns.dutch))
    lang = settings.language(sheet.columns.dutch)
    rows = _with_dropped(_rows_from_checks(sheet, checks), settings.dropped, len(sheet.headers), lang)
    out = settings.out or default_out(path, "checked")
    record = _record(path, settings, started, lang, sheet)
    if write:
        check_destination(out, (path,), settings.force)
        write_results(out, sheet.headers, rows, summarize(record, rows), sheet.delimiter)
    return Outcome(
        sheet,
        rows,
        exit_code_for([r.status for r in rows]),
        out=out if write else None,
        notes=[*in_language(sheet.notes, lang), *damage_notes(checks, lang)],
        lang=lang,
        zone=settings.zone(),
        record=record,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _connect(target: Target, keys: Credentials, settings: Settings) -> Callable[[], CancellationBackend]:
    """How the networked part opens its backend (not before it needs one)."""
    from bulkcancel.send.connect import open_backend  # the HTTP client: not imported by validate

    return lambda: open_backend(
        target, keys, concurrency=settings.concurrency, timeout=settings.request_timeout, scenario=settings.scenario
    )


def _open_target(
    settings: Settings, notes: list[str] | None = None
) -> tuple[Target, Credentials, CredentialSource | None]:
    """The target, its credentials and where they came from; a dry run that talks to nobody (no
    ``--check``) needs none (then ``notes`` gets the key of the note that says so)."""
    from bulkcancel.send.connect import find_credentials, resolve

    target = resolve(settings.api, settings.env, settings.base_url, settings.login_url)
    try:
        found = find_credentials(target)
    except CredentialsError:
        if not (settings.dry_run and not settings.check) or notes is None:
            raise
        notes.append("No keys")
        return target, ClientCredentials("", "") if target.api is Api.RETAILER else ApiKeys("", ""), None
    for secret in found.credentials.secrets:
        protect(secret)
    return target, found.credentials, found.source


def _utc_now() -> datetime:
    return datetime.now(UTC)


def run(
    path: Path,
    settings: Settings,
    hooks: Hooks | None = None,
    clock: Callable[[], datetime] = _utc_now,
) -> Outcome:
    """Validate, plan, send and write the result workbook; README.md, "Statuses and exit codes".
    ``clock`` gives the run's moment (bol's week for the cancellation norm)."""
    hooks = hooks or Hooks()
    settings.verify()
    key_notes: list[str] = []
    target, keys, source = _open_target(settings, key_notes)
    timestamps = target.api is Api.PLAZA
    if not timestamps:
        key_notes.append("No timestamp")
    started, ticks = clock(), time.monotonic()
    zone = settings.zone()
    sheet = read_sheet(path, settings.sheet, settings.limits, dict(settings.columns))
    lang = settings.language(sheet.columns.dutch)
    checks = validate_sheet_rows(sheet, zone, started, lang)
    run_time = started.astimezone(zone)
    out = settings.out or default_out(path, "dry-run" if settings.dry_run and not settings.check else "results")
    check_destination(out, (path,), settings.force)  # before anything is sent: found now, not after
    run_id = f"{started:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    record = replace(
        _record(path, settings, started, lang, sheet, target), account=keys.seller_ref, out_path=shown(out)
    )
    with Journal(settings.journal or default_journal_path(), target.name.value, keys.seller_ref) as journal:
        plan = make_plan(checks, journal, run_time, max(settings.daily_budget - journal.sent_today(), 0))

        def start_journal() -> None:
            journal.start_run(replace(record, run_id=run_id, input_sha256=_sha256(path)))
            pending = {job.index for job in plan.jobs}
            journal.save_rows(
                run_id,
                journal_rows(
                    _with_dropped(
                        _assemble(sheet, checks, plan, {}, timestamps=timestamps, lang=lang),
                        settings.dropped,
                        len(sheet.headers),
                        lang,
                    ),
                    checks,
                    pending,
                ),
            )

        hooks.on_start = start_journal
        options = settings.execute_options(production=target.is_production, started=started)
        done = asyncio.run(execute(plan, options, _connect(target, keys, settings), journal, run_id, hooks))
        results = done.results
        for index, note in done.check_notes.items():
            if index in results:
                result = results[index]
                results[index] = replace(result, detail=_join(note, result.detail))
        started_sending = journal.run_info(run_id) is not None
        rows = _assemble(
            sheet, checks, plan, results, timestamps=timestamps, facts=done.open_items, now=started, lang=lang
        )
        norm = plan.norm if settings.dry_run or plan.norm is None else _run_effect(plan, checks, rows)
        rows = _with_dropped(rows, settings.dropped, len(sheet.headers), lang)
        statuses = [r.status for r in rows]
        code = exit_code_for(statuses)
        if settings.dry_run:
            code = exit_code_for([s for s in statuses if s is not RowStatus.NOT_SENT])
        counts = RunCounts(time.monotonic() - ticks, done.retries, done.rate_limit_waits, done.rate_limited)
        if started_sending:
            record = journal.run_info(run_id) or record  # as the journal keeps it (its sha256)
        record = replace(record, stop=done.stop, counts=counts, norm=norm, exit_code=code)
        if started_sending and not (done.stop and done.stop.reason is StopReason.JOURNAL):
            journal.save_rows(run_id, journal_rows(rows, checks))
            journal.finish_run(run_id, code, done.stop, counts, norm)
        outcome = Outcome(
            sheet,
            rows,
            code,
            target,
            out,
            run_id if started_sending else None,
            done.stop,
            [*(word(key, lang) for key in key_notes), *in_language(sheet.notes, lang), *damage_notes(checks, lang)],
            lang=lang,
            zone=zone,
            credentials=source,
            record=record,
            norm=norm,
        )
        if plan.over_budget:
            over = word("Over budget", lang, n=plan.over_budget, budget=settings.daily_budget)
            outcome.notes.append(over)
        try:
            write_results(out, sheet.headers, rows, summarize(record, rows), sheet.delimiter)
        except OutputError as exc:
            if not started_sending:
                raise
            raise OutputError(
                Text(
                    "{exc}. Every outcome is in the journal: write the result again with: bulkcancel report "
                    "{run_id} --out OTHER.xlsx",
                    exc=exc,
                    run_id=run_id,
                )
            ) from None
    if done.stop and done.stop.reason is StopReason.AUTH:
        raise CredentialsError(Text("{why}; the result is in {out}", why=StopWords(done.stop), out=out))
    return outcome


def week_standing(settings: Settings, clock: Callable[[], datetime] = _utc_now) -> Standing | NotKnown:
    """This week's standing against bol's cancellation norm at the run's target (the page's confirm
    step shows it before Send), or why it is not known; never raises."""
    try:
        target, keys, _ = _open_target(settings)
    except BulkCancelError as exc:
        return NotKnown(Unknown.REFUSED, str(exc))

    async def read() -> Standing | NotKnown:
        backend = _connect(target, keys, settings)()
        try:
            return await backend.cancellation_standing(Week.of(clock()))
        finally:
            await backend.aclose()

    return asyncio.run(read())


def customer_requests(path: Path, settings: Settings, lang: str = "en") -> int:
    """Write the open items whose customer asked to cancel to ``path`` (a template in ``lang``); how many there are."""
    target, keys, _ = _open_target(settings)

    async def fetch() -> dict[str, OpenOrderItem]:
        backend = _connect(target, keys, settings)()
        try:
            return await fetch_open_items(backend, settings.max_order_pages)
        finally:
            await backend.aclose()

    items = customer_requests_of(asyncio.run(fetch()))
    write_requests_sheet(path, items, lang)
    return len(items)


def requests_path(out: Path | None, today: date, force: bool) -> Path:
    """Where ``requests`` writes: ``--out`` (refused if it exists, unless ``force``), else today's
    name, or ``-2``, ``-3``, ... when today's is there already (a sheet under review is kept)."""
    if out is not None:
        if out.suffix.lower() != ".xlsx":
            raise OutputError(
                Text("--out {out}: the requests sheet is an Excel workbook; give a name ending in .xlsx", out=out)
            )
        if out.exists() and not force:
            raise OutputError(
                Text("--out {out}: exists; it is not written over: choose another name, or add --force", out=out)
            )
        return out
    return free_name(Path(f"customer-requests-{today:%Y-%m-%d}.xlsx"))


@dataclass(frozen=True)
class RunListing:
    """One run of the journal, as ``bulkcancel runs`` and the page's History list it."""

    run_id: str
    started: str  # in the run's own time zone
    input_path: str  # the sheet's name
    environment: str
    counts: str  # rows per status
    code: ExitCode | None  # how it ended; None: still running, or stopped without an end (killed)
    api: Api = Api.PLAZA
    env: Environment | None = None  # where it went, for a short listing; None: a validation
    by_status: tuple[tuple[str, int], ...] = ()  # rows per status (as stored: PENDING too), for a short listing
    started_at: datetime | None = None  # in the run's own time zone


def run_history(journal_path: Path | None, api: Api | None = None, lang: str = "en") -> list[RunListing]:
    """Every run in the journal (the CLI's and the page's), the latest first; ``api``: only its runs."""
    with Journal(journal_path or default_journal_path(), "", "", read_only=True) as store:  # a run may hold the lock
        listed = store.runs()
    return [
        RunListing(
            run.run_id,
            local_time(run.started_at, run.zone),
            run.file_name,
            environment_text(run.target, lang),
            ", ".join(f"{n} {status}" for status, n in sorted(counts.items())),
            run.exit_code,
            run.target.api if run.target else Api.PLAZA,
            run.target.name if run.target else None,
            tuple(sorted(counts.items())),
            run.started_at.astimezone(run.zone),
        )
        for run, counts in listed
        if api is None or (run.target is not None and run.target.api is api)
    ]


@dataclass(frozen=True)
class Report:
    """A stored run written again: its id, where, and the exit code it had."""

    run_id: str
    out: Path
    exit_code: ExitCode


def report(run_id: str | None, out: Path | None, journal_path: Path | None, force: bool = False) -> Report:
    """Write a run's result again from the journal (the latest run when ``run_id`` is None).

    Without ``out`` it goes where the run wrote it if that file is gone, else beside it as
    ``<name>-<run id>.xlsx``: a rebuilt result never replaces one silently."""
    with Journal(journal_path or default_journal_path(), "", "", read_only=True) as store:
        chosen = run_id or store.latest_run_id(any_target=True)
        if chosen is None:
            raise JournalError(Text("the journal {path} has no runs yet", path=store.path))
        stored = rebuild(store, chosen)
    target = out or Path(stored.run.out_path)
    if out is None and target.exists():
        target = free_name(target.with_name(f"{target.stem}-{chosen}{target.suffix}"))
    check_destination(target, (Path(stored.run.input_path),), force)
    write_results(target, stored.run.headers, stored.rows, summarize(stored.run, stored.rows), stored.run.delimiter)
    return Report(chosen, target, exit_code_for([row.status for row in stored.rows]))


def _run_effect(plan: Plan, checks: list[RowCheck], rows: list[ResultRow]) -> NormEffect:
    """The week's standing with what this run sent that counts (or may count); a row followed up
    here was sent by an earlier run, and counted then."""
    assert plan.norm is not None
    earlier = {job.index for job in plan.jobs if job.follow_up_id}
    found = [
        row.counts_against_score
        for check, row in zip(checks, rows, strict=True)
        if row.status in SENT and check.index not in earlier
    ]
    return replace(plan.norm, this_run=sum(1 for c in found if c), unsure=sum(1 for c in found if c is None))


def _assemble(
    sheet: Sheet,
    checks: list[RowCheck],
    plan: Plan,
    results: dict[int, SendResult],
    *,
    timestamps: bool = True,
    facts: OpenItems = None,
    now: datetime | None = None,
    lang: str = "en",
) -> list[ResultRow]:
    """Every row with its outcome, its Detail in ``lang``; ``timestamps``: the API takes the sheet's DateTime
    (Plaza); ``facts``: bol's open orders (whether the customer asked), ``now``: when the plan is confirmed."""
    jobs = {job.index: job for job in plan.jobs}
    rows: list[ResultRow] = []
    for check in checks:
        cells = sheet.rows[check.index]
        if check.status is not RowStatus.READY:
            rows.append(ResultRow(check.sheet_row, cells, check.status, check.detail))
            continue
        if check.index in plan.settled:
            status, detail = plan.settled[check.index]
            rows.append(ResultRow(check.sheet_row, cells, status, render(_join(check.detail, detail), lang)))
            continue
        job = jobs[check.index]
        result = results.get(check.index) or SendResult(
            check.index,
            RowStatus.NOT_SENT,
            Text(
                "not sent: the run stopped before this row was sent; run the same sheet again "
                "(the journal makes sure nothing is cancelled twice)"
            ),
        )
        went = result.status is not RowStatus.NOT_SENT
        confirmed = result.sent_at or now
        rows.append(
            ResultRow(
                check.sheet_row,
                cells,
                result.status,
                render(_join(check.detail, result.detail), lang),
                result.process_status_id or "",
                sent_as=job.reason if went else None,
                time_given=job.when if went and timestamps else None,
                sent_at=result.sent_at,
                counting=item_counting(job.reason, job.order_item_id, facts, confirmed) if confirmed else None,
            )
        )
    return rows


def _join(*parts: str) -> str:
    """Parts of a Detail side by side; each is shown in the run's language (``_assemble``)."""
    return Joined(parts)
