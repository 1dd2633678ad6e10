"""Both sides checked against the reference's letter, by code that does not use ours.

A client written from docs/bol-apis.md ("Plaza API v2") alone must be accepted by our
simulator; our client must be accepted by a strict server written from the reference alone
(an httpx MockTransport: the one corner where a hand-written server is the point).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
from lxml import etree

from bulkcancel.plaza.client import PlazaClient
from bulkcancel.plaza.signing import ApiKeys
from bulkcancel.reasons import ReasonCode
from bulkcancel.safexml import MAX_XML_BYTES
from bulkcancel.transport import HttpxExchange

PUBLIC = "oRNWbHFXtAECmhnZmEndcjLIaSKbRMVE"
PRIVATE = (
    "MaQHPOnmYkPZNgeRziPnQyyOJYytUbcFBVJBvbMKoDdpPqaZbaOiLUTWzPAkpPsZFZbJHrcoltdgpZolyNcgvvBaKcmkqFjuc"
    "FzXhDONTsPAtHHyccQlLUZpkOuywMiOycDWcCySFsgpDiyGnCWCZJkNTtVdPxbSUTWVIFQiUxaPDYDXRQAVVTbSVZArAZkaL"
    "DLOoOvPzxSdhnkkJWzlQDkqsXNKfAIgAldrmyfROSyCGMCfvzdQdUQEaYZTPEoA"
)
NS = "https://plazaapi.bol.com/services/xsd/v2/plazaapi.xsd"


def reference_sign(verb: str, content_type: str, date: str, uri: str) -> str:
    text = verb + "\n\n" + content_type + "\n" + date + "\n" + "x-bol-date:" + date + "\n" + uri
    digest = hmac.new(PRIVATE.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_a_reference_client_is_accepted_by_our_simulator(serve: Callable[..., Any]) -> None:
    sim = serve()
    date = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    uri = "/services/rest/order-items/v2/206605326/cancellation"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Cancellation xmlns="{NS}">\n'
        "  <DateTime>2017-02-09T12:39:48.000+01:00</DateTime>\n"
        "  <ReasonCode>REQUESTED_BY_CUSTOMER</ReasonCode>\n"
        "</Cancellation>"
    )
    headers = {
        "Content-Type": "application/xml",
        "X-BOL-Date": date,
        "X-BOL-Authorization": f"{PUBLIC}:{reference_sign('PUT', 'application/xml', date, uri)}",
    }
    response = httpx.put(sim.url + uri, content=body.encode(), headers=headers)
    assert response.status_code == 200, response.text
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{NS}}}ProcessStatus" and root.prefix == "ns1"
    names = [etree.QName(child).localname for child in root]
    assert names == [
        "id",
        "sellerId",
        "entityId",
        "eventType",
        "description",
        "status",
        "createTimestamp",
        "Links",
    ]
    assert root.findtext(f"{{{NS}}}status") == "PENDING"
    link = root.find(f"{{{NS}}}Links/{{{NS}}}link")
    assert link is not None and link.get(f"{{{NS}}}rel") == "self" and link.get(f"{{{NS}}}method") == "GET"

    # The same client with charset in its Content-Type, signed as sent, polls the status.
    status_uri = f"/services/rest/process-status/v2/{root.findtext(f'{{{NS}}}id')}"
    ctype = "application/xml; charset=UTF-8"
    poll = httpx.get(
        sim.url + status_uri + "?unused=1",
        headers={
            "Content-Type": ctype,
            "X-Bol-Date": date,
            "X-Bol-Authorization": f"{PUBLIC}:{reference_sign('GET', ctype, date, status_uri)}",
        },
    )
    assert poll.status_code == 200 and b"SUCCESS" in poll.content


RFC1123 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$"
)


BOL_XML = {"Content-Type": "application/vnd.orders-v2.1+xml"}  # what bol answers in (a Plaza v2 media type)


def strict_server(request: httpx.Request) -> httpx.Response:
    """Plaza v2 as the reference states it, checking every letter of a cancellation."""
    problems = []
    date = request.headers.get("X-BOL-Date", "")
    if not RFC1123.match(date):
        problems.append(f"date {date!r}")
    ctype = request.headers.get("Content-Type", "")
    if ctype != "application/xml":
        problems.append(f"content type {ctype!r}")
    public, _, sig = request.headers.get("X-BOL-Authorization", "").partition(":")
    if public != PUBLIC or sig != reference_sign(request.method, ctype, date, request.url.path):
        problems.append("signature")
    if request.method == "PUT":
        root = etree.fromstring(request.content)
        if root.tag != f"{{{NS}}}Cancellation" or [c.tag for c in root] != [
            f"{{{NS}}}DateTime",
            f"{{{NS}}}ReasonCode",
        ]:
            problems.append("body shape")
        if not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$", root[0].text or ""):
            problems.append(f"DateTime {root[0].text!r}")
        if request.url.path != "/services/rest/order-items/v2/2012345678/cancellation":
            problems.append("path")
    if request.method == "GET" and request.headers.get("Accept") != "application/vnd.orders-v2.1+xml":
        problems.append("accept")
    if problems:
        return httpx.Response(
            400,
            headers=BOL_XML,
            text="<ServiceError><errorCode>0</errorCode><errorMessage>"
            + "; ".join(problems)
            + "</errorMessage></ServiceError>",
        )
    if request.method == "PUT":
        return httpx.Response(
            200,
            headers=BOL_XML,
            text=f'<ns1:ProcessStatus xmlns:ns1="{NS}"><ns1:id>7</ns1:id>'
            "<ns1:sellerId>1</ns1:sellerId><ns1:eventType>CANCEL_ORDER</ns1:eventType>"
            "<ns1:description>d</ns1:description><ns1:status>PENDING</ns1:status>"
            "</ns1:ProcessStatus>",
        )
    return httpx.Response(200, headers=BOL_XML, text=f'<Orders xmlns="{NS}"/>')


def test_our_client_is_accepted_by_a_strict_reference_server() -> None:
    async def go() -> tuple[Any, Any]:
        transport = httpx.MockTransport(strict_server)
        async with PlazaClient(
            "https://plazaapi.bol.com", ApiKeys(PUBLIC, PRIVATE), exchange=HttpxExchange(transport, MAX_XML_BYTES)
        ) as client:
            when = datetime(2026, 11, 28, 10, 15, tzinfo=timezone(timedelta(hours=1)))
            cancel = await client.cancel("2012345678", ReasonCode.OUT_OF_STOCK, when)
            orders = await client.open_orders(2, "FBB")
            return cancel, orders

    cancel, orders = asyncio.run(go())
    assert cancel.http_status == 200, cancel.error
    assert cancel.process_status.id == "7"
    assert orders.http_status == 200, orders.error
