"""XML in and out: the Cancellation body, ProcessStatus, every error variant, hostile replies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from bulkcancel.backend import ProcessState
from bulkcancel.plaza.documents import (
    PLAZA_NS,
    build_cancellation,
    format_plaza_datetime,
    parse_error,
    parse_orders,
    parse_process_status,
)
from bulkcancel.reasons import ReasonCode
from bulkcancel.safexml import MAX_XML_BYTES, XMLRejected, parse_xml
from bulkcancel.simulator import xmlout

CET = timezone(timedelta(hours=1))


def _schema() -> etree.XMLSchema:
    data = resources.files("bulkcancel.simulator").joinpath("plazaapi-v2.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(data))


def test_cancellation_body_shape() -> None:
    body = build_cancellation(datetime(2017, 2, 9, 12, 39, 48, tzinfo=CET), ReasonCode.OUT_OF_STOCK)
    root = etree.fromstring(body)
    assert root.tag == f"{{{PLAZA_NS}}}Cancellation"
    assert root.nsmap == {None: PLAZA_NS}  # default namespace, no prefix
    assert [etree.QName(c).localname for c in root] == ["DateTime", "ReasonCode"]
    assert root[0].text == "2017-02-09T12:39:48.000+01:00"
    assert root[1].text == "OUT_OF_STOCK"
    assert body.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert _schema().validate(root)


def test_equal_instants_keep_their_own_offset_and_fold() -> None:
    """The body is cached; equal datetimes must still be sent exactly as given."""
    amsterdam = ZoneInfo("Europe/Amsterdam")
    same_instant = [
        datetime(2026, 11, 28, 10, 0, tzinfo=CET),
        datetime(2026, 11, 28, 9, 0, tzinfo=UTC),
    ]
    autumn = [datetime(2026, 10, 25, 2, 30, tzinfo=amsterdam, fold=fold) for fold in (0, 1)]
    for pair, offsets in ((same_instant, ("+01:00", "+00:00")), (autumn, ("+02:00", "+01:00"))):
        bodies = [etree.fromstring(build_cancellation(when, ReasonCode.OUT_OF_STOCK))[0].text for when in pair]
        assert [str(text)[-6:] for text in bodies] == list(offsets)


def test_datetime_needs_a_zone_and_gets_milliseconds() -> None:
    assert format_plaza_datetime(datetime(2026, 1, 2, 3, 4, 5, 678900, tzinfo=UTC)) == ("2026-01-02T03:04:05.678+00:00")
    with pytest.raises(ValueError, match="time zone"):
        format_plaza_datetime(datetime(2026, 1, 2))


DOC_PROCESS_STATUS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ns1:ProcessStatus xmlns:ns1="{PLAZA_NS}">
  <ns1:id>1234567</ns1:id>
  <ns1:sellerId>1084486</ns1:sellerId>
  <ns1:entityId>2012345678</ns1:entityId>
  <ns1:eventType>CANCEL_ORDER</ns1:eventType>
  <ns1:description>Cancel order item with id 2012345678.</ns1:description>
  <ns1:status>FAILURE</ns1:status>
  <ns1:errorMessage>Order item already shipped.</ns1:errorMessage>
  <ns1:createTimestamp>2016-02-17T17:30:00.142+01:00</ns1:createTimestamp>
  <ns1:Links>
    <ns1:link ns1:method="GET" ns1:href="https://plazaapi.bol.com/services/rest/process-status/v2/1234567" ns1:rel="self"/>
  </ns1:Links>
</ns1:ProcessStatus>""".encode()

PLAIN_PROCESS_STATUS = f"""<ProcessStatus xmlns="{PLAZA_NS}"><id>1</id><sellerId>9</sellerId>
<eventType>CANCEL_ORDER</eventType><description>d</description><status>PENDING</status>
</ProcessStatus>""".encode()


def test_process_status_with_ns1_prefix() -> None:
    status = parse_process_status(DOC_PROCESS_STATUS)
    assert status.id == "1234567"
    assert status.seller_id == "1084486"
    assert status.entity_id == "2012345678"
    assert status.event_type == "CANCEL_ORDER"
    assert status.status is ProcessState.FAILURE
    assert status.error_message == "Order item already shipped."
    assert status.create_timestamp == "2016-02-17T17:30:00.142+01:00"
    assert status.links[0].rel == "self"
    assert status.links[0].method == "GET"
    assert status.links[0].href.endswith("/process-status/v2/1234567")


def test_process_status_without_prefix_or_optional_fields() -> None:
    status = parse_process_status(PLAIN_PROCESS_STATUS)
    assert (status.id, status.status, status.error_message, status.links) == (
        "1",
        ProcessState.PENDING,
        None,
        (),
    )


