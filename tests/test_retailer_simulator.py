"""The Retailer simulator's own rules (``simulator/retailer/state.py``, ``config.py``), pure:
the token bucket other tests rely on when they take "no 429" as proof of pacing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulkcancel.errors import ConfigError
from bulkcancel.simulator.retailer.config import Limit
from bulkcancel.simulator.retailer.state import Bucket


def full(limit: Limit, now: float = 0.0) -> Bucket:
    return Bucket(limit, float(limit.capacity), now)


def test_a_full_bucket_admits_its_capacity_at_once_then_refuses() -> None:
    bucket = full(Limit(10, 1.0))
    answers = [bucket.take(0.0) for _ in range(11)]
    assert [allowed for allowed, *_ in answers] == [True] * 10 + [False]
    assert [remaining for _, remaining, *_ in answers[:10]] == list(range(9, -1, -1))
    _, remaining, until_full, until_next = answers[10]
    assert (remaining, until_full, until_next) == (0, pytest.approx(1.0), pytest.approx(0.1))


def test_the_bucket_refills_evenly_over_its_period() -> None:
    bucket = full(Limit(10, 1.0))
    for _ in range(10):
        bucket.take(0.0)
    assert bucket.take(0.05)[0] is False  # half a request's worth
    assert bucket.take(0.1)[0] is True  # one refilled
    assert bucket.take(0.1)[0] is False


@given(
    capacity=st.integers(min_value=1, max_value=50),
    seconds=st.sampled_from([1.0, 60.0]),
    gaps=st.lists(st.floats(min_value=0, max_value=0.5), min_size=1, max_size=200),
)
def test_never_more_than_capacity_plus_the_refill_over_any_run(
    capacity: int, seconds: float, gaps: list[float]
) -> None:
    """Whatever the timing, what a bucket admits over a span is at most its capacity plus what
    refills in that span: so N requests without a 429 took at least (N - capacity) / rate."""
    bucket, now, admitted = full(Limit(capacity, seconds)), 0.0, 0
    for gap in gaps:
        now += gap
        admitted += bucket.take(now)[0]
    assert admitted <= capacity + now * capacity / seconds + 1e-9


@pytest.mark.parametrize(("text", "limit"), [("5/1", Limit(5, 1.0)), ("25/60", Limit(25, 60.0)), ("3", Limit(3, 1.0))])
def test_limits_are_written_count_per_seconds(text: str, limit: Limit) -> None:
    assert Limit.parse(text) == limit


@pytest.mark.parametrize("text", ["", "fast", "0/1", "5/0", "-1/1", "5/x"])
def test_a_limit_that_is_no_limit_is_one_clear_error(text: str) -> None:
    with pytest.raises(ConfigError, match="limit"):
        Limit.parse(text)
