"""The concurrency limit: never exceeded, cancellations first, no slot lost to a cancelled wait."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulkcancel.send.slots import Slots


def test_waiting_cancellations_go_before_waiting_polls() -> None:
    async def main() -> list[str]:
        slots, order = Slots(1), []
        await slots.acquire(urgent=True)  # the one slot is taken

        async def holder(name: str, urgent: bool) -> None:
            await slots.acquire(urgent)
            order.append(name)
            await asyncio.sleep(0)
            slots.release()

        tasks = [
            asyncio.create_task(holder("poll-1", False)),
            asyncio.create_task(holder("poll-2", False)),
            asyncio.create_task(holder("cancel-1", True)),
            asyncio.create_task(holder("cancel-2", True)),
        ]
        await asyncio.sleep(0)  # all four are waiting now
        slots.release()
        await asyncio.gather(*tasks)
        return order

    assert asyncio.run(main()) == ["cancel-1", "cancel-2", "poll-1", "poll-2"]


@settings(max_examples=40, deadline=None)
@given(
    limit=st.integers(1, 5),
    plan=st.lists(st.tuples(st.booleans(), st.integers(0, 3), st.booleans()), min_size=1, max_size=30),
)
def test_the_limit_holds_and_cancelled_waits_lose_no_slot(limit: int, plan: list[tuple[bool, int, bool]]) -> None:
    async def main() -> None:
        slots, holding, peak = Slots(limit), [0], [0]

        async def holder(urgent: bool, turns: int) -> None:
            await slots.acquire(urgent)
            holding[0] += 1
            peak[0] = max(peak[0], holding[0])
            try:
                for _ in range(turns):
                    await asyncio.sleep(0)
            finally:
                holding[0] -= 1
                slots.release()

        tasks = [asyncio.create_task(holder(urgent, turns)) for urgent, turns, _ in plan]
        await asyncio.sleep(0)
        for task, (_, _, cancel) in zip(tasks, plan, strict=True):
            if cancel:
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        assert peak[0] <= limit
        # every slot came back: ``limit`` new holders get one at once
        for _ in range(limit):
            await asyncio.wait_for(slots.acquire(False), timeout=1)

    asyncio.run(main())


def test_a_slot_handed_over_to_a_cancelled_waiter_comes_back() -> None:
    async def main() -> None:
        slots = Slots(1)
        await slots.acquire(True)
        waiter = asyncio.create_task(slots.acquire(False))
        await asyncio.sleep(0)
        slots.release()  # hands the slot to the waiter ...
        waiter.cancel()  # ... which is cancelled before it runs
        with pytest.raises(asyncio.CancelledError):
            await waiter
        await asyncio.wait_for(slots.acquire(True), timeout=1)

    asyncio.run(main())
