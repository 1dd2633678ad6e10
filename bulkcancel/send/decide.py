"""What an answer to a cancellation means for its row: a pure function of the answer and the row's doubt.

A row is *in doubt* once one of our own attempts may have reached bol without us learning
the answer (the connection dropped after the request was written, a timeout, a 5xx other
than 503, a 2xx we could not read). From then on two rules hold, in this run and in every
later one (the journal keeps the doubt with the item):

- if bol then says the item is already cancelled, our own attempt did it: CANCELLED
  (without the doubt, someone else did: ALREADY_CANCELLED, not a failure either);
- if the run stops before the row is settled, it is UNKNOWN ("may already be cancelled"),
  never NOT_SENT, which promises that nothing reached bol.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from bulkcancel.backend import (
    NetworkError,
    NotBol,
    ProcessState,
    ProcessStatus,
    Reply,
    StatusesReply,
    says_already_cancelled,
)
from bulkcancel.send.retry import is_retryable_status, may_have_applied


class Next(Enum):
    """What the sender does after an answer."""

    ACCEPTED = "accepted"  # a process status: follow it (or it is final already)
    CANCELLED = "cancelled"  # bol says already cancelled: by our own earlier attempt, or elsewhere
    FAILED = "failed"  # bol refused it for good
    RETRY = "retry"  # try again after a pause (it may succeed)
    STOP_RATE_LIMIT = "rate-limit"  # 409/41501: nothing more may go out today
    STOP_AUTH = "auth"  # 401: bol refused the keys
    STOP_NOT_BOL = "not-bol"  # a server that is not bol answered: nothing more goes out


@dataclass(frozen=True)
class Decision:
    """The sender's next step for one row, the row's doubt after this answer, and why."""

    next: Next
    in_doubt: bool
    message: str = ""
    wait_at_least: float | None = None  # Retry-After
    reached_server: bool = True  # False: the request never left (connection refused, no DNS)
    not_bol: NotBol | None = None  # with STOP_NOT_BOL: what answered instead of bol


def after_cancel_reply(reply: Reply, in_doubt: bool) -> Decision:
    """The meaning of an HTTP answer to a cancellation."""
    if reply.process_status is not None:
        return Decision(Next.ACCEPTED, in_doubt)
    error = reply.error
    assert error is not None
    if reply.not_bol is not None:
        # Not a reason to send it again: what stood in bol's place may have passed it on
        # (a gateway's 502 after forwarding; a 2xx nobody could read), so the doubt is as for bol's own.
        doubt = in_doubt or may_have_applied(reply.http_status)
        return Decision(Next.STOP_NOT_BOL, doubt, error.message, not_bol=reply.not_bol)
    message = f"{error.message} (HTTP {reply.http_status})"
    if error.is_rate_limit:
        return Decision(Next.STOP_RATE_LIMIT, in_doubt, message)
    if reply.http_status == 401:
        return Decision(Next.STOP_AUTH, in_doubt, error.message)
    if says_already_cancelled(error.message):  # in doubt: our own attempt; else someone else's
        return Decision(Next.CANCELLED, in_doubt, message)
    if is_retryable_status(reply.http_status) or 200 <= reply.http_status < 300:
        doubt = in_doubt or may_have_applied(reply.http_status)
        return Decision(Next.RETRY, doubt, message, wait_at_least=reply.retry_after)
    return Decision(Next.FAILED, in_doubt, message)


def after_network_error(error: NetworkError, in_doubt: bool) -> Decision:
    """The meaning of an exchange that got no HTTP answer."""
    return Decision(
        Next.RETRY,
        in_doubt or error.maybe_delivered,
        str(error),
        reached_server=error.maybe_delivered,
    )


def after_lookup_error(reply: StatusesReply) -> Decision:
    """The meaning of a failed question "does bol have a cancellation for this item?" (the row is in doubt)."""
    error = reply.error
    assert error is not None
    if reply.not_bol is not None:
        return Decision(Next.STOP_NOT_BOL, True, error.message, not_bol=reply.not_bol)
    if reply.http_status == 401:
        return Decision(Next.STOP_AUTH, True, error.message)
    return Decision(Next.RETRY, True, f"{error.message} (HTTP {reply.http_status})", wait_at_least=reply.retry_after)


def process_to_follow(processes: Iterable[ProcessStatus]) -> ProcessStatus | None:
    """Of bol's cancellation processes for one item (newest first), the one its row follows: one that
    succeeded (the item is cancelled), else the newest still pending, else the newest; None: bol has none."""
    found = list(processes)
    for wanted in (ProcessState.SUCCESS, ProcessState.PENDING):
        for process in found:
            if process.status is wanted:
                return process
    return found[0] if found else None
