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

from bulkcancel.backend import NotBol, OpenOrderItem, OrdersReply, Reply, StatusesReply
from bulkcancel.genuine import shape, sniff
from bulkcancel.judge import Judge
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
from bulkcancel.transport import Answer

DOCUMENT_TYPES = frozenset({MEDIA_TYPE})  # a 2xx: the spec's one media type
# An error may come from bol's gateway or token layer in plain JSON (401, 429).
ERROR_TYPES = frozenset({MEDIA_TYPE, "application/json", "application/problem+json"})


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


def token_not_bol(answer: Answer) -> NotBol | None:
    """Why the token endpoint's answer is not bol's: it answers JSON, a token (a 200, whose content
    ``parse_token`` judges: an unusable token is bol refusing) or an OAuth error."""
    found = sniff(answer.status, answer.headers, answer.body, media_types=ERROR_TYPES, max_bytes=MAX_JSON_BYTES)
    if found is None and answer.status != 200 and not is_problem(answer.body):
        found = shape(answer.status, answer.headers, answer.body)
    return found


_JUDGE = Judge(not_bol, UnreadableAnswer, parse_problem)


def reply(answer: Answer) -> Reply:
    """The answer to a cancellation or a single status query."""
    return _JUDGE.reply(answer, parse_process_status)


def bulk_statuses(answer: Answer, ids: Sequence[str]) -> StatusesReply:
    """The answer to a bulk query: the asked ids bol still keeps, by id."""
    done = _JUDGE.statuses(answer, parse_bulk_statuses)
    if done.error is not None:
        return done
    return StatusesReply(200, {ps_id: done.statuses[ps_id] for ps_id in ids if ps_id in done.statuses})


def entity_statuses(answer: Answer) -> StatusesReply:
    """The answer to a query by entity id and event type: bol's processes for it, newest first."""
    return _JUDGE.statuses(answer, parse_status_list)


def orders(answer: Answer, parse: Callable[[bytes], list[OpenOrderItem]]) -> OrdersReply:
    """The answer to an order list or one order."""
    return _JUDGE.orders(answer, parse)
