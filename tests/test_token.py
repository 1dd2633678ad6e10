"""The shared access token (``retailer/token.py``), with an injected clock and token endpoint.

bol blocks a client that asks for a token per request, and a token used past its end is
refused mid-run: so one token serves every concurrent request, it is renewed a margin
before it ends (by one request, whoever asks), and a burst of "Expired JWT" answers leads
to one renewal, not one per request.
"""

from __future__ import annotations

import asyncio

import pytest

from bulkcancel.logs import redact
from bulkcancel.retailer.documents import Token
from bulkcancel.retailer.token import TokenHolder


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Endpoint:
    """A token endpoint that hands out token-1, token-2, ...; each answer takes ``takes`` seconds."""

    def __init__(self, clock: Clock, expires_in: float = 599, takes: float = 0.0) -> None:
        self.clock, self.expires_in, self.takes = clock, expires_in, takes
        self.issued: list[tuple[str, float]] = []  # token, the moment it ends
        self.fail_next = False

    async def __call__(self) -> Token:
        await asyncio.sleep(0)  # let every concurrent caller reach the holder first
        self.clock.now += self.takes
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("token endpoint unavailable")
        token = f"token-{len(self.issued) + 1}"
        self.issued.append((token, self.clock.now + self.expires_in))
        return Token(token, self.expires_in)


def holder(expires_in: float = 599, takes: float = 0.0) -> tuple[TokenHolder, Endpoint, Clock]:
    clock = Clock()
    endpoint = Endpoint(clock, expires_in, takes)
    return TokenHolder(endpoint, clock=clock), endpoint, clock


def test_concurrent_requests_share_one_token_request() -> None:
    tokens, endpoint, _ = holder()

    async def main() -> list[str]:
        return list(await asyncio.gather(*(tokens.get() for _ in range(16))))

    assert asyncio.run(main()) == ["token-1"] * 16
    assert len(endpoint.issued) == 1 and tokens.fetches == 1


@pytest.mark.parametrize(
    ("expires_in", "renewed_after"),
    [
        (599, 539.0),  # a live token: renewed 60 s (the most margin) before its end
        (299, 239.2),  # a fifth of 299 s is just under the most margin
        (3, 2.4),  # a short one: a fifth of its life is the margin
    ],
)
def test_the_token_is_renewed_the_margin_before_it_ends(expires_in: float, renewed_after: float) -> None:
    tokens, _, clock = holder(expires_in)

    async def at(seconds: float) -> str:
        clock.now = 1000.0 + seconds
        return await tokens.get()

    async def main() -> list[str]:
        return [await at(0), await at(renewed_after - 0.001), await at(renewed_after)]

    assert asyncio.run(main()) == ["token-1", "token-1", "token-2"]
    assert tokens.fetches == 2


@pytest.mark.parametrize("takes", [0.0, 5.0, 30.0])
def test_a_token_handed_out_always_has_its_margin_left(takes: float) -> None:
    """The lifetime counts from when the token was asked for (bol's clock starts no earlier),
    so a slow token endpoint cannot make the holder hand out a token about to end."""
    tokens, endpoint, clock = holder(expires_in=120, takes=takes)

    async def main() -> None:
        for _ in range(40):
            token = await tokens.get()
            ends = dict(endpoint.issued)[token]
            assert ends - clock.now >= 120 * 0.2  # a fifth of its life at least, whenever it is handed out
            clock.now += 7.0

    asyncio.run(main())
    assert tokens.fetches >= 2


def test_a_burst_of_expired_answers_renews_once() -> None:
    tokens, _, _ = holder()

    async def main() -> list[str]:
        used = await tokens.get()
        return list(await asyncio.gather(*(tokens.renew(used) for _ in range(16))))

    assert asyncio.run(main()) == ["token-2"] * 16
    assert tokens.fetches == 2  # the first token and one renewal


def test_a_late_expired_answer_for_an_old_token_gets_the_current_one() -> None:
    tokens, _, _ = holder()

    async def main() -> tuple[str, str]:
        old = await tokens.get()
        current = await tokens.renew(old)
        return current, await tokens.renew(old)  # a request that used the old token answers late

    current, again = asyncio.run(main())
    assert current == again == "token-2" and tokens.fetches == 2


def test_a_failed_token_request_is_not_remembered() -> None:
    tokens, endpoint, _ = holder()
    endpoint.fail_next = True

    async def main() -> str:
        with pytest.raises(RuntimeError):
            await tokens.get()
        return await tokens.get()

    assert asyncio.run(main()) == "token-1"
    assert tokens.fetches == 2


def test_the_token_never_reaches_a_log_line_or_the_repr() -> None:
    tokens, _, _ = holder()
    token = asyncio.run(tokens.get())
    assert token not in redact(f"GET /retailer/orders Authorization: Bearer {token}")
    assert token not in repr(tokens)
