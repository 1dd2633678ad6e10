"""bulkcancel/judge.py: one API's rules (not bol's, unreadable, error bodies) give every reply kind."""

from __future__ import annotations

import pytest

from bulkcancel.backend import ApiError, Foreign, NotBol, OpenOrderItem, ProcessState, ProcessStatus
from bulkcancel.judge import Judge, foreign
from bulkcancel.transport import Answer

STATUS = ProcessStatus("7", "1", "2012345678", "CANCEL_ORDER", "d", ProcessState.PENDING)


class Unreadable(Exception):
    pass


def not_bol(answer: Answer) -> NotBol | None:
    """A stand-in API: an HTML body is never bol's."""
    if answer.body.startswith(b"<html"):
        return NotBol(Foreign.HTML, answer.status, "text/html", len(answer.body))
    return None


def error(http_status: int, body: bytes) -> ApiError:
    return ApiError(http_status, "E1", body.decode())


def parse_status(body: bytes) -> ProcessStatus:
    if body != b"status":
        raise Unreadable(body)
    return STATUS


JUDGE = Judge(not_bol, Unreadable, error)
HTML = b"<html>login</html>"


def answer(status: int, body: bytes, **headers: str) -> Answer:
    return Answer(status, headers, body)


def test_a_2xx_document_is_read() -> None:
    reply = JUDGE.reply(answer(202, b"status"), parse_status)
    assert reply.process_status == STATUS and reply.error is None and reply.not_bol is None


@pytest.mark.parametrize(("body", "why"), [(HTML, Foreign.HTML), (b"{}", Foreign.SHAPE)])
def test_a_2xx_that_is_not_bols_is_never_read_as_a_status(body: bytes, why: Foreign) -> None:
    reply = JUDGE.reply(answer(200, body), parse_status)
    assert reply.process_status is None and reply.not_bol is not None and reply.not_bol.why is why
    assert reply.error == foreign(reply.not_bol)


def test_an_error_status_is_bols_error_with_its_retry_after() -> None:
    reply = JUDGE.reply(answer(429, b"slow down", **{"retry-after": "3"}), parse_status)
    assert reply.error == ApiError(429, "E1", "slow down") and reply.not_bol is None and reply.retry_after == 3


def test_an_error_status_that_is_not_bols_says_so() -> None:
    reply = JUDGE.reply(answer(500, HTML), parse_status)
    assert reply.not_bol is not None and reply.not_bol.why is Foreign.HTML and reply.error == foreign(reply.not_bol)


def test_statuses_read_their_document_or_say_why_not() -> None:
    def parse_many(body: bytes) -> dict[str, ProcessStatus]:
        if body != b"many":
            raise Unreadable(body)
        return {"7": STATUS}

    assert JUDGE.statuses(answer(200, b"many"), parse_many).statuses == {"7": STATUS}
    unread = JUDGE.statuses(answer(200, b"?"), parse_many)
    assert unread.not_bol is not None and unread.not_bol.why is Foreign.SHAPE and not unread.statuses
    refused = JUDGE.statuses(answer(401, b"no"), parse_many)
    assert refused.error == ApiError(401, "E1", "no") and refused.not_bol is None


def test_orders_read_their_items_or_say_why_not() -> None:
    item = OpenOrderItem("1", "2012345678", "8710000000001", "a book", 1, False, "FBR", "")

    def parse_orders(body: bytes) -> list[OpenOrderItem]:
        if body != b"orders":
            raise Unreadable(body)
        return [item]

    assert JUDGE.orders(answer(200, b"orders"), parse_orders).items == (item,)
    assert JUDGE.orders(answer(200, HTML), parse_orders).not_bol is not None
    failed = JUDGE.orders(answer(503, b"later"), parse_orders)
    assert failed.error == ApiError(503, "E1", "later") and failed.not_bol is None
