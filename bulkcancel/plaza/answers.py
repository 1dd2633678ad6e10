"""What a Plaza v2 answer is: a document bol sends, a bol error document, or not bol's at all.

Every answer is judged before it is read (``genuine.sniff``: a body, not too large, not an
HTML page or a DOCTYPE, an XML media type), then by its document: a 2xx must be the
``ProcessStatus`` (or order list) bol sends, any other status one of bol's error documents
(``errorCode`` or ``errorMessage`` in any of their variants). What fails is a ``Reply`` or
``OrdersReply`` with ``not_bol`` set: the sender and the probe decide on that value.
"""

from __future__ import annotations

from collections.abc import Callable

from bulkcancel.backend import NotBol, OpenOrderItem, OrdersReply, Reply
from bulkcancel.genuine import shape, sniff
from bulkcancel.judge import Judge
from bulkcancel.plaza.documents import is_error_document, parse_error, parse_process_status
from bulkcancel.safexml import MAX_XML_BYTES, XMLRejected
from bulkcancel.transport import Answer

XML_TYPES = frozenset({"application/xml", "text/xml"})
XML_SUFFIXES = ("+xml",)  # application/vnd.orders-v2.1+xml


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


_JUDGE = Judge(not_bol, XMLRejected, parse_error)


def reply(answer: Answer) -> Reply:
    """The answer to a cancellation or a status query."""
    return _JUDGE.reply(answer, parse_process_status)


def orders(answer: Answer, parse: Callable[[bytes], list[OpenOrderItem]]) -> OrdersReply:
    """The answer to an order list or one order."""
    return _JUDGE.orders(answer, parse)
