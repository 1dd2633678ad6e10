"""The Retailer API v10 backend against its simulator on loopback (50 ms latency), beside two peers.

    .venv-bench/bin/python benchmarks/bench_retailer.py [--rows 5000] [--limited-rows 200]

1. bulkcancel vs a minimal client doing the same job the best way the API allows (one
   token, a PUT per item, bulk status polls of up to 1,000 ids): the simulator's busy span
   (first request to last answer) of each, and the ratio.
2. bulkcancel vs the usual client pattern (a GET per item until it is final, as the
   published PHP and Python clients do): requests per row and the ratio of wall times.
3. Under a limit of 5 cancellations a second: wall time against the ideal (rows / 5) and
   the 429s among the cancellation requests.

The simulator runs in its own process (``bulkcancel simulate --api retailer``), so its work
does not share a core's GIL with the client measured. Each client cancels its own ids.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from common import as_installed, bulkcancel, ledger, machine, make_csv, measure, reset, save, simulator

MEDIA = "application/vnd.retailer.v10+json"
CLIENT = ("bulkcancel-demo-client", "bulkcancel-demo-secret-not-a-real-one")
FAST = ["--api", "retailer"] + [
    f"--limit={group}=100000/1" for group in ("cancellation", "process-status", "process-status-bulk")
]  # ``--cancellation-limit 1000/1``: a budget that refills as fast as it is spent (issue 21's stall)


async def _token(session: aiohttp.ClientSession, url: str) -> str:
    auth = "Basic " + base64.b64encode(":".join(CLIENT).encode()).decode()
    async with session.post(
        f"{url}/token", data=b"grant_type=client_credentials", headers={"Authorization": auth}
    ) as answer:
        return str((await answer.json())["access_token"])


async def peer(url: str, ids: list[str], concurrency: int, bulk: bool) -> dict[str, float]:
    """A minimal client: one token, a PUT per item; then bulk polls (``bulk``) or a GET per item until final."""
    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        headers = {"Authorization": f"Bearer {await _token(session, url)}", "Accept": MEDIA, "Content-Type": MEDIA}
        queue = list(ids)
        pending: list[str] = []

        async def cancel_worker() -> None:
            while queue:
                item = queue.pop()
                body = json.dumps({"orderItems": [{"orderItemId": item, "reasonCode": "OUT_OF_STOCK"}]})
                async with session.put(f"{url}/retailer/orders/cancellation", data=body, headers=headers) as answer:
                    pending.append((await answer.json())["processStatusId"])

        async def poll_one(ps_id: str) -> None:
            delay = 1.0
            while True:
                await asyncio.sleep(delay)
                async with session.get(f"{url}/shared/process-status/{ps_id}", headers=headers) as answer:
                    if (await answer.json())["status"] != "PENDING":
                        return
                delay = min(delay * 2, 30)

        if bulk:
            await asyncio.gather(*(cancel_worker() for _ in range(concurrency)))
            left = set(pending)
            await asyncio.sleep(1.0)
            while left:
                waiting = sorted(left)
                for start in range(0, len(waiting), 1000):
                    chunk = waiting[start : start + 1000]
                    body = json.dumps({"processStatusQueries": [{"processStatusId": i} for i in chunk]})
                    async with session.post(f"{url}/shared/process-status", data=body, headers=headers) as answer:
                        found = await answer.json()
                        if "processStatuses" not in found:
                            raise SystemExit(f"minimal peer: HTTP {answer.status} {found}")
                        for status in found["processStatuses"]:
                            if status["status"] != "PENDING":
                                left.discard(status["processStatusId"])
                if left:
                    await asyncio.sleep(1.0)
        else:
            polls: list[asyncio.Task[None]] = []
            done = 0

            async def cancel_then_poll() -> None:
                nonlocal done
                while queue:
                    await cancel_worker_once()
                    polls.append(asyncio.create_task(poll_one(pending[-1])))
                    done += 1

            async def cancel_worker_once() -> None:
                item = queue.pop()
                body = json.dumps({"orderItems": [{"orderItemId": item, "reasonCode": "OUT_OF_STOCK"}]})
                async with session.put(f"{url}/retailer/orders/cancellation", data=body, headers=headers) as answer:
                    pending.append((await answer.json())["processStatusId"])

            await asyncio.gather(*(cancel_then_poll() for _ in range(concurrency)))
            await asyncio.gather(*polls)
    return {"wall": time.perf_counter() - started}


def counts(url: str) -> dict[str, Any]:
    book = ledger(url)
    data: dict[str, Any] = dict(book["counts"])  # type: ignore[arg-type]
    data["busy"] = float(book["busy_seconds"])  # type: ignore[arg-type]
    return data


def ours(url: str, sheet: Path, concurrency: int, journal: Path) -> dict[str, Any]:
    reset(url)
    result = measure(
        bulkcancel(
            "run", str(sheet), "--api", "retailer", "--base-url", url, "--concurrency", str(concurrency),
            "--quiet", "--journal", str(journal), "--out", str(sheet) + ".out.xlsx",
        )
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"bulkcancel run failed:\n{result.stdout}")
    return {"wall": result.wall, "cpu": result.cpu, **counts(url)}


def theirs(url: str, ids: list[str], concurrency: int, bulk: bool) -> dict[str, Any]:
    reset(url)
    timing = asyncio.run(peer(url, ids, concurrency, bulk))
    return {**timing, **counts(url)}


def per_row(data: dict[str, Any], rows: int) -> float:
    return float(data["cancel_requests"] + data["status_requests"] + data["bulk_status_requests"]) / rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--limited-rows", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--cancellation-limit", default="100000/1", help="the simulator's cancellation budget")
    args = parser.parse_args()
    as_installed()
    rows, concurrency = args.rows, args.concurrency
    report: dict[str, Any] = {"machine": machine(), "rows": rows, "concurrency": concurrency, "latency_ms": 50}
    fast = [*FAST, f"--limit=cancellation={args.cancellation_limit}"]
    report["cancellation_limit"] = args.cancellation_limit
    with tempfile.TemporaryDirectory() as tmp, simulator(50, settle=0.5, extra=fast) as url:
        folder = Path(tmp)
        mine = ours(url, make_csv(folder / "a.csv", rows, 2_100_000_000), concurrency, folder / "j.sqlite3")
        best = theirs(url, [str(2_200_000_000 + n) for n in range(rows)], concurrency, bulk=True)
        usual = theirs(url, [str(2_300_000_000 + n) for n in range(rows)], concurrency, bulk=False)
        report["1_vs_minimal"] = {
            "bulkcancel": mine,
            "minimal": best,
            "speed_ratio_busy": best["busy"] / mine["busy"],
            "speed_ratio_wall": best["wall"] / mine["wall"],
        }
        report["2_vs_usual"] = {
            "usual": usual,
            "requests_per_row": {"bulkcancel": per_row(mine, rows), "usual": per_row(usual, rows)},
            "status_requests_per_row": {
                "bulkcancel": (mine["status_requests"] + mine["bulk_status_requests"]) / rows,
                "usual": (usual["status_requests"] + usual["bulk_status_requests"]) / rows,
            },
            "wall_ratio_usual_over_bulkcancel": usual["wall"] / mine["wall"],
        }
    limited = args.limited_rows
    with (
        tempfile.TemporaryDirectory() as tmp,
        simulator(50, settle=0.5, extra=["--api", "retailer", "--limit", "cancellation=5/1"]) as url,
    ):
        folder = Path(tmp)
        run = ours(url, make_csv(folder / "b.csv", limited, 2_400_000_000), concurrency, folder / "j.sqlite3")
        ideal = limited / 5
        report["3_limit_5_per_second"] = {
            "rows": limited,
            "wall": run["wall"],
            "ideal": ideal,
            "of_ideal": run["wall"] / ideal,
            "429s": run["rate_limited"].get("cancellation", 0),
            "429_share": run["rate_limited"].get("cancellation", 0) / max(run["cancel_requests"], 1),
        }
    save("bench_retailer", report)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
