"""The journal's ``runs`` table: one column per field of a ``RunRecord``, and the record read back.

Each field has a column of its own (no labels, no text to parse): the API and the target it
went to, the account key, the time zone and language, the options, the stop reason with its
details, the counts and the exit code. ``params`` is the schema-3 column of labelled texts: it
is left as it was (``migrate`` reads it once) and no longer written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bulkcancel.backend import Foreign, NotBol
from bulkcancel.norm.standing import NormEffect, NotKnown, Standing, Unknown, Week
from bulkcancel.results import RunCounts, RunOptions, RunRecord, Stop, StopReason
from bulkcancel.statuses import ExitCode
from bulkcancel.targets import Api, Environment, Target

# Added by schema 4, in this order (``migrate`` adds them to an older journal).
NEW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("input_name", "TEXT"),
    ("delimiter", "TEXT"),
    ("api", "TEXT"),
    ("base_url", "TEXT"),
    ("login_url", "TEXT"),
    ("in_process", "INTEGER"),
    ("demo_paths", "INTEGER"),
    ("production_url", "TEXT"),
    ("timezone", "TEXT"),
    ("lang", "TEXT"),
    ("tool_version", "TEXT"),
    ("dry_run", "INTEGER"),
    ("check_open", "INTEGER"),
    ("allow_reason_mismatch", "INTEGER"),
    ("follow", "INTEGER"),
    ("concurrency", "INTEGER"),
    ("canary", "INTEGER"),
    ("daily_budget", "INTEGER"),
    ("sheet_name", "TEXT"),
    ("stop_reason", "TEXT"),
    ("stop_detail", "TEXT"),
    ("stop_times", "INTEGER"),
    ("stop_answer", "TEXT"),  # NOT_BOL: what answered instead of bol (``backend.NotBol``), four columns
    ("stop_answer_status", "INTEGER"),
    ("stop_answer_media", "TEXT"),
    ("stop_answer_size", "INTEGER"),
    ("norm_year", "INTEGER"),  # the week's standing against bol's norm (``norm.standing``): its week,
    ("norm_week", "INTEGER"),
    ("norm_numerator", "INTEGER"),  # bol's numbers,
    ("norm_denominator", "INTEGER"),
    ("norm_fraction", "REAL"),
    ("norm_unknown", "TEXT"),  # or why they are not known,
    ("norm_unknown_detail", "TEXT"),
    ("norm_this_run", "INTEGER"),  # and the run's effect
    ("norm_unsure", "INTEGER"),
    ("duration", "REAL"),
    ("retries", "INTEGER"),
    ("rate_limit_waits", "INTEGER"),
    ("rate_limited", "INTEGER"),
)

RUNS_TABLE = f"""
CREATE TABLE IF NOT EXISTS runs(
    run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, env TEXT NOT NULL, seller TEXT NOT NULL,
    input_path TEXT, input_sha256 TEXT, out_path TEXT, headers TEXT, params TEXT,
    finished_at TEXT, exit_code INTEGER,
    {", ".join(f"{name} {kind}" for name, kind in NEW_COLUMNS)});
