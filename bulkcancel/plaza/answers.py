"""What a Plaza v2 answer is: a document bol sends, a bol error document, or not bol's at all.

Every answer is judged before it is read (``genuine.sniff``: a body, not too large, not an
HTML page or a DOCTYPE, an XML media type), then by its document: a 2xx must be the
``ProcessStatus`` (or order list) bol sends, any other status one of bol's error documents
(``errorCode`` or ``errorMessage`` in any of their variants). What fails is a ``Reply`` or
``OrdersReply`` with ``not_bol`` set: the sender and the probe decide on that value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bulkcancel.backend import ApiError, NotBol, OpenOrderItem, OrdersReply, Reply
from bulkcancel.genuine import shape, sniff
from bulkcancel.plaza.documents import is_error_document, parse_error, parse_process_status
from bulkcancel.safexml import MAX_XML_BYTES, XMLRejected
from bulkcancel.transport import Answer, retry_after

XML_TYPES = frozenset({"application/xml", "text/xml"})
XML_SUFFIXES = ("+xml",)  # application/vnd.orders-v2.1+xml

T = TypeVar("T")


def not_bol(answer: Answer) -> NotBol | None:
    """Why ``answer`` is not bol's, before its 2xx document is read; None when it may be."""
    found = sniff(
        answer.status,
        answer.headers,
        answer.body,
        media_types=XML_TYPES,
        suffixes=XML_SUFFIXES,
        max_bytes=MAX_XML_BYTES,
    )
    if found is None and not 200 <= answer.status < 300 and not is_error_document(answer.body):
        found = shape(answer.status, answer.headers, answer.body)
    return found


def _foreign(found: NotBol) -> ApiError:
    return ApiError(found.http_status, None, f"not an answer of bol's ({found.why.value})")


def _document(answer: Answer, parse: Callable[[bytes], T]) -> T | NotBol:
    found = not_bol(answer)
    if found is not None:
        return found
    try:
        return parse(answer.body)
    except XMLRejected:
        return shape(answer.status, answer.headers, answer.body)


def reply(answer: Answer) -> Reply:
    """The answer to a cancellation or a status query."""
    status = answer.status
    if 200 <= status < 300:
        found = _document(answer, parse_process_status)
        if isinstance(found, NotBol):
            return Reply(status, error=_foreign(found), not_bol=found)
        return Reply(status, process_status=found)
    foreign = not_bol(answer)
    if foreign is not None:
        return Reply(status, error=_foreign(foreign), retry_after=retry_after(answer.headers), not_bol=foreign)
    return Reply(status, error=parse_error(status, answer.body), retry_after=retry_after(answer.headers))


def orders(answer: Answer, parse: Callable[[bytes], list[OpenOrderItem]]) -> OrdersReply:
    """The answer to an order list or one order."""
    status = answer.status
    if status != 200:
        foreign = not_bol(answer)
        error = _foreign(foreign) if foreign is not None else parse_error(status, answer.body)
        return OrdersReply(status, error=error, not_bol=foreign)
    found = _document(answer, parse)
    if isinstance(found, NotBol):
        return OrdersReply(status, error=_foreign(found), not_bol=found)
    return OrdersReply(200, items=tuple(found))
