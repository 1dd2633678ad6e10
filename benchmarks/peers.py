"""The peers bulkcancel is measured against: a minimal aiohttp client and the naive script."""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from bulkcancel.plaza.documents import build_cancellation, parse_process_status
from bulkcancel.plaza.signing import (
    DEMO_PRIVATE_KEY,
    DEMO_PUBLIC_KEY,
    ApiKeys,
    auth_headers,
)
from bulkcancel.reasons import ReasonCode

KEYS = ApiKeys(DEMO_PUBLIC_KEY, DEMO_PRIVATE_KEY)


async def aiohttp_peer(url: str, ids: list[str], concurrency: int, until_final: bool = False) -> float:
    """Cancel every id, then ask each process status once, whatever it says (the yardstick of
    issue 21's figures); ``until_final``: the PENDING ones again 0.25 s later until every one
    is final (the same job as a run: every row's outcome known)."""
    import aiohttp

    slots = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    started = time.perf_counter()
    async with aiohttp.ClientSession(url, connector=connector) as session:

        async def cancel(item: str) -> str:
            path = f"/services/rest/order-items/v2/{item}/cancellation"
            body = build_cancellation(datetime.now(UTC), ReasonCode.OUT_OF_STOCK)
            async with slots:
                headers = auth_headers(KEYS, "PUT", path, datetime.now(UTC))
                async with session.put(path, data=body, headers=headers) as reply:
                    return parse_process_status(await reply.read()).id

        async def final(process_id: str) -> bool:
            path = f"/services/rest/process-status/v2/{process_id}"
            async with slots:
                headers = auth_headers(KEYS, "GET", path, datetime.now(UTC))
                async with session.get(path, headers=headers) as reply:
                    return parse_process_status(await reply.read()).status.is_final

        left = await asyncio.gather(*(cancel(item) for item in ids))
        while left:
            done = await asyncio.gather(*(final(pid) for pid in left))
            left = [pid for pid, is_final in zip(left, done, strict=True) if not is_final and until_final]
            if left:
                await asyncio.sleep(0.25)
    return time.perf_counter() - started


def naive_script(url: str, sheet: str) -> float:
    """What a user writes without bulkcancel: pandas, a loop, one signed request at a time."""
    import httpx
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(sheet, dtype=str)
    with httpx.Client(base_url=url) as client:
        for row in frame.itertuples():
            path = f"/services/rest/order-items/v2/{row.OrderItemId}/cancellation"
            body = build_cancellation(datetime.now(UTC), ReasonCode(row.ReasonCode))
            client.put(path, content=body, headers=auth_headers(KEYS, "PUT", path, datetime.now(UTC)))
    return time.perf_counter() - started


if __name__ == "__main__":
    kind, url = sys.argv[1], sys.argv[2]
    if kind in ("aiohttp", "aiohttp-final"):
        count, concurrency = int(sys.argv[3]), int(sys.argv[4])
        first = int(sys.argv[5]) if len(sys.argv) > 5 else 2_200_000_000  # items no earlier turn cancelled
        ids = [str(first + n) for n in range(count)]
        print(asyncio.run(aiohttp_peer(url, ids, concurrency, until_final=kind == "aiohttp-final")))
    else:
        print(naive_script(url, sys.argv[3]))
