"""Status polls gathered into bulk queries, for an API that answers many ids in one request.

Each accepted row still follows its own schedule (``sender._poll``: growing pauses, its
own deadline), but when the backend can look up many processes at once (the Retailer
API: ``POST /shared/process-status``, 1,000 ids) the polls that fall due together go out as
one request: a query waits ``linger`` seconds for company, and while cancellations are
still being sent it waits on (up to ``max_linger``) until ``min_batch`` ids are waiting.
A rate-limited run that sends 25 a second then polls about once every 8 seconds, not every
second; once the last cancellation is out the rest go without waiting for company
(``sending(False)``). On a 5,000-row run that is a few dozen status requests, not one or
more per row. Each poll gets back the same ``Reply`` a single
GET would give: the status, a 404 for an id bol no longer keeps (left out of the bulk
answer), or the error that came instead for all of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bulkcancel.backend import ApiError, NetworkError, Reply, StatusesReply
from bulkcancel.i18n import Text

Fetch = Callable[[list[str]], Awaitable[StatusesReply]]
Sleep = Callable[[float], Awaitable[None]]
GONE = Text("bol no longer keeps this process status")


class StatusBatcher:
    """Gathers ``ask(id)`` calls into ``fetch(ids)`` calls of at most ``size`` ids."""

    def __init__(
        self,
        fetch: Fetch,
        size: int,
        linger: float,
        sleep: Sleep = asyncio.sleep,
        *,
        min_batch: int = 200,
        max_linger: float = 10.0,
    ) -> None:
        self._fetch, self._size, self._linger, self._sleep = fetch, size, linger, sleep
        self._min_batch, self._max_linger = min(min_batch, size), max(max_linger, linger)
        self._draining = False
        self._waiting: dict[str, list[asyncio.Future[Reply]]] = {}
        self._timer: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.requests = 0  # bulk queries sent

    async def ask(self, process_id: str) -> Reply:
        """The current status of ``process_id``, fetched together with others that fall due."""
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(process_id, []).append(future)
        if len(self._waiting) >= self._size:
            self._start(self._flush())
        elif self._timer is None:
            self._timer = self._start(self._after_linger())
        return await future

    def _start(self, work: Awaitable[None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def sending(self, still: bool) -> None:
        """Whether cancellations are still being sent (False: polls stop waiting for company)."""
        self._draining = not still

    async def _after_linger(self) -> None:
        try:
            # Once nothing more is sent, each row's poll is already on its own clock: a short
            # wait gathers the ones falling due together, and the run does not end later for it.
            await self._sleep(self._linger if not self._draining else min(self._linger, 0.2))
            waited, step = self._linger, max(self._linger / 4, 0.05)
            while not self._draining and len(self._waiting) < self._min_batch and waited < self._max_linger:
                await self._sleep(step)
                waited += step
        finally:
            self._timer = None
        await self._flush()
        if self._waiting and self._timer is None:  # more than one query holds: the rest after a linger
            self._timer = self._start(self._after_linger())

    async def _flush(self) -> None:
        ids = list(self._waiting)[: self._size]
        taken = {ps_id: self._waiting.pop(ps_id) for ps_id in ids}
        if not taken:
            return
        self.requests += 1
        try:
            answer = await self._fetch(ids)
        except NetworkError as exc:
            for futures in taken.values():
                _settle(futures, exc)
            return
        except BaseException:
            for futures in taken.values():
                for future in futures:
                    future.cancel()
            raise
        for ps_id, futures in taken.items():
            _settle(futures, _reply_for(ps_id, answer))

    def close(self) -> None:
        """Stop every query still running (the run is over)."""
        for task in list(self._tasks):
            task.cancel()


def _reply_for(process_id: str, answer: StatusesReply) -> Reply:
    if answer.error is not None:
        return Reply(answer.http_status, error=answer.error, retry_after=answer.retry_after, not_bol=answer.not_bol)
    status = answer.statuses.get(process_id)
    if status is None:
        return Reply(404, error=ApiError(404, None, GONE))
    return Reply(answer.http_status, process_status=status)


def _settle(futures: list[asyncio.Future[Reply]], outcome: Reply | NetworkError) -> None:
    for future in futures:
        if future.done():
            continue  # its poll was cut meanwhile
        if isinstance(outcome, NetworkError):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
