"""Upgrade a journal written before the run record (schema 3) in place: its runs get typed columns.

Schema 3 kept a run's facts as the Summary's English captions and texts in one JSON column
(``params``: "Input file", "Time zone", "Environment", "Started", "Tool version") and its API only as a
``retailer-`` prefix on the account key. This module is the one place that reads them: once,
here, into the columns of ``runtable``; nothing else ever looks at a caption or that prefix.
What schema 3 did not keep (the options, the stop, the counts, the week against the norm, a
CSV's delimiter) stays empty (None; the delimiter ","), and the
language is the one ``--lang auto`` gives the sheet's headers, as it was for every run that
did not choose ``--lang``.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bulkcancel.errors import ConfigError
from bulkcancel.journal.runtable import NEW_COLUMNS
from bulkcancel.plaza import environments as plaza_env
from bulkcancel.retailer import environments as retailer_env
from bulkcancel.sheet.headers import looks_dutch
from bulkcancel.targets import Api, Environment, Target

_LEGACY_ZONE = "Europe/Amsterdam"  # the default --timezone of every version
_RETAILER_ACCOUNT = "retailer-"  # schema 3 told the APIs apart by this prefix of the account key
_TOOL = "bulkcancel "  # schema 3's "Tool version" text: "bulkcancel 0.1.0"


def add_run_columns(db: sqlite3.Connection) -> None:
    """Add the run record's columns to an older ``runs`` table and fill them from its ``params``."""
    present = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    missing = [(name, kind) for name, kind in NEW_COLUMNS if name not in present]
    if not missing:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for name, kind in missing:
            db.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")
        legacy = db.execute("SELECT run_id, env, seller, headers, params, started_at FROM runs WHERE api IS NULL")
        for run_id, env, seller, headers, params, started_at in legacy.fetchall():
            _fill(db, run_id, env, seller, _json(headers, list), _json(params, dict), started_at)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _json(text: str | None, kind: type[list[str]] | type[dict[str, str]]) -> Any:
    """A JSON column as written by schema 3 (empty when it cannot be read: the run is kept, the fact lost)."""
    try:
        value = json.loads(text or "null")
    except ValueError:
        return kind()
    return value if isinstance(value, kind) else kind()


def _zone(name: object) -> str:
    """The run's zone if it is one this machine knows, else the default of every version."""
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return _LEGACY_ZONE
    return str(name)


def _fill(
    db: sqlite3.Connection,
    run_id: str,
    env: str,
    seller: str,
    headers: list[str],
    params: dict[str, str],
    started_at: str,
) -> None:
    zone = _zone(params.get("Time zone") or _LEGACY_ZONE)
    api = Api.RETAILER if seller.startswith(_RETAILER_ACCOUNT) else Api.PLAZA
    target = _target(api, env, str(params.get("Environment", "")))
    db.execute(
        "UPDATE runs SET headers=?, input_name=?, api=?, base_url=?, login_url=?, in_process=?, demo_paths=?,"
        " production_url=?, timezone=?, lang=?, tool_version=?, started_at=? WHERE run_id=?",
        (
            json.dumps([str(header) for header in headers]),
            str(params["Input file"]) if "Input file" in params else None,  # None: named by its path
            api.value,
            target.base_url,
            target.login_url,
            int(target.in_process),
            int(target.demo_paths),
            target.production_url,
            zone,
            "nl" if looks_dutch(headers) else "en",
            str(params.get("Tool version", "")).removeprefix(_TOOL),
            _started(str(params.get("Started", "")), zone) or started_at,
            run_id,
        ),
    )


def _resolve(api: Api, env: Environment | None, base_url: str | None) -> Target:
    if api is Api.RETAILER:
        return retailer_env.resolve_target(env, base_url)
    return plaza_env.resolve_target(env, base_url)


def _target(api: Api, env: str, where: str) -> Target:
    """The target of a schema-3 run: its environment, and the URL its "Environment" text named
    (``"custom: URL"``, ``"test: URL (...)"``; the demo names none)."""
    environment = Environment(env)
    named = environment is not Environment.CUSTOM
    standard = _resolve(api, environment, None) if named else None
    prefix = f"{environment.value}: "
    url = where.removeprefix(prefix).split(" ")[0] if where.startswith(prefix) else ""
    if standard is not None and (not url or url == standard.base_url):
        return standard
    if not url:
        return Target(environment, "", api=api)
    try:
        return _resolve(api, environment if named else None, url)
    except ConfigError:  # a URL today's rules refuse: keep it as it was written
        return Target(environment, url, api=api)


def _started(text: str, zone: str) -> str | None:
    """The start the run's Summary showed (to the second, in its zone) as a UTC time."""
    try:
        local = datetime.strptime(text, "%d-%m-%Y %H:%M:%S").replace(tzinfo=ZoneInfo(zone))
    except (ValueError, ZoneInfoNotFoundError):
        return None
    return local.astimezone(UTC).isoformat(timespec="milliseconds")
