"""When an accepted cancellation is first asked about: learned from the run's own first process.

bol publishes no time for a cancellation to settle. Asking every process first after
``poll_initial`` (a second) is safe but makes a short sheet wait that second at its end;
asking every one sooner costs a request per row each time bol is slower than that. So one
process, the first of the run (the scout), is asked early and then every ``shortest``
seconds until it is final; the age at which it was final becomes the first wait of every
other process, those already waiting included (never longer than ``poll_initial``). Its
extra requests are a few per run, never per row; a slow bol costs them once and every
other row waits ``poll_initial`` as before. Where polls are gathered into bulk queries (v10),
the scout's asks go into them like any other, so a large run that is still sending asks no
sooner than before (the query waits for company), while a weekly sheet learns in a fraction
of a second that it need not wait the whole ``poll_initial``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]


class FirstPoll:
    """The run's first wait before a status poll: ``longest`` until the scout learns a shorter one."""

    def __init__(self, shortest: float, longest: float, clock: Callable[[], float], sleep: Sleep) -> None:
        self.shortest, self.longest = min(shortest, longest), longest
        self._clock, self._sleep = clock, sleep
        self.learned: float | None = None
        self._enlisted = False
        self._changed = asyncio.Event()

    def enlist(self) -> bool:
        """True once: the caller is the scout."""
        first, self._enlisted = not self._enlisted, True
        return first

    def learn(self, age: float) -> None:
        """The scout was final when asked at ``age`` seconds: the first wait of the rest."""
        self._settle(min(max(age, self.shortest), self.longest))

    def give_up(self) -> None:
        """The scout ended without learning (cut, gone, deadline): the rest wait ``longest``."""
        self._settle(self.longest)

    def _settle(self, wait: float) -> None:
        if self.learned is None:
            self.learned = wait
            self._changed.set()

    async def wait(self, accepted_at: float) -> None:
        """Until the first poll of a process accepted at ``accepted_at`` is due."""
        while self.learned is None:
            left = accepted_at + self.longest - self._clock()
            if left <= 0:
                return
            changed = asyncio.ensure_future(self._changed.wait())
            slept = asyncio.ensure_future(self._sleep(left))
            try:
                await asyncio.wait((changed, slept), return_when=asyncio.FIRST_COMPLETED)
            finally:
                changed.cancel()
                slept.cancel()
            if self.learned is None:
                return  # slept the longest wait
        left = accepted_at + self.learned - self._clock()
        if left > 0:
            await self._sleep(left)
