"""The upload page: from upload to the check table for a 5,000-row .xlsx, a 100,000-row
sheet's first page of the check table with the server's responsiveness meanwhile, and how
fresh its live events are during a 5,000-row run against the Plaza simulator at 50 ms.

    .venv-bench/bin/python benchmarks/bench_page.py [--rows 5000] [--big-rows 100000]

1. ``bulkcancel serve`` in its own process; the time from POST /upload to the check page
   (every row in the table) for a 5,000-row sheet, beside its peer in the same run:
   ``bulkcancel validate`` on the same file (the same work without a page).
2. A 100,000-row .xlsx: upload to the first page of the check table, and meanwhile another
   request's latency (the upload step's page, fetched again and again while the check runs
   in its worker thread).
3. A 5,000-row run from the page against ``bulkcancel simulate --latency-ms 50``: each
   server-sent event's age when it arrives (arrival minus the moment the run changed), and
   the gaps between events.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from common import as_installed, bulkcancel, free_port, machine, make_xlsx, measure, save, simulator


def serve_page(journal: Path, base_url: str | None = None) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    args = ["serve", "--no-browser", "--port", str(port), "--journal", str(journal), "--concurrency", "16"]
    if base_url:
        args += ["--base-url", base_url]
    process = subprocess.Popen(bulkcancel(*args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if match := re.search(r"(http://\S+\?token=\S+)", line):
            break
    else:
        raise SystemExit("bulkcancel serve printed no link")
    url = match.group(1)
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(url.split("?")[0], timeout=1)  # any answer (403 without the cookie) means it listens
            return process, url
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def signed_in(url: str) -> tuple[httpx.Client, str, str]:
    """A client holding the page's cookie, the CSRF token, and the page's random root path."""
    rooted = url.split("/?")[0]
    origin, root = rooted.rsplit("/", 1)
    client = httpx.Client(base_url=origin, timeout=600, headers={"origin": origin})
    client.get(url)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/{root}/").text)
    assert csrf is not None
    return client, csrf.group(1), f"/{root}"


def upload_to_table(url: str, sheet: Path) -> dict[str, float]:
    client, csrf, root = signed_in(url)
    started = time.perf_counter()
    answer = client.post(f"{root}/upload", files={"sheet": (sheet.name, sheet.read_bytes())}, data={"csrf": csrf})
    check = client.get(answer.headers["location"])
    took = time.perf_counter() - started
    assert check.status_code == 200 and check.text.count('<tr class="level-') >= 500, check.status_code  # page 1
    return {"seconds": took, "html_mb": len(check.content) / 1e6}


def big_check_and_latency(url: str, sheet: Path) -> dict[str, Any]:
    """The first page of the check table for a big sheet, and another request's latency meanwhile."""
    client, csrf, root = signed_in(url)
    other = another_tab(client)
    started = time.perf_counter()
    answer = client.post(f"{root}/upload", files={"sheet": (sheet.name, sheet.read_bytes())}, data={"csrf": csrf})
    shown: dict[str, Any] = {}

    def check() -> None:
        page = client.get(answer.headers["location"])
        shown.update(status=page.status_code, seconds=time.perf_counter() - started, html_mb=len(page.content) / 1e6)

    worker = threading.Thread(target=check)
    worker.start()
    latencies = []
    while worker.is_alive():
        asked = time.perf_counter()
        assert other.get(f"{root}/").status_code == 200
        latencies.append((time.perf_counter() - asked) * 1000)
        time.sleep(0.05)
    worker.join()
    latencies.sort()
    return {
        "upload_to_first_page_seconds": shown["seconds"],
        "first_page_html_mb": shown["html_mb"],
        "status": shown["status"],
        "other_request_ms_median": statistics.median(latencies) if latencies else None,
        "other_request_ms_max": latencies[-1] if latencies else None,
        "other_requests": len(latencies),
    }


def another_tab(client: httpx.Client) -> httpx.Client:
    """A second client with the same session cookie (another tab)."""
    return httpx.Client(base_url=client.base_url, timeout=600, headers=dict(client.headers), cookies=client.cookies)


def event_latency(url: str, sheet: Path) -> dict[str, Any]:
    client, csrf, root = signed_in(url)
    check_url = client.post(
        f"{root}/upload", files={"sheet": (sheet.name, sheet.read_bytes())}, data={"csrf": csrf}
    ).headers["location"]
    client.get(check_url)
    job_url = client.post(f"{check_url}/start", data={"csrf": csrf}).headers["location"]
    ages, arrivals, done = [], [], {}
    with client.stream("GET", f"{job_url}/events") as events:
        for line in events.iter_lines():
            if not line.startswith("data: "):
                continue
            now = time.time()
            data = json.loads(line[6:])
            if data["changed_at"]:
                ages.append((now - data["changed_at"]) * 1000)
            arrivals.append(now)
            if data["finished"]:
                done = data
                break
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(arrivals)]
    ages.sort()
    return {
        "events": len(arrivals),
        "final": {"state": done.get("state"), "counts": done.get("counts")},
        "age_ms_median": statistics.median(ages),
        "age_ms_p95": ages[int(len(ages) * 0.95) - 1],
        "age_ms_max": ages[-1],
        "gap_ms_median": statistics.median(gaps) if gaps else None,
        "run_seconds": arrivals[-1] - arrivals[0] if arrivals else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--big-rows", type=int, default=100_000)
    args = parser.parse_args()
    as_installed()
    report: dict[str, Any] = {"machine": machine(), "rows": args.rows}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sheet = make_xlsx(folder / "week.xlsx", args.rows)
        page, url = serve_page(folder / "journal.sqlite3")
        try:
            report["upload_to_check_table"] = upload_to_table(url, sheet)
        finally:
            page.terminate()
            page.wait(timeout=30)
        big = make_xlsx(folder / "big.xlsx", args.big_rows, start=2_200_000_000)
        page, url = serve_page(folder / "journal-big.sqlite3")
        try:
            report["big_sheet_check"] = {"rows": args.big_rows, **big_check_and_latency(url, big)}
        finally:
            page.terminate()
            page.wait(timeout=30)
        peer = measure(bulkcancel("validate", str(sheet), "--out", str(folder / "peer.xlsx")))
        report["peer_validate_cli_seconds"] = peer.wall
        with simulator(50, settle=0.5) as sim_url:
            run_sheet = make_xlsx(folder / "run.xlsx", args.rows, start=2_300_000_000)
            page, url = serve_page(folder / "journal2.sqlite3", sim_url)
            try:
                report["events_during_run"] = event_latency(url, run_sheet)
            finally:
                page.terminate()
                page.wait(timeout=30)
    save("bench_page", report)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
