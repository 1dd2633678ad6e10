"""``bulkcancel stockouts`` under bol's orders-list budget: 200 EANs against 5,000 open orders.

    .venv-bench/bin/python benchmarks/bench_stockouts.py [--orders 5000] [--eans 200] [--list-limit 25/60]

The Retailer simulator runs in its own process (``bulkcancel simulate --api retailer``, 50 ms
latency) with a generated account: ``--orders`` open orders of one item each (100 pages of
50), spread over 1,000 products, some with a customer's request, some FBB, some partly
shipped. The products sheet names ``--eans`` of them. ``bulkcancel stockouts`` runs as a
subprocess, and the simulator's ledger says what it asked: list pages, order details,
tokens, 429s.

Beside the wall time stands the least time the budgets allow: the list's budget is a
bucket of 25 refilled over a minute (bol's 25 a minute), so P pages need at least
(P - 25) x 60 / 25 s; the order details (25 a second) run while the pages are read. And
the requests per order item matched: the list pages, the details and the token over the
items of the products found.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path
from typing import Any

from common import as_installed, bulkcancel, ledger, machine, measure, save, simulator

PAGE = 50
PRODUCTS = 1000  # the shop's catalogue the orders are spread over


def ean(number: int) -> str:
    body = f"871234580{number:03d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def scenario(path: Path, orders: int, rng: random.Random) -> None:
    items = []
    for n in range(orders):
        item: dict[str, Any] = {
            "id": str(2_300_000_000 + n),
            "order_id": str(4_300_000_000 + n),
            "ean": ean(rng.randrange(PRODUCTS)),
            "title": "Product",
            "quantity": 1 + (n % 7 == 0),
            "placed": f"2026-12-0{1 + n % 4}T{n % 24:02d}:{n % 60:02d}:00+01:00",
        }
        if n % 3 == 0:
            item["exact_delivery"] = f"2026-12-0{3 + n % 4}"
        if n % 40 == 0:
            item["cancel_request"] = True
        if n % 50 == 1:
            item["fulfilment"] = "FBB"
        items.append(item)
    path.write_text(json.dumps({"items": items}))


def products(path: Path, eans: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Products")
    sheet.append(["EAN", "Units in stock"])
    for number in range(eans):
        sheet.append([ean(number), str(number % 3)])
    book.save(path)


def least_seconds(pages: int, details: int, list_limit: tuple[int, float], detail_limit: tuple[int, float]) -> float:
    """The least time two token buckets allow for ``pages`` and ``details`` requests running side by side."""
    list_capacity, list_window = list_limit
    detail_capacity, detail_window = detail_limit
    for_pages = max(0, pages - list_capacity) * list_window / list_capacity
    for_details = max(0, details - detail_capacity) * detail_window / detail_capacity
    return max(for_pages, for_details)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--eans", type=int, default=200)
    parser.add_argument("--list-limit", default="25/60", help="the orders list's budget, COUNT/SECONDS (bol: 25/60)")
    args = parser.parse_args()
    as_installed()
    count, _, window = args.list_limit.partition("/")
    list_limit = (int(count), float(window))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scenario(folder / "account.json", args.orders, random.Random(49))
        products(folder / "products.xlsx", args.eans)
        extra = [
            "--api",
            "retailer",
            "--scenario",
            str(folder / "account.json"),
            "--limit",
            f"orders={args.list_limit}",
        ]
        with simulator(50, extra=extra) as url:
            out = folder / "stockouts.xlsx"
            run = measure(
                bulkcancel(
                    "stockouts", str(folder / "products.xlsx"), "--api", "retailer", "--base-url", url,
                    "--out", str(out), "--json", "--quiet",
                )
            )  # fmt: skip
            if run.returncode != 0:
                raise SystemExit(f"stockouts failed ({run.returncode}): {run.stdout}")
            summary = json.loads(run.stdout.strip().splitlines()[-1])
            counts: Any = ledger(url)["counts"]
    pages, details, tokens = counts["orders_requests"], counts["order_requests"], counts["token_requests"]
    matched = summary["to_cancel"] + summary["kept"] + summary["not_cancellable"]
    least = least_seconds(pages, details, list_limit, (25, 1.0))
    report = {
        "machine": machine(),
        "orders": args.orders,
        "eans": args.eans,
        "list_limit": args.list_limit,
        "wall_s": round(run.wall, 1),
        "least_s": round(least, 1),
        "wall_over_least": round(run.wall / least, 2) if least else None,
        "cpu_s": round(run.cpu, 2),
        "peak_mb": round(run.peak_mb, 1),
        "list_pages": pages,
        "order_details": details,
        "token_requests": tokens,
        "rate_limited": counts["rate_limited"],
        "items_matched": matched,
        "requests_per_item_matched": round((pages + details + tokens) / matched, 3) if matched else None,
        "summary": {key: summary[key] for key in ("to_cancel", "kept", "not_cancellable")},
        "products_without_open_items": len(summary["without_open_items"]),
    }
    save("bench_stockouts", report)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
