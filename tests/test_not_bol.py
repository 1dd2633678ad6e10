"""Only bol is trusted to be bol: a server answering something bol never sends (a proxy's
login page, an empty 200, an HTML 500, a 10 MB body, a DOCTYPE) gets no cancellation at the
probe, and mid-run no second one, with either API.

``Impostor`` is a loopback ASGI server: it answers the token endpoint as bol does (so the
Retailer run reaches its probe), the probe as bol does or with the answer under test, and
every cancellation with the answer under test; it counts what it received.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bulkcancel.backend import Foreign
from bulkcancel.genuine import sniff
from bulkcancel.simulator.server import ServedSimulator
from tests.conftest import bulkcancel, read_results, write_csv

V10 = "application/vnd.retailer.v10+json"
CLIENT = {"BOL_CLIENT_ID": "bulkcancel-demo-client", "BOL_CLIENT_SECRET": "bulkcancel-demo-secret-not-a-real-one"}
LOGIN_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form action=/login></form></body></html>"
)
NGINX_500 = b"<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500</h1></center></body></html>"

# name: (HTTP status, content type, body); the content type is bol's own where that makes the trap harder.
ANSWERS: dict[str, tuple[int, str, bytes]] = {
    "login page 200": (200, "text/html; charset=utf-8", LOGIN_PAGE),
    "empty 200": (200, "", b""),
    "HTML 500": (500, "text/html", NGINX_500),
    "10 MB body": (
        200,
        "{media}",
        b'{"processStatusId": "1", "status": "PENDING", "pad": "' + b"x" * 10_000_000 + b'"}',
    ),
    "DOCTYPE": (200, "{media}", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>'),
}


class Impostor:
    """Answers as bol where told to, and with ``answer`` everywhere else."""

    def __init__(self, api: str, answer: tuple[int, str, bytes], probe_too: bool, token_too: bool = False) -> None:
        self.api, self.answer, self.probe_too, self.token_too = api, answer, probe_too, token_too
        self.media = V10 if api == "retailer" else "application/xml"
        self.hits: Counter[str] = Counter()
        self.cancelled: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if path == "/token" and self.token_too:
            self.hits["token"] += 1
            status, media, answer = self.answer
            return await self._send(send, status, media.format(media="application/json"), answer)
        if path == "/token":
            token = {"access_token": "t0k", "expires_in": 299, "token_type": "Bearer", "scope": "RETAILER"}
            return await self._send(send, 200, "application/json", json.dumps(token).encode())
        is_cancel = method == "PUT"
        self.hits["cancel" if is_cancel else "probe" if "process-status" in path else "other"] += 1
        if is_cancel:  # the item: in the path (Plaza) or the body (v10)
            self.cancelled.append(json.loads(body)["orderItems"][0]["orderItemId"] if self.api == "retailer" else path)
        if not is_cancel and not self.probe_too:
            return await self._bol_probe(send)
        status, media, body = self.answer
        await self._send(send, status, media.format(media=self.media), body)

    async def _bol_probe(self, send: Any) -> None:
        if self.api == "retailer":
            return await self._send(send, 200, V10, b'{"processStatuses": []}')
        error = (
            b'<?xml version="1.0" encoding="UTF-8"?><serviceError xmlns="http://config.services.bol.com/schemas/'
            b'serviceerror-1.5.xsd"><errorCode>41301</errorCode><errorMessage>Not found</errorMessage></serviceError>'
        )
        await self._send(send, 404, "application/xml", error)

    @staticmethod
    async def _send(send: Any, status: int, media: str, body: bytes) -> None:
        headers = [(b"content-type", media.encode())] if media else []
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def sheet_of(tmp_path: Path, count: int) -> Path:
    rows = [["OrderItemId", "ReasonCode", "DateTime"]]
    rows += [[str(2012340000 + n), "OUT_OF_STOCK", "30-11-2026 09:00"] for n in range(count)]
    return write_csv(tmp_path / "w.csv", rows)


def run(api: str, url: str, sheet: Path, *extra: str) -> Any:
    where = ["--api", "retailer", "--base-url", url, "--login-url", f"{url}/token"] if api == "retailer" else []
    where = where or ["--api", "plaza", "--base-url", url]
    env = CLIENT if api == "retailer" else None
    return bulkcancel("run", str(sheet), *where, "--quiet", *extra, env=env)


@pytest.mark.parametrize("api", ["plaza", "retailer"])
@pytest.mark.parametrize("name", list(ANSWERS))
def test_a_probe_answered_by_something_not_bol_sends_nothing(tmp_path: Path, api: str, name: str) -> None:
    impostor = Impostor(api, ANSWERS[name], probe_too=True)
    with ServedSimulator(impostor) as url:
        sheet = sheet_of(tmp_path, 12)
        result = run(api, url, sheet)
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert impostor.hits["cancel"] == 0 and impostor.hits["probe"] == 1  # the probe, and nothing after it
    rows = read_results(tmp_path / "w-results.xlsx")
    assert [r["Status"] for r in rows] == ["NOT_SENT"] * 12
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "not an answer bol gives" in line]
    assert len(lines) == 1, result.stdout + result.stderr
    status = ANSWERS[name][0]
    assert url in lines[0] and f"HTTP {status}" in lines[0] and "nothing was sent" in lines[0]
    assert "<html" not in lines[0].lower() and "xxxx" not in lines[0]  # it says what came, never the body itself


@pytest.mark.parametrize("name", list(ANSWERS))
def test_a_token_endpoint_answered_by_something_not_bol_is_not_bol_refusing_the_keys(tmp_path: Path, name: str) -> None:
    """The v10 token comes first: a login page there is no answer of bol's, the same stop as at the
    probe (exit 3, every row NOT_SENT, one line naming who answered and what), not 'keys refused'."""
    impostor = Impostor("retailer", ANSWERS[name], probe_too=False, token_too=True)
    with ServedSimulator(impostor) as url:
        result = run("retailer", url, sheet_of(tmp_path, 4))
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert impostor.hits["token"] >= 1 and impostor.hits["cancel"] == 0
    assert [r["Status"] for r in read_results(tmp_path / "w-results.xlsx")] == ["NOT_SENT"] * 4
    said = result.stdout + result.stderr
    lines = [line for line in said.splitlines() if "not an answer bol gives" in line]
    assert len(lines) == 1 and url in lines[0] and f"HTTP {ANSWERS[name][0]}" in lines[0], said
    assert "refused" not in said


@pytest.mark.parametrize("api", ["plaza", "retailer"])
@pytest.mark.parametrize("name", list(ANSWERS))
def test_a_cancellation_answered_by_something_not_bol_is_not_sent_again(tmp_path: Path, api: str, name: str) -> None:
    """bol answered the probe; then a proxy stands in its place. Nothing is sent twice, the run stops."""
    impostor = Impostor(api, ANSWERS[name], probe_too=False)
    with ServedSimulator(impostor) as url:
        sheet = sheet_of(tmp_path, 40)
        result = run(api, url, sheet, "--concurrency", "4")
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert len(impostor.cancelled) == len(set(impostor.cancelled))  # not one cancellation sent twice
    assert impostor.hits["cancel"] <= 4  # what was in flight when the first such answer came; then nothing
    rows = read_results(tmp_path / "w-results.xlsx")
    statuses = Counter(str(r["Status"]) for r in rows)
    sent = impostor.hits["cancel"]
    # What reached it may have reached bol behind it: UNKNOWN (the next run asks first); the rest NOT_SENT.
    assert statuses == Counter({"UNKNOWN": sent, "NOT_SENT": 40 - sent}), statuses
    assert all("not an answer bol gives" in str(r["Detail"]) for r in rows)
    assert url in str(rows[-1]["Detail"])


@pytest.mark.parametrize(
    ("status", "media", "body", "why"),
    [
        (200, "text/html", LOGIN_PAGE, Foreign.HTML),
        (200, V10, LOGIN_PAGE, Foreign.HTML),  # a page, whatever it claims to be
        (200, V10, b"", Foreign.EMPTY),
        (204, V10, b"  \r\n", Foreign.EMPTY),
        (502, "text/html", NGINX_500, Foreign.HTML),
        (200, V10, b"{" + b" " * 5000 + b"}", Foreign.TOO_LARGE),
        (200, V10, b'<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "http://e/x.dtd"><x/>', Foreign.DOCTYPE),
        (200, "text/plain", b'{"processStatusId": "1"}', Foreign.MEDIA_TYPE),
        (200, V10, b'{"processStatusId": "1", "status": "PENDING"}', None),
        (404, "application/json", b'{"title": "Not Found"}', None),
    ],
)
def test_sniff_names_what_is_wrong(status: int, media: str, body: bytes, why: Foreign | None) -> None:
    found = sniff(
        status, {"content-type": media}, body, media_types=frozenset({V10, "application/json"}), max_bytes=4096
    )
    assert (found.why if found else None) is why
    if found is not None:
        assert found.http_status == status and found.size == len(body) and found.media_type == media


@pytest.mark.parametrize("api", ["plaza", "retailer"])
def test_with_check_an_order_list_not_from_bol_stops_before_anything_is_sent(tmp_path: Path, api: str) -> None:
    """``--check`` asks for the open orders instead of the probe: the same judgement, one line."""
    impostor = Impostor(api, ANSWERS["login page 200"], probe_too=True)
    with ServedSimulator(impostor) as url:
        result = run(api, url, sheet_of(tmp_path, 5), "--check")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert impostor.hits["cancel"] == 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "not an answer bol gives" in line]
    assert len(lines) == 1 and url in lines[0] and "HTTP 200 with an HTML page" in lines[0], lines
    assert "nothing was sent" in lines[0] and "<html" not in lines[0].lower()


class PageOnOrderDetails:
    """The v10 simulator, except that every order's detail is a proxy's login page (a 200)."""

    def __init__(self, app: Any) -> None:
        self.app, self.details = app, 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/retailer/orders/") or path.endswith("/cancellation"):
            await self.app(scope, receive, send)
            return
        self.details += 1
        status, media, body = ANSWERS["login page 200"]
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", media.encode())]})
        await send({"type": "http.response.body", "body": body})


def test_an_order_detail_not_from_bol_stops_the_check_before_anything_is_sent(tmp_path: Path) -> None:
    """``--check`` reads the order of a customer's request for its promised date: a page there is
    no answer of bol's, not an order without a date (the run went on and sent before)."""
    from bulkcancel.send.connect import demo_scenario_path
    from bulkcancel.simulator.retailer import RetailerConfig, RetailerSimulator
    from bulkcancel.simulator.scenario import load_scenario

    sim = RetailerSimulator(load_scenario(demo_scenario_path()), RetailerConfig())
    proxy = PageOnOrderDetails(sim)
    sheet = write_csv(
        tmp_path / "requests.csv",
        [["OrderItemId", "ReasonCode", "DateTime"], ["2012345604", "REQUESTED_BY_CUSTOMER", ""]],
    )
    with ServedSimulator(proxy) as url:
        result = run("retailer", url, sheet, "--check")
    assert proxy.details >= 1  # the path under test was taken
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert sim.state.counts.cancel_requests == 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "not an answer bol gives" in line]
    assert len(lines) == 1 and url in lines[0] and "nothing was sent" in lines[0], lines