"""
_BASE = ("run_id", "started_at", "env", "seller", "input_path", "input_sha256", "out_path", "headers")
_END = ("finished_at", "exit_code")
COLUMNS = (*_BASE, *_END, *(name for name, _ in NEW_COLUMNS))
SELECT_RUNS = f"SELECT {', '.join(COLUMNS)} FROM runs"  # noqa: S608 (fixed column names)
INSERT_RUN = f"INSERT INTO runs({', '.join(COLUMNS)}) VALUES ({','.join('?' * len(COLUMNS))})"  # noqa: S608
FINISH_RUN = (
    "UPDATE runs SET finished_at=?, exit_code=?, stop_reason=?, stop_detail=?, stop_times=?, stop_answer=?,"
    " stop_answer_status=?, stop_answer_media=?, stop_answer_size=?, norm_year=?, norm_week=?, norm_numerator=?,"
    " norm_denominator=?, norm_fraction=?, norm_unknown=?, norm_unknown_detail=?, norm_this_run=?, norm_unsure=?,"
    " duration=?, retries=?, rate_limit_waits=?, rate_limited=? WHERE run_id=?"
)


def _moment(value: datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") if value else None


def _flag(value: bool) -> int:
    return int(value)


def stop_values(stop: Stop | None) -> tuple[object, ...]:
    """The stop as its seven columns."""
    if stop is None:
        return (None,) * 7
    answer = stop.answer
    if answer is None:
        return stop.reason.value, stop.detail, stop.times, None, None, None, None
    return (
        stop.reason.value,
        stop.detail,
        stop.times,
        answer.why.value,
        answer.http_status,
        answer.media_type,
        answer.size,
    )


def norm_values(norm: NormEffect | None) -> tuple[object, ...]:
    """The week's standing and the run's effect as their nine columns."""
    if norm is None:
        return (None,) * 9
    known, effect = norm.standing, (norm.this_run, norm.unsure)
    if isinstance(known, Standing):
        return known.week.year, known.week.week, known.numerator, known.denominator, known.norm, None, None, *effect
    return None, None, None, None, None, known.why.value, known.detail, *effect


def _norm_of(v: dict[str, object]) -> NormEffect | None:
    if v["norm_this_run"] is None:
        return None
    standing: Standing | NotKnown
    if v["norm_unknown"] is not None:
        standing = NotKnown(Unknown(str(v["norm_unknown"])), str(v["norm_unknown_detail"] or ""))
    else:
        week = Week(int(str(v["norm_year"])), int(str(v["norm_week"])))
        standing = Standing(
            week, int(str(v["norm_numerator"])), int(str(v["norm_denominator"])), float(str(v["norm_fraction"]))
        )
    return NormEffect(standing, int(str(v["norm_this_run"])), int(str(v["norm_unsure"])))


def count_values(counts: RunCounts | None) -> tuple[float | None, int | None, int | None, int | None]:
    """The counts as their four columns."""
    if counts is None:
        return None, None, None, None
    return counts.duration, counts.retries, counts.rate_limit_waits, counts.rate_limited


def option_values(options: RunOptions | None) -> tuple[object, ...]:
    """The options as their eight columns (all NULL: not kept)."""
    if options is None:
        return (None,) * 8
    return (
        _flag(options.dry_run),
        _flag(options.check),
        _flag(options.allow_reason_mismatch),
        _flag(options.follow),
        options.concurrency,
        options.canary,
        options.daily_budget,
        options.sheet,
    )


def row_of(record: RunRecord, env: str, seller: str) -> tuple[object, ...]:
    """The ``runs`` row of a record, in ``COLUMNS`` order (``env`` and ``seller``: the journal's scope)."""
    target, options = record.target, record.options
    if target is None:
        raise ValueError(f"run {record.run_id}: a validation has no target and is not journaled")
    return (
        record.run_id,
        _moment(record.started_at),
        env,
        seller,
        record.input_path,
        record.input_sha256,
        record.out_path,
        json.dumps(list(record.headers)),
        _moment(record.finished_at),
        None if record.exit_code is None else int(record.exit_code),
        record.input_name,
        record.delimiter,
        target.api.value,
        target.base_url,
        target.login_url,
        int(target.in_process),
        int(target.demo_paths),
        target.production_url,
        record.timezone,
        record.lang,
        record.tool_version,
        *option_values(options),
        *stop_values(record.stop),
        *norm_values(record.norm),
        *count_values(record.counts),
    )


def _time(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value is not None else None


def record_of(row: Sequence[object]) -> RunRecord:
    """A ``runs`` row (``SELECT_RUNS``) as the record it holds."""
    v = dict(zip(COLUMNS, row, strict=True))
    target = Target(
        name=Environment(str(v["env"])),
        base_url=str(v["base_url"] or ""),
        in_process=bool(v["in_process"]),
        api=Api(str(v["api"])),
        login_url=str(v["login_url"] or ""),
        demo_paths=bool(v["demo_paths"]),
        production_url=str(v["production_url"] or ""),
    )
    options = None
    if v["concurrency"] is not None:
        options = RunOptions(
            dry_run=bool(v["dry_run"]),
            check=bool(v["check_open"]),
            allow_reason_mismatch=bool(v["allow_reason_mismatch"]),
            follow=bool(v["follow"]),
            concurrency=int(str(v["concurrency"])),
            canary=int(str(v["canary"])),
            daily_budget=int(str(v["daily_budget"])),
            sheet=None if v["sheet_name"] is None else str(v["sheet_name"]),
        )
    stop = None
    if v["stop_reason"] is not None:
        answer = None
        if v["stop_answer"] is not None:
            answer = NotBol(
                Foreign(str(v["stop_answer"])),
                int(str(v["stop_answer_status"])),
                str(v["stop_answer_media"] or ""),
                int(str(v["stop_answer_size"])),
            )
        detail, times = str(v["stop_detail"] or ""), int(str(v["stop_times"] or 0))
        stop = Stop(StopReason(str(v["stop_reason"])), detail, times, answer)
    counts = None
    if v["retries"] is not None:
        counts = RunCounts(
            duration=None if v["duration"] is None else float(str(v["duration"])),
            retries=int(str(v["retries"])),
            rate_limit_waits=int(str(v["rate_limit_waits"])),
            rate_limited=int(str(v["rate_limited"])),
        )
    return RunRecord(
        norm=_norm_of(v),
        run_id=str(v["run_id"]),
        started_at=datetime.fromisoformat(str(v["started_at"])),
        target=target,
        timezone=str(v["timezone"]),
        lang=str(v["lang"]),
        input_path=str(v["input_path"] or ""),
        input_name=str(v["input_name"] or v["input_path"] or ""),
        account=str(v["seller"]),
        input_sha256=str(v["input_sha256"] or ""),
        out_path=str(v["out_path"] or ""),
        headers=tuple(json.loads(str(v["headers"] or "[]"))),
        delimiter=str(v["delimiter"] or ","),
        options=options,
        tool_version=str(v["tool_version"] or ""),
        stop=stop,
        counts=counts,
        finished_at=_time(v["finished_at"]),
        exit_code=None if v["exit_code"] is None else ExitCode(int(str(v["exit_code"]))),
    )
