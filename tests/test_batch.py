"""Status polls gathered into bulk queries (``send/batch.py``), with an injected sleep.

What a person notices: a large run asks bol about its cancellations a few dozen times, not
once per row (the bulk endpoint's budget is 2 a second), and every row still gets its own
answer: its status, "bol no longer keeps it" for an id left out, or the error that came
instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bulkcancel.backend import ApiError, NetworkError, ProcessState, ProcessStatus, Reply, StatusesReply
from bulkcancel.send.batch import StatusBatcher


def status(ps_id: str, state: ProcessState = ProcessState.SUCCESS) -> ProcessStatus:
    return ProcessStatus(ps_id, "", ps_id, "CANCEL_ORDER", "", state)


class Bulk:
    """A bulk status endpoint: answers the ids it knows, leaves out ``forgotten``."""

    def __init__(self, forgotten: Sequence[str] = (), answer: StatusesReply | NetworkError | None = None) -> None:
        self.forgotten = set(forgotten)
        self.answer = answer
        self.queries: list[list[str]] = []

    async def __call__(self, ids: list[str]) -> StatusesReply:
        self.queries.append(ids)
        await asyncio.sleep(0)
        if isinstance(self.answer, NetworkError):
            raise self.answer
        if self.answer is not None:
            return self.answer
        return StatusesReply(200, {i: status(i) for i in ids if i not in self.forgotten})


class Sleeps:
    """The injected sleep: records each wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


def ask_all(batcher: StatusBatcher, ids: Sequence[str], sending: bool = False) -> list[Reply | BaseException]:
    async def main() -> list[Reply | BaseException]:
        batcher.sending(sending)
        try:
            return list(await asyncio.gather(*(batcher.ask(i) for i in ids), return_exceptions=True))
        finally:
            batcher.close()

    return asyncio.run(main())


def test_polls_that_fall_due_together_are_one_query_and_each_row_gets_its_own_status() -> None:
    bulk, sleeps = Bulk(), Sleeps()
    replies = ask_all(StatusBatcher(bulk, size=1000, linger=1.0, sleep=sleeps), [str(i) for i in range(300)])
    assert len(bulk.queries) == 1 and sorted(bulk.queries[0], key=int) == [str(i) for i in range(300)]
    assert [r.process_status.id for r in replies if isinstance(r, Reply) and r.process_status] == [
        str(i) for i in range(300)
    ]


@pytest.mark.parametrize(("rows", "size", "queries"), [(2500, 1000, 3), (1000, 1000, 1), (7, 3, 3)])
def test_no_query_holds_more_ids_than_the_endpoint_takes(rows: int, size: int, queries: int) -> None:
    bulk = Bulk()
    replies = ask_all(StatusBatcher(bulk, size=size, linger=1.0, sleep=Sleeps()), [str(i) for i in range(rows)])
    assert len(bulk.queries) == queries and max(len(q) for q in bulk.queries) <= size
    assert sorted(i for q in bulk.queries for i in q) == sorted(str(i) for i in range(rows))  # each id asked once
    assert all(isinstance(r, Reply) and r.process_status for r in replies)


def test_an_id_bol_left_out_is_a_404_for_that_row_only() -> None:
    replies = ask_all(StatusBatcher(Bulk(forgotten=["2"]), size=1000, linger=1.0, sleep=Sleeps()), ["1", "2", "3"])
    assert [r.http_status for r in replies if isinstance(r, Reply)] == [200, 404, 200]
    gone = replies[1]
    assert isinstance(gone, Reply) and gone.process_status is None and gone.error is not None


def test_an_error_answer_reaches_every_row_of_the_query_with_its_retry_after() -> None:
    throttled = StatusesReply(429, error=ApiError(429, None, "Too many requests"), retry_after=3.0)
    replies = ask_all(StatusBatcher(Bulk(answer=throttled), size=1000, linger=1.0, sleep=Sleeps()), ["1", "2"])
    assert all(isinstance(r, Reply) and r.http_status == 429 and r.retry_after == 3.0 for r in replies)


def test_a_network_error_reaches_every_row_of_the_query() -> None:
    lost = NetworkError("connection lost", maybe_delivered=True)
    replies = ask_all(StatusBatcher(Bulk(answer=lost), size=1000, linger=1.0, sleep=Sleeps()), ["1", "2"])
    assert replies == [lost, lost]


def test_two_polls_of_one_id_ask_bol_once_and_both_get_the_answer() -> None:
    bulk = Bulk()
    replies = ask_all(StatusBatcher(bulk, size=1000, linger=1.0, sleep=Sleeps()), ["7", "7"])
    assert bulk.queries == [["7"]]
    assert all(isinstance(r, Reply) and r.process_status and r.process_status.id == "7" for r in replies)


def test_while_cancellations_go_out_a_query_waits_for_company_up_to_the_most_linger() -> None:
    """A few ids while sending: the query waits on (the whole ``max_linger``) for more to join."""
    sleeps = Sleeps()
    ask_all(StatusBatcher(Bulk(), size=1000, linger=1.0, sleep=sleeps, max_linger=10.0), ["1"], sending=True)
    assert sum(sleeps.waits) == pytest.approx(10.0)


def test_while_sending_a_full_enough_query_goes_after_the_linger() -> None:
    sleeps = Sleeps()
    ids = [str(i) for i in range(200)]
    ask_all(StatusBatcher(Bulk(), size=1000, linger=1.0, sleep=sleeps, min_batch=200), ids, sending=True)
    assert sleeps.waits == [1.0]


def test_once_sending_is_over_polls_go_without_waiting_for_company() -> None:
    sleeps = Sleeps()
    ask_all(StatusBatcher(Bulk(), size=1000, linger=1.0, sleep=sleeps, max_linger=10.0), ["1"], sending=False)
    assert sum(sleeps.waits) <= 0.2


def test_more_ids_than_one_query_go_in_turns_until_none_is_left() -> None:
    """Ids that arrive while a query is out go in the next one, none is left waiting."""
    bulk = Bulk()

    async def main() -> list[Reply]:
        batcher = StatusBatcher(bulk, size=1000, linger=1.0, sleep=Sleeps())
        batcher.sending(False)
        first = asyncio.ensure_future(asyncio.gather(*(batcher.ask(str(i)) for i in range(5))))
        await asyncio.sleep(0)
        later = await asyncio.gather(*(batcher.ask(str(i)) for i in range(5, 8)))
        try:
            return [*await first, *later]
        finally:
            batcher.close()

    replies = asyncio.run(main())
    assert [r.process_status.id for r in replies if r.process_status] == [str(i) for i in range(8)]
    assert sorted(i for q in bulk.queries for i in q) == [str(i) for i in range(8)]
