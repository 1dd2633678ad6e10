"""What an answer to a cancellation means for its row (``send/decide.py``), answer by answer.

The rules that matter to a person: a cancellation that may have reached bol is never
reported as "not sent", a rate limit or rejected keys stop the run instead of burning rows,
bol's "already cancelled" after our own lost attempt is our success, and a Retry-After is
kept.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulkcancel.backend import ApiError, NetworkError, ProcessState, ProcessStatus, Reply
from bulkcancel.send.decide import Next, after_cancel_reply, after_network_error

PENDING = ProcessStatus("77", "1", "2012345678", "CANCEL_ORDER", "Cancel order item.", ProcessState.PENDING)


def refused(http: int, message: str = "BOL-ERROR [PAI-41000] = x", code: str | None = "41000") -> Reply:
    return Reply(http, error=ApiError(http, code, message))


@pytest.mark.parametrize("in_doubt", [False, True])
def test_a_process_status_is_accepted_and_keeps_the_rows_doubt(in_doubt: bool) -> None:
    decision = after_cancel_reply(Reply(200, process_status=PENDING), in_doubt)
    assert (decision.next, decision.in_doubt) == (Next.ACCEPTED, in_doubt)


@pytest.mark.parametrize(
    "reply",
    [
        refused(409, "BOL-ERROR [PAI-41501] = Too many requests", "41501"),
        refused(409, "BOL-ERROR [PAI-41501] = Too many requests", None),  # the code only in the message
    ],
    ids=["code", "code-in-message"],
)
def test_plazas_daily_limit_stops_the_run(reply: Reply) -> None:
    decision = after_cancel_reply(reply, in_doubt=False)
    assert decision.next is Next.STOP_RATE_LIMIT and not decision.in_doubt


def test_a_409_that_is_not_the_rate_limit_fails_the_row_only() -> None:
    assert after_cancel_reply(refused(409, "conflict", "41999"), in_doubt=False).next is Next.FAILED


@pytest.mark.parametrize("in_doubt", [False, True])
def test_rejected_keys_stop_the_run_and_keep_the_doubt(in_doubt: bool) -> None:
    decision = after_cancel_reply(refused(401, "BOL-ERROR [PAI-41103] = signature", "41103"), in_doubt)
    assert (decision.next, decision.in_doubt) == (Next.STOP_AUTH, in_doubt)


@pytest.mark.parametrize(
    "message",
    [
        "Order item 2012345678 has already been cancelled.",
        "ORDER ITEM ALREADY CANCELLED",
        "item already\ncancelled",
    ],
)
@pytest.mark.parametrize("in_doubt", [False, True])
def test_already_cancelled_is_a_cancellation_ours_when_in_doubt(message: str, in_doubt: bool) -> None:
    """In doubt, our own lost attempt did it (CANCELLED); otherwise someone else did (not a failure)."""
    decision = after_cancel_reply(refused(400, message, None), in_doubt)
    assert (decision.next, decision.in_doubt) == (Next.CANCELLED, in_doubt)


@pytest.mark.parametrize("http", [400, 403, 404, 405, 410, 422])
def test_other_refusals_fail_the_row_for_good(http: int) -> None:
    decision = after_cancel_reply(refused(http, "Order item not found", None), in_doubt=False)
    assert decision.next is Next.FAILED and not decision.in_doubt


@pytest.mark.parametrize(
    ("http", "becomes_doubtful"),
    [
        (429, False),  # turned away before anything was done
        (503, False),  # the same
        (500, True),  # may have come after the cancellation was applied
        (502, True),
        (504, True),
        (200, True),  # a 2xx we could not read: bol may have applied it
        (202, True),
    ],
)
def test_answers_that_may_succeed_later_are_retried_and_doubt_follows_the_status(
    http: int, becomes_doubtful: bool
) -> None:
    decision = after_cancel_reply(refused(http, "unreadable", None), in_doubt=False)
    assert decision.next is Next.RETRY and decision.in_doubt is becomes_doubtful
    assert after_cancel_reply(refused(http, "unreadable", None), in_doubt=True).in_doubt  # doubt never goes away


def test_a_retry_keeps_the_wait_the_server_asked_for() -> None:
    reply = Reply(429, error=ApiError(429, None, "Too many requests, retry in 4 seconds."), retry_after=4.0)
    assert after_cancel_reply(reply, in_doubt=False).wait_at_least == 4.0
    assert after_cancel_reply(refused(503), in_doubt=False).wait_at_least is None


@pytest.mark.parametrize(
    ("maybe_delivered", "in_doubt", "doubt_after"),
    [(False, False, False), (True, False, True), (False, True, True), (True, True, True)],
)
def test_a_network_error_is_retried_and_in_doubt_once_it_may_have_arrived(
    maybe_delivered: bool, in_doubt: bool, doubt_after: bool
) -> None:
    decision = after_network_error(NetworkError("connection lost", maybe_delivered=maybe_delivered), in_doubt)
    assert decision.next is Next.RETRY
    assert decision.in_doubt is doubt_after
    assert decision.reached_server is maybe_delivered  # a request that never left counts towards "bol unreachable"


@given(
    http=st.integers(min_value=100, max_value=599),
    code=st.one_of(st.none(), st.sampled_from(["41000", "41103", "41501"])),
    message=st.text(max_size=40),
    in_doubt=st.booleans(),
)
def test_every_error_answer_has_a_decision_and_doubt_never_goes_away(
    http: int, code: str | None, message: str, in_doubt: bool
) -> None:
    decision = after_cancel_reply(Reply(http, error=ApiError(http, code, message)), in_doubt)
    assert decision.next is not Next.ACCEPTED  # only a process status is accepted
    assert decision.in_doubt or not in_doubt
