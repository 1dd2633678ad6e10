"""The Plaza simulator's memory (``simulator/state.py``), with the time given: what the other
tests trust when they read its ledger (an item is cancelled once, then refused), its fixed
rate-limit windows, and processes that settle after a time and a number of polls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bulkcancel.simulator.scenario import Scenario, ScenarioItem, SimulatorConfig
from bulkcancel.simulator.state import SimulatorState

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def state(settle_seconds: float = 0, pending_polls: int = 0, **items: str) -> SimulatorState:
    scenario = Scenario(items={key: ScenarioItem(id=key, state=value) for key, value in items.items()})
    return SimulatorState(scenario, SimulatorConfig(settle_seconds=settle_seconds, pending_polls=pending_polls))


@pytest.mark.parametrize(
    ("item_state", "effect", "final"),
    [
        ("open", "cancelled", "SUCCESS"),
        ("cancelled", "already-cancelled", "FAILURE"),
        ("shipped", "shipped", "FAILURE"),
        ("unknown", "unknown", "FAILURE"),
    ],
)
def test_each_item_state_has_its_outcome(item_state: str, effect: str, final: str) -> None:
    memory = state(**{"2012345678": item_state})
    process, got = memory.accept("2012345678", 1, NOW)
    assert (got, process.final_status) == (effect, final)
    assert (process.error_message is None) is (final == "SUCCESS")


def test_an_item_is_cancelled_once_and_refused_after() -> None:
    memory = state()
    first, effect = memory.accept("2012345678", 1, NOW)
    second, again = memory.accept("2012345678", 1, NOW)
    assert (effect, again) == ("cancelled", "already-cancelled")
    assert first.id != second.id and "already been cancelled" in (second.error_message or "")


def test_a_window_admits_its_limit_per_key_and_endpoint_then_starts_again() -> None:
    memory = state()
    taken = [memory.take_rate("key", "cancel", 3, 3600, 10.0 + n) for n in range(4)]
    assert taken == [True, True, True, False]
    assert memory.take_rate("other-key", "cancel", 3, 3600, 20.0)  # each seller has its own
    assert memory.take_rate("key", "orders", 3, 3600, 20.0)  # each endpoint its own
    assert memory.take_rate("key", "cancel", 3, 3600, 3600.0)  # the next clock hour: fixed windows


def test_a_process_stays_pending_until_it_settled_and_was_polled_enough() -> None:
    memory = state(settle_seconds=30, pending_polls=2)
    process, _ = memory.accept("2012345678", 1, NOW)
    later = NOW + timedelta(seconds=31)
    seen = [memory.poll(process.id, NOW + timedelta(seconds=10))[1]] + [
        memory.poll(process.id, later)[1] for _ in range(2)
    ]
    assert seen == ["PENDING", "PENDING", "SUCCESS"]  # the third poll, past the settling time
    assert memory.poll(999, NOW) is None and memory.status_polls == 4
