"""The page's jobs (``web/jobs.py``) and the route functions of its steps, called directly.

A job changes only through ``Job.update`` under its lock, and every change wakes the
events stream of each open progress page: nothing polls.
"""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request

from bulkcancel.send.sender import Progress
from bulkcancel.settings import Settings
from bulkcancel.statuses import RowStatus
from bulkcancel.web.app import build_app
from bulkcancel.web.jobs import Job, JobState
from bulkcancel.web.page import Page
from bulkcancel.web.steps import progress
from bulkcancel.web.uploads import Upload


def make_page(tmp_path: Path) -> Page:
    return Page(Settings(journal=tmp_path / "journal.sqlite3"), tmp_path / "page")


def request_for(app: Starlette, path: str = "/", **path_params: str) -> Request:
    scope: dict[str, Any] = {
        "type": "http",
        "app": app,
        "method": "GET",
        "path": path,
        "query_string": b"",
        "headers": [],
        "path_params": path_params,
    }
    return Request(scope)


def queued_job(page: Page, tmp_path: Path) -> Job:
    item = Upload("u1", "week.csv", tmp_path / "week.csv")
    return page.jobs.submit(item, 3, tmp_path / "out.xlsx")  # the runner is not started: it stays queued


def test_job_states_say_whether_a_job_has_ended() -> None:
    assert [s for s in JobState if s.ended] == [JobState.DONE, JobState.FAILED]
    assert all(s.open != s.ended for s in JobState)


def test_every_update_counts_a_version_and_wakes_the_watchers(tmp_path: Path) -> None:
    job = queued_job(make_page(tmp_path), tmp_path)
    woken: list[int] = []

    def wake() -> None:
        woken.append(job.version)

    job.watch(wake)
    job.update(state=JobState.RUNNING, started=1.0)
    job.update(progress=Progress(3, {RowStatus.CANCELLED: 1}, 1, 0))
    assert woken == [1, 2] and job.state is JobState.RUNNING
    job.unwatch(wake)
    job.update(message="x")
    assert woken == [1, 2]
    with pytest.raises(AttributeError):
        job.update(no_such_field=1)
    with pytest.raises(AttributeError):
        job.update(_lock=None)


def test_stop_reaches_the_run_once_whichever_comes_first(tmp_path: Path) -> None:
    page = make_page(tmp_path)
    early, late = queued_job(page, tmp_path), queued_job(page, tmp_path)
    calls: list[str] = []
    assert early.request_stop() and early.stop_requested  # before the run could be stopped: remembered
    early.update(stop_run=lambda: calls.append("early"))
    late.update(stop_run=lambda: calls.append("late"))
    assert page.jobs.stop(late.id) and calls == ["late"]
    late.update(state=JobState.DONE)
    assert not late.request_stop() and calls == ["late"]  # an ended job is not stopped again
    assert not page.jobs.stop("no-such-job")


def test_a_snapshot_is_one_moment_with_an_injected_clock(tmp_path: Path) -> None:
    page = make_page(tmp_path)
    job = queued_job(page, tmp_path)
    now = [100.0]
    job.clock = lambda: now[0]
    assert job.snapshot(0)["total"] == 3  # before sending starts: the rows the person confirmed
    job.update(state=JobState.RUNNING, started=90.0, progress=Progress(40, {RowStatus.CANCELLED: 20}, 30, 0, sent=30))
    snap = job.snapshot(0)
    assert snap["state"] == "running" and not snap["finished"] and not snap["queued"]
    assert snap["sent"] == 30 and snap["done"] == 20 and snap["total"] == 40  # both phases
    assert snap["rate"] == 3.0 and snap["seconds_left"] == 3  # 10 rows left to send at 3 rows/s
    assert snap["counts"] == {"CANCELLED": 20}


def test_the_events_stream_waits_for_changes_and_does_not_poll(tmp_path: Path) -> None:
    page = make_page(tmp_path)
    app = build_app(page)
    job = queued_job(page, tmp_path)
    snapshots = 0
    real = job.snapshot

    def counted(ahead: int, lang: str = "en") -> dict[str, Any]:
        nonlocal snapshots
        snapshots += 1
        return real(ahead, lang)

    job.snapshot = counted  # type: ignore[method-assign]

    async def scenario() -> list[dict[str, Any]]:
        stream = progress.events(request_for(app), job, keepalive=3600, gap=0)
        seen = [json.loads((await anext(stream)).removeprefix("data: "))]
        waiting = asyncio.ensure_future(anext(stream))
        for _ in range(50):
            await asyncio.sleep(0)  # many turns of the loop: no change, so no new snapshot
        assert not waiting.done() and snapshots == 1
        worker = threading.Thread(target=job.update, kwargs={"state": JobState.RUNNING, "started": 0.0})
        worker.start()  # the runner's thread changes the job
        seen.append(json.loads((await asyncio.wait_for(waiting, 30)).removeprefix("data: ")))
        worker.join()
        job.update(state=JobState.DONE)
        seen.append(json.loads((await asyncio.wait_for(anext(stream), 30)).removeprefix("data: ")))
        with pytest.raises(StopAsyncIteration):
            await anext(stream)  # the stream ends with the job
        return seen

    seen = asyncio.run(scenario())
    assert [s["state"] for s in seen] == ["queued", "running", "done"] and seen[-1]["finished"]
    assert not job._watchers  # the stream let go of the job


def test_route_functions_can_be_called_with_a_request(tmp_path: Path) -> None:
    page = make_page(tmp_path)
    app = build_app(page)
    job = queued_job(page, tmp_path)
    found = asyncio.run(progress.job_status(request_for(app, job=job.id)))
    assert found.status_code == 200 and json.loads(bytes(found.body))["state"] == "queued"
    missing = asyncio.run(progress.job_status(request_for(app, job="nope")))
    assert missing.status_code == 404
