"""Plaza v2 XML documents: the Cancellation we send, and what we read back.

Everything received goes through ``safexml.parse_xml``; elements are found by local name so
a ``ns1:`` prefix, a default namespace or none at all all read the same.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from lxml import etree

from bulkcancel.backend import ApiError, Link, OpenOrderItem, ProcessState, ProcessStatus, code_in_message
from bulkcancel.reasons import ReasonCode
from bulkcancel.safexml import XMLRejected, child_texts, local_name, parse_xml, snippet

PLAZA_NS = "https://plazaapi.bol.com/services/xsd/v2/plazaapi.xsd"
ERROR_NS = "http://config.services.bol.com/schemas/serviceerror-1.5.xsd"
ORDERS_V21 = "application/vnd.orders-v2.1+xml"
# lxml takes None as the key of the default namespace; its stubs do not say so.
DEFAULT_NS_PLAZA: Any = {None: PLAZA_NS}
DEFAULT_NS_ERROR: Any = {None: ERROR_NS}


def format_plaza_datetime(moment: datetime) -> str:
    """ISO 8601 with milliseconds and offset, e.g. ``2017-02-09T12:39:48.000+01:00``."""
    if moment.tzinfo is None:
        raise ValueError("a cancellation time needs a time zone")
    return moment.isoformat(timespec="milliseconds")


def build_cancellation(when: datetime, reason: ReasonCode) -> bytes:
    """The PUT body: ``Cancellation`` in the v2 namespace, DateTime then ReasonCode."""
    return _cancellation_body(format_plaza_datetime(when), reason)


@lru_cache(maxsize=1024)
def _cancellation_body(date_time: str, reason: ReasonCode) -> bytes:
    """Cached by the text sent, not the datetime: equal instants in other offsets (or the two
    folds of an autumn hour) compare equal but must be sent as given. The rows of a sheet
    share a handful of times, often just the run's."""
    root = etree.Element(etree.QName(PLAZA_NS, "Cancellation"), nsmap=DEFAULT_NS_PLAZA)
    etree.SubElement(root, etree.QName(PLAZA_NS, "DateTime")).text = date_time
    etree.SubElement(root, etree.QName(PLAZA_NS, "ReasonCode")).text = reason.value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _link(element: etree._Element) -> Link:
    attrs = {str(key).rpartition("}")[2]: str(value) for key, value in element.attrib.items()}
    return Link(rel=attrs.get("rel", ""), href=attrs.get("href", ""), method=attrs.get("method", ""))


def parse_process_status(body: bytes) -> ProcessStatus:
    """Read a ProcessStatus document; raise XMLRejected when it is not one."""
    root = parse_xml(body)
    if local_name(root) != "ProcessStatus":
        raise XMLRejected(f"expected ProcessStatus, got {local_name(root)!r}", body)
    texts: dict[str, str] = {}
    links: list[Link] = []
    for child in root:  # one pass: every reply of a run is read here, twice per row
        tag = child.tag
        if not isinstance(tag, str):
            continue
        name = tag.rpartition("}")[2]
        if name == "Links":
            links.extend(_link(link) for link in child if local_name(link) == "link")
        elif name not in texts:
            texts[name] = (child.text or "").strip()
    ident, state = texts.get("id"), texts.get("status")
    if not ident or state is None or state not in ProcessState.__members__:
        raise XMLRejected("ProcessStatus without an id or a known status", body)
    return ProcessStatus(
        id=ident,
        seller_id=texts.get("sellerId", ""),
        entity_id=texts.get("entityId", ""),
        event_type=texts.get("eventType", ""),
        description=texts.get("description", ""),
        status=ProcessState(state),
        error_message=texts.get("errorMessage") or None,
        create_timestamp=texts.get("createTimestamp"),
        links=tuple(links),
    )


def parse_error(http_status: int, body: bytes) -> ApiError:
    """Read any of bol's error-body variants; an unreadable body still gives an error."""
    try:
        root = parse_xml(body)
    except XMLRejected as exc:
        return ApiError(http_status, None, f"HTTP {http_status} ({exc.reason}): {snippet(body)}")
    code = message = None
    for node in root.iter():
        name = local_name(node).lower()
        if name == "errorcode" and code is None:
            code = (node.text or "").strip() or None
        elif name == "errormessage" and message is None:
            message = (node.text or "").strip() or None
    if code is None and message:
        code = code_in_message(message)
    if message is None:
        message = f"HTTP {http_status}: {snippet(body)}"
    return ApiError(http_status, code, message)


def is_error_document(body: bytes) -> bool:
    """Whether ``body`` is one of bol's error documents (an ``errorCode`` or ``errorMessage`` at any depth)."""
    try:
        root = parse_xml(body)
    except XMLRejected:
        return False
    return any(local_name(node).lower() in ("errorcode", "errormessage") for node in root.iter())


def _int(text: str | None) -> int:
    try:
        return int(text or "0")
    except ValueError:
        return 0


def _date(text: str | None) -> date | None:
    """An ``xs:date`` with or without its zone (``2017-02-10+01:00``): the calendar day."""
    raw = (text or "").strip()
    try:
        return date.fromisoformat(raw[:10]) if raw else None
    except ValueError:
        raise XMLRejected(f"LatestDeliveryDate {raw!r} is not a date", raw.encode()) from None


def parse_orders(body: bytes) -> list[OpenOrderItem]:
    """Flatten an orders v2.1 ``Orders`` document into its order items."""
    root = parse_xml(body)
    if local_name(root) != "Orders":
        raise XMLRejected(f"expected Orders, got {local_name(root)!r}", body)
    items: list[OpenOrderItem] = []
    for order in (node for node in root if local_name(node) == "Order"):
        about = child_texts(order)
        for group in (node for node in order if local_name(node) == "OrderItems"):
            for item in (node for node in group if local_name(node) == "OrderItem"):
                texts = child_texts(item)
                items.append(
                    OpenOrderItem(
                        order_id=about.get("OrderId", ""),
                        order_item_id=texts.get("OrderItemId", ""),
                        ean=texts.get("EAN", ""),
                        title=texts.get("Title", ""),
                        quantity=_int(texts.get("Quantity")),
                        cancel_request=texts.get("CancelRequest", "").lower() == "true",
                        fulfilment_method=(texts.get("FulfilmentMethod") or "FBR").upper(),
                        date_time_customer=about.get("DateTimeCustomer", ""),
                        latest_delivery_date=_date(texts.get("LatestDeliveryDate")),
                    )
                )
    return items
