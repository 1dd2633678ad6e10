"""The documents the simulator answers with, in the form bol's documentation shows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from lxml import etree

from bulkcancel.plaza.documents import DEFAULT_NS_ERROR, DEFAULT_NS_PLAZA, ERROR_NS, PLAZA_NS
from bulkcancel.simulator.scenario import ScenarioItem

_STATUS_PATH = "/services/rest/process-status/v2/"

ERROR_MESSAGES = {
    "41000": "Error occurred while processing your request. Please try again later.",
    "41100": "Request contains invalid XML",
    "41101": "No matching access key found",
    "41102": "Request contains invalid authentication headers",
    "41103": "Client and server signature do not match",
    "41104": "Not an active seller",
    "41201": "Message is missing required tag",
    "41301": "Request contains an invalid process order id",
    "41501": "Too many requests",
}


def error_body(code: str, detail: str = "") -> bytes:
    """``ServiceError`` in the serviceerror-1.5 namespace, as bol's clients parse it."""
    text = f"BOL-ERROR [PAI-{code}] = {ERROR_MESSAGES[code]}" + (f": {detail}" if detail else "")
    root = etree.Element(etree.QName(ERROR_NS, "ServiceError"), nsmap=DEFAULT_NS_ERROR)
    etree.SubElement(root, etree.QName(ERROR_NS, "errorCode")).text = code
    etree.SubElement(root, etree.QName(ERROR_NS, "errorMessage")).text = text
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def process_status_body(
    *,
    process_id: int,
    seller_id: int,
    entity_id: str,
    status: str,
    created: datetime,
    base_url: str,
    error_message: str | None = None,
) -> bytes:
    """``ns1:ProcessStatus`` with children in the documented order and a self link."""
    ns1 = f"{{{PLAZA_NS}}}"
    root = etree.Element(ns1 + "ProcessStatus", nsmap={"ns1": PLAZA_NS})
    fields = [
        ("id", str(process_id)),
        ("sellerId", str(seller_id)),
        ("entityId", entity_id),
        ("eventType", "CANCEL_ORDER"),
        ("description", f"Cancel order item with id {entity_id}."),
        ("status", status),
    ]
    if error_message:
        fields.append(("errorMessage", error_message))
    fields.append(("createTimestamp", created.isoformat(timespec="milliseconds")))
    for name, value in fields:
        etree.SubElement(root, ns1 + name).text = value
    links = etree.SubElement(root, ns1 + "Links")
    link = etree.SubElement(links, ns1 + "link")
    link.set(ns1 + "rel", "self")
    link.set(ns1 + "href", f"{base_url}{_STATUS_PATH}{process_id}")
    link.set(ns1 + "method", "GET")
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return bytes(xml)


def orders_body(orders: Iterable[tuple[str, list[ScenarioItem]]]) -> bytes:
    """An orders v2.1 ``Orders`` document for the given (order id, items) pairs."""
    ns = f"{{{PLAZA_NS}}}"
    root = etree.Element(ns + "Orders", nsmap=DEFAULT_NS_PLAZA)
    for order_id, items in orders:
        order = etree.SubElement(root, ns + "Order")
        etree.SubElement(order, ns + "OrderId").text = order_id
        etree.SubElement(order, ns + "DateTimeCustomer").text = items[0].placed
        etree.SubElement(order, ns + "DateTimeDropShipper").text = items[0].placed
        group = etree.SubElement(order, ns + "OrderItems")
        for item in items:
            node = etree.SubElement(group, ns + "OrderItem")
            for name, value in (
                ("OrderItemId", item.id),
                ("EAN", item.ean),
                ("Title", item.title),
                ("Quantity", str(item.quantity)),
                ("OfferPrice", "19.95"),
                ("TransactionFee", "2.10"),
                *((("LatestDeliveryDate", _xs_date(item.promised, item.placed)),) if item.promised else ()),
                ("OfferCondition", "NEW"),
                ("CancelRequest", "true" if item.cancel_request else "false"),
                ("FulfilmentMethod", item.fulfilment),
            ):
                etree.SubElement(node, ns + name).text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _xs_date(day: str, placed: str) -> str:
    """An ``xs:date`` with the order's zone, as Plaza writes it (``2017-02-10+01:00``)."""
    zone = placed[-6:] if len(placed) > 6 and placed[-6] in "+-" and placed[-3] == ":" else "+01:00"
    return f"{day}{zone}"
