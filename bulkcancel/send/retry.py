"""When to try a request again, and how long to wait: a pure policy.

Backoff is exponential with full jitter, ``U(0, min(max_delay, base_delay * 2**(n-1)))`` for
the n-th retry, under a cap on attempts and an overall deadline per row ("Full Jitter" in
https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/, as botocore's
standard retries and Google's python-api-core ``Retry`` do it). Written here rather than taken from
stamina or tenacity because the sender must see each decision (to journal it, to stop the
whole run on a rate limit, to resolve an in-doubt send) and tests inject the random source.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds for retrying one row's request."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 10.0
    deadline: float = 60.0

    def backoff(self, retry_number: int, rng: random.Random) -> float:
        """The wait before retry ``retry_number`` (1 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** max(retry_number - 1, 0))
        return rng.uniform(0.0, ceiling)

    def next_delay(
        self, attempts: int, elapsed: float, rng: random.Random, at_least: float | None = None
    ) -> float | None:
        """The wait before another attempt after ``attempts`` failed ones, or None to give up.

        ``at_least`` is what the server asked for (Retry-After): never retry sooner, and give
        up when that wait would end past the row's deadline.
        """
        if attempts >= self.max_attempts:
            return None
        delay = max(self.backoff(attempts, rng), at_least or 0.0)
        if elapsed + delay > self.deadline:
            return None
        return delay


def is_retryable_status(http_status: int) -> bool:
    """5xx and 429 may succeed later; other 4xx never will."""
    return http_status >= 500 or http_status == 429


def may_have_applied(http_status: int) -> bool:
    """Whether an answer with this status leaves open that bol applied the request.

    429 and 503 say the server turned the request away before doing anything; any other
    5xx, or a 2xx we could not read, may have come after the cancellation was applied.
    """
    return http_status not in (429, 503) and (http_status >= 500 or 200 <= http_status < 300)