def test_simulator_process_status_is_valid_against_our_xsd() -> None:
    body = xmlout.process_status_body(
        process_id=5,
        seller_id=1,
        entity_id="2012345678",
        status="SUCCESS",
        created=datetime.now(UTC),
        base_url="http://127.0.0.1:1",
    )
    assert b"<ns1:ProcessStatus" in body
    assert _schema().validate(etree.fromstring(body))
    assert parse_process_status(body).status is ProcessState.SUCCESS


@pytest.mark.parametrize(
    "body",
    [
        b'<ServiceError xmlns="http://config.services.bol.com/schemas/serviceerror-1.5.xsd">'
        b"<errorCode>41103</errorCode><errorMessage>BOL-ERROR [PAI-41103] = Client and server "
        b"signature do not match</errorMessage></ServiceError>",
        b"<serviceError><errorCode>41103</errorCode><errorMessage>BOL-ERROR [PAI-41103] = Client "
        b"and server signature do not match</errorMessage></serviceError>",
        b'<bns:ServiceError xmlns:bns="https://plazaapi.bol.com/services/xsd/serviceerror-1.5.xsd">'
        b"<bns:ErrorCode>41103</bns:ErrorCode><bns:ErrorMessage>BOL-ERROR [PAI-41103] = Client and "
        b"server signature do not match</bns:ErrorMessage></bns:ServiceError>",
        b"<ServiceErrors><ServiceError><ErrorCode>41103</ErrorCode><ErrorMessage>BOL-ERROR "
        b"[PAI-41103] = Client and server signature do not match</ErrorMessage></ServiceError>"
        b"</ServiceErrors>",
        b"<ValidationErrors><ValidationError><ErrorCode>41103</ErrorCode><ErrorMessage>BOL-ERROR "
        b"[PAI-41103] = Client and server signature do not match</ErrorMessage></ValidationError>"
        b"</ValidationErrors>",
    ],
    ids=["canonical", "lowercase-root", "bns-prefix", "service-errors", "validation-errors"],
)
def test_every_error_body_variant(body: bytes) -> None:
    error = parse_error(401, body)
    assert (error.http_status, error.code) == (401, "41103")
    assert error.message == "BOL-ERROR [PAI-41103] = Client and server signature do not match"


def test_error_code_taken_from_message_when_missing() -> None:
    body = b"<ServiceError><ErrorMessage>BOL-ERROR [PAI-41501] = Too many requests</ErrorMessage></ServiceError>"
    error = parse_error(409, body)
    assert error.code == "41501"
    assert error.is_rate_limit


def test_unparseable_error_body_is_an_error_with_an_escaped_snippet() -> None:
    error = parse_error(502, b"<html>\x1b[31mBad gateway\n")
    assert error.code is None
    assert "HTTP 502" in error.message
    assert "\x1b" not in error.message and "\\x1b" in error.message


HOSTILE = {
    "doctype-xxe": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<ProcessStatus>&x;</ProcessStatus>",
    "billion-laughs": b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>',
    "external-dtd": b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><r/>',
    "truncated": b'<ns1:ProcessStatus xmlns:ns1="x"><ns1:id>1</ns1:id><ns1:sta',
    "oversize": b"<r>" + b"a" * (MAX_XML_BYTES + 1) + b"</r>",
    "empty": b"",
    "not-xml": b"\x00\x01binary",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_replies_are_rejected_cleanly(name: str) -> None:
    with pytest.raises(XMLRejected) as caught:
        parse_process_status(HOSTILE[name])
    assert "root:" not in str(caught.value)  # /etc/passwd never read
    error = parse_error(200, HOSTILE[name])
    assert error.code is None and len(error.message) < 400


def test_undeclared_entity_reference_is_rejected() -> None:
    with pytest.raises(XMLRejected):
        parse_xml(b"<r>&custom;</r>")


def test_orders_document_round_trip() -> None:
    from bulkcancel.simulator.scenario import ScenarioItem

    items = [
        ScenarioItem(
            id="2012345678",
            order_id="4123456789",
            cancel_request=True,
            fulfilment="FBR",
            ean="5412810182312",
            title="Kettle",
            quantity=2,
        ),
        ScenarioItem(id="2012345679", order_id="4123456789"),
    ]
    body = xmlout.orders_body([("4123456789", items)])
    assert _schema().validate(etree.fromstring(body))
    parsed = parse_orders(body)
    assert [(i.order_id, i.order_item_id, i.cancel_request, i.quantity) for i in parsed] == [
        ("4123456789", "2012345678", True, 2),
        ("4123456789", "2012345679", False, 1),
    ]
    assert parsed[0].ean == "5412810182312" and parsed[0].fulfilment_method == "FBR"
