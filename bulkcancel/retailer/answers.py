"""What a Retailer API v10 answer is: a document bol sends, a bol Problem, or not bol's at all.

Every answer is judged before it is read (``genuine.sniff``: a body, not too large, not an
HTML page, bol's media type), then by its document: a 2xx must be the document bol sends
for that request (a ``ProcessStatus``, a ``ProcessStatusResponse``, an order list), any
other status a Problem (or, from bol's token layer, an OAuth error object). What fails is
a ``Reply`` (or ``StatusesReply``, ``OrdersReply``) with ``not_bol`` set: the sender and the
probe decide on that value, never on the message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from bulkcancel.backend import ApiError, NotBol, OpenOrderItem, OrdersReply, ProcessStatus, Reply, StatusesReply
from bulkcancel.genuine import shape, sniff
from bulkcancel.retailer.documents import (
    MAX_JSON_BYTES,
    MEDIA_TYPE,
    UnreadableAnswer,
    is_problem,
    parse_bulk_statuses,
    parse_problem,
    parse_process_status,
    parse_status_list,
)
from bulkcancel.transport import Answer, retry_after

DOCUMENT_TYPES = frozenset({MEDIA_TYPE})  # a 2xx: the spec's one media type
# An error may come from bol's gateway or token layer in plain JSON (401, 429).
ERROR_TYPES = frozenset({MEDIA_TYPE, "application/json", "application/problem+json"})

T = TypeVar("T")


def not_bol(answer: Answer) -> NotBol | None:
    """Why ``answer`` is not bol's, before its 2xx document is read; None when it may be."""
    ok = 200 <= answer.status < 300
    found = sniff(
        answer.status,
        answer.headers,
        answer.body,
        media_types=DOCUMENT_TYPES if ok else ERROR_TYPES,
        max_bytes=MAX_JSON_BYTES,
    )
    if found is None and not ok and not is_problem(answer.body):
        found = shape(answer.status, answer.headers, answer.body)
    return found


def _foreign(found: NotBol) -> ApiError:
    return ApiError(found.http_status, None, f"not an answer of bol's ({found.why.value})")


def _document(answer: Answer, parse: Callable[[bytes], T]) -> T | NotBol:
    """The 2xx document, or why the answer is not bol's."""
    found = not_bol(answer)
    if found is not None:
        return found
    try:
        return parse(answer.body)
    except UnreadableAnswer:
        return shape(answer.status, answer.headers, answer.body)


def reply(answer: Answer) -> Reply:
    """The answer to a cancellation or a single status query."""
    status = answer.status
    if 200 <= status < 300:
        found = _document(answer, parse_process_status)
        if isinstance(found, NotBol):
            return Reply(status, error=_foreign(found), not_bol=found)
        return Reply(status, process_status=found)
    foreign = not_bol(answer)
    if foreign is not None:
        return Reply(status, error=_foreign(foreign), retry_after=retry_after(answer.headers), not_bol=foreign)
    return Reply(status, error=parse_problem(status, answer.body), retry_after=retry_after(answer.headers))


def _statuses(answer: Answer, parse: Callable[[bytes], dict[str, ProcessStatus]]) -> StatusesReply:
    status = answer.status
    if status != 200:
        foreign = not_bol(answer)
        error = _foreign(foreign) if foreign is not None else parse_problem(status, answer.body)
        return StatusesReply(status, error=error, retry_after=retry_after(answer.headers), not_bol=foreign)
    found = _document(answer, parse)
    if isinstance(found, NotBol):
        return StatusesReply(status, error=_foreign(found), not_bol=found)
    return StatusesReply(200, found)


def bulk_statuses(answer: Answer, ids: Sequence[str]) -> StatusesReply:
    """The answer to a bulk query: the asked ids bol still keeps, by id."""
    done = _statuses(answer, parse_bulk_statuses)
    if done.error is not None:
        return done
    return StatusesReply(200, {ps_id: done.statuses[ps_id] for ps_id in ids if ps_id in done.statuses})


def entity_statuses(answer: Answer) -> StatusesReply:
    """The answer to a query by entity id and event type: bol's processes for it, newest first."""
    return _statuses(answer, parse_status_list)


def orders(answer: Answer, parse: Callable[[bytes], list[OpenOrderItem]]) -> OrdersReply:
    """The answer to an order list or one order."""
    status = answer.status
    if status != 200:
        foreign = not_bol(answer)
        error = _foreign(foreign) if foreign is not None else parse_problem(status, answer.body)
        return OrdersReply(status, error=error, not_bol=foreign)
    found = _document(answer, parse)
    if isinstance(found, NotBol):
        return OrdersReply(status, error=_foreign(found), not_bol=found)
    return OrdersReply(200, items=tuple(found))
