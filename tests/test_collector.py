"""The collector tuning of a whole-sheet command (``cli/collector.py``): only in bulkcancel's own process."""

from __future__ import annotations

import gc
from collections.abc import Iterator

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


def test_bulkcancels_own_process_freezes_what_it_imported_and_collects_in_batches(restored: None) -> None:
    collector.own_process()
    _, middle, old = gc.get_threshold()
    collector.settle()
    assert gc.get_threshold() == (collector.YOUNG, middle, old)
    assert gc.get_freeze_count() > 0
