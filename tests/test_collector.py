"""The collector tuning of a whole-sheet command (``cli/collector.py``): only in bulkcancel's own process."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from bulkcancel.cli import collector


@pytest.fixture
def restored() -> Iterator[None]:
    threshold, ours = gc.get_threshold(), dict(collector._process)
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
    collector._process.update(ours)


def test_an_in_process_caller_keeps_its_collector(restored: None) -> None:
    collector._process["ours"] = False
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    collector.settle()
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def test_bulkcancels_own_process_collects_rarely_while_loading_then_freezes_and_collects_in_batches(
    restored: None,
) -> None:
    _, middle, old = gc.get_threshold()
    collector.own_process()
    assert gc.get_threshold() == (collector.STARTING, middle, old)
    collector.settle()
    assert gc.get_threshold() == (collector.YOUNG, middle, old)
    assert gc.get_freeze_count() > 0


@pytest.mark.parametrize(
    "command",
    [
        ["run", "sheet.csv"],
        ["plan", "sheet.csv"],
        ["requests"],
        ["validate", "sheet.csv"],
        ["stockouts", "products.csv"],
        ["serve", "--no-browser"],
        ["simulate"],
    ],
)
def test_every_command_that_works_long_settles(
    command: list[str], restored: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A command that never settled would collect its young objects only every ``STARTING``
    allocations for its whole life (the page and the simulator run for hours). That it settles
    after its imports: tests/test_imports.py, in a fresh interpreter."""
    from click.testing import CliRunner

    from bulkcancel.cli import cli

    settled: list[bool] = []
    monkeypatch.setattr(collector, "settle", lambda: settled.append(True))
    for work in (
        "bulkcancel.pipeline.run",
        "bulkcancel.pipeline.validate",
        "bulkcancel.pipeline.customer_requests",
        "bulkcancel.pipeline.stockouts.stockouts",
        "bulkcancel.web.serve.serve",
        "bulkcancel.simulator.serve.serve",
    ):
        monkeypatch.setattr(work, _stop)
    for name in ("sheet.csv", "products.csv"):
        (tmp_path / name).write_text("x\n")
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(cli, command)
    assert "the command's work began" in done.output, done.output  # it got as far as its work
    assert settled == [True]


def _stop(*_: object, **__: object) -> None:
    raise RuntimeError("the command's work began")
