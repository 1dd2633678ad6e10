"""One access token for every concurrent request, refreshed by one request at a time.

bol blocks the IP address of a client that fetches a token per request
(docs/bol-apis.md, "Tokens"). So all workers share one ``TokenHolder``:
``get`` hands out the current token, and when less than a margin of its lifetime is left
(a fifth of ``expires_in``, at most 60 s: 599 s tokens refresh at 539 s, 3 s tokens at
2.4 s) the first caller refreshes it under a lock while the others wait for that one
answer (single flight). After a 401 "Expired JWT", ``renew(used)`` refreshes only if the
token that failed is still the current one, so sixteen requests that fail together cause
one token request, not sixteen.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bulkcancel.logs import protect
from bulkcancel.retailer.documents import Token

MAX_MARGIN = 60.0
MARGIN_SHARE = 0.2


class TokenHolder:
    """The shared token; ``fetch`` asks the token endpoint for a new one (and may raise)."""

    def __init__(self, fetch: Callable[[], Awaitable[Token]], clock: Callable[[], float] = time.monotonic) -> None:
        self._fetch, self._clock = fetch, clock
        self._token: str | None = None
        self._refresh_at = 0.0
        self._lock = asyncio.Lock()
        self.fetches = 0  # token requests made: the tests hold it to one per lifetime

    def __repr__(self) -> str:
        return f"TokenHolder(fetches={self.fetches})"

    async def get(self) -> str:
        """A token with more than the margin left, fetched only when there is none."""
        if self._token is not None and self._clock() < self._refresh_at:
            return self._token
        async with self._lock:
            if self._token is None or self._clock() >= self._refresh_at:  # nobody refreshed while we waited
                await self._refresh()
            assert self._token is not None
            return self._token

    async def renew(self, used: str) -> str:
        """After a 401 "Expired JWT" for ``used``: a newer token (one refresh for all who failed)."""
        async with self._lock:
            if self._token == used or self._token is None:
                await self._refresh()
            assert self._token is not None
            return self._token

    async def _refresh(self) -> None:
        asked = self._clock()
        self.fetches += 1
        token = await self._fetch()
        protect(token.access_token)
        margin = min(MAX_MARGIN, token.expires_in * MARGIN_SHARE)
        self._token, self._refresh_at = token.access_token, asked + token.expires_in - margin
