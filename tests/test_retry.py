"""The retry policy (``send/retry.py``): how often and how long a row's request is tried again.

Properties over the whole input space (Hypothesis, a seeded random source): the wait is
never negative nor above its ceiling, never shorter than the server asked, never past the
row's deadline, and attempts stop at the cap.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulkcancel.send.retry import RetryPolicy, is_retryable_status, may_have_applied

policies = st.builds(
    RetryPolicy,
    max_attempts=st.integers(min_value=1, max_value=10),
    base_delay=st.floats(min_value=0.01, max_value=5),
    max_delay=st.floats(min_value=0.01, max_value=60),
    deadline=st.floats(min_value=0, max_value=300),
)
seeds = st.integers(min_value=0, max_value=2**32)


@given(policies, st.integers(min_value=1, max_value=60), seeds)
def test_backoff_stays_within_its_ceiling(policy: RetryPolicy, retry_number: int, seed: int) -> None:
    delay = policy.backoff(retry_number, random.Random(seed))
    assert 0 <= delay <= min(policy.max_delay, policy.base_delay * 2 ** (retry_number - 1))


@given(
    policies,
    st.integers(min_value=0, max_value=20),
    st.floats(min_value=0, max_value=400),
    st.one_of(st.none(), st.floats(min_value=0, max_value=120)),
    seeds,
)
def test_next_delay_respects_attempts_deadline_and_retry_after(
    policy: RetryPolicy, attempts: int, elapsed: float, at_least: float | None, seed: int
) -> None:
    delay = policy.next_delay(attempts, elapsed, random.Random(seed), at_least)
    if attempts >= policy.max_attempts:
        assert delay is None  # the cap on attempts holds whatever else
    if delay is not None:
        assert elapsed + delay <= policy.deadline  # never waits past the row's deadline
        assert delay >= (at_least or 0.0)  # never sooner than the server asked
        assert delay <= max(policy.max_delay, at_least or 0.0)


def test_a_retry_after_beyond_the_deadline_gives_up_instead_of_waiting() -> None:
    policy = RetryPolicy(max_attempts=5, deadline=60)
    assert policy.next_delay(1, elapsed=50, rng=random.Random(0), at_least=11) is None
    assert policy.next_delay(1, elapsed=50, rng=random.Random(0), at_least=10) == 10


def test_the_wait_grows_with_each_retry_up_to_the_maximum() -> None:
    """Full jitter draws from [0, ceiling]: the ceilings double from the base up to the maximum."""
    policy = RetryPolicy(base_delay=0.5, max_delay=10)

    class Top(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b  # the top of the range: the ceiling itself

    assert [policy.backoff(n, Top()) for n in range(1, 8)] == [0.5, 1, 2, 4, 8, 10, 10]


def test_the_same_seed_gives_the_same_waits() -> None:
    policy = RetryPolicy()
    waits = [[policy.next_delay(n, 0, rng) for n in range(1, 5)] for rng in (random.Random(7), random.Random(7))]
    assert waits[0] == waits[1]


@pytest.mark.parametrize(
    ("http", "retryable", "maybe_applied"),
    [
        (429, True, False),  # too many requests: turned away before anything was done
        (503, True, False),  # unavailable: the same
        (500, True, True),  # a server error may come after the cancellation was applied
        (502, True, True),
        (504, True, True),
        (200, False, True),  # a 2xx we could not read: bol may have applied it
        (202, False, True),
        (400, False, False),  # refusals never succeed later and applied nothing
        (401, False, False),
        (404, False, False),
        (409, False, False),
        (422, False, False),
    ],
)
def test_statuses_are_classified(http: int, retryable: bool, maybe_applied: bool) -> None:
    assert is_retryable_status(http) is retryable
    assert may_have_applied(http) is maybe_applied
