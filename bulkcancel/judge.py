"""From a judged answer to what the sender reads, the same for both APIs.

Each API says what bol's answers look like (``plaza.answers``, ``retailer.answers``): why an
answer is not bol's before its 2xx document is read, which exception its parsers raise for
a document that is not one of bol's, and how its error bodies read. What follows from that
is shared here: a 2xx is the document or a ``NotBol`` of the wrong shape, any other status
bol's error or a ``NotBol``, and a ``NotBol`` always travels with an error that says so
(``foreign``); the sender and the probe decide on the value, never on the text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from bulkcancel.backend import ApiError, NotBol, OpenOrderItem, OrdersReply, ProcessStatus, Reply, StatusesReply
from bulkcancel.genuine import shape
from bulkcancel.transport import Answer, retry_after

T = TypeVar("T")


def foreign(found: NotBol) -> ApiError:
    """The error a ``NotBol`` travels with."""
    return ApiError(found.http_status, None, f"not an answer of bol's ({found.why.value})")


@dataclass(frozen=True)
class Judge:
    """One API's rules for reading its answers."""

    not_bol: Callable[[Answer], NotBol | None]  # why an answer is not bol's before any document is read
    unreadable: type[Exception]  # what its parsers raise for a document that is not one of bol's
    error: Callable[[int, bytes], ApiError]  # how its error bodies read

    def document(self, answer: Answer, parse: Callable[[bytes], T]) -> T | NotBol:
        """The 2xx document, or why the answer is not bol's."""
        found = self.not_bol(answer)
        if found is not None:
            return found
        try:
            return parse(answer.body)
        except self.unreadable:
            return shape(answer.status, answer.headers, answer.body)

    def failure(self, answer: Answer) -> tuple[ApiError, NotBol | None]:
        """Any status but 2xx: bol's error, or why the answer is not bol's."""
        found = self.not_bol(answer)
        return (foreign(found), found) if found is not None else (self.error(answer.status, answer.body), None)

    def reply(self, answer: Answer, parse: Callable[[bytes], ProcessStatus]) -> Reply:
        """The answer to a cancellation or a single status query."""
        status = answer.status
        if 200 <= status < 300:
            found = self.document(answer, parse)
            if isinstance(found, NotBol):
                return Reply(status, error=foreign(found), not_bol=found)
            return Reply(status, process_status=found)
        error, not_bol = self.failure(answer)
        return Reply(status, error=error, retry_after=retry_after(answer.headers), not_bol=not_bol)

    def statuses(self, answer: Answer, parse: Callable[[bytes], Mapping[str, ProcessStatus]]) -> StatusesReply:
        """The answer to a query for many processes."""
        status = answer.status
        if status != 200:
            error, not_bol = self.failure(answer)
            return StatusesReply(status, error=error, retry_after=retry_after(answer.headers), not_bol=not_bol)
        found = self.document(answer, parse)
        if isinstance(found, NotBol):
            return StatusesReply(status, error=foreign(found), not_bol=found)
        return StatusesReply(200, found)

    def orders(self, answer: Answer, parse: Callable[[bytes], list[OpenOrderItem]]) -> OrdersReply:
        """The answer to an order list or one order."""
        status = answer.status
        if status != 200:
            error, not_bol = self.failure(answer)
            return OrdersReply(status, error=error, not_bol=not_bol)
        found = self.document(answer, parse)
        if isinstance(found, NotBol):
            return OrdersReply(status, error=foreign(found), not_bol=found)
        return OrdersReply(200, items=tuple(found))
