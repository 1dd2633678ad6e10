"""When an accepted cancellation is first asked about: learned from the run's own first process.

bol publishes no time for a cancellation to settle. Asking every process first after
``poll_initial`` (a second) is safe but makes a short sheet wait that second at its end;
asking every one sooner costs a request per row each time bol is slower than that. So one
process, the first of the run (the scout), is asked early and then every ``shortest``
seconds until it is final; the age at which it was final becomes the first wait of every
other process, those already waiting included (never longer than ``poll_initial``). Its
extra requests are a few per run; a slow bol costs them once and every other row waits
``poll_initial`` as before. When bol slows down after the scout learned, a row asked early
and still pending says so (``too_soon``): it asks again at ``poll_initial``, as it would have
without the scout, and the rows not yet asked wait ``poll_initial`` again, so only the rows
already due in that moment ask once more. Where polls are gathered into bulk queries (v10),
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
        if self.learned is None:
            self._change(min(max(age, self.shortest), self.longest))

    def too_soon(self) -> None:
        """A row asked at the learned age was still pending (bol is slower than it was for the
        scout): from now on every first poll waits ``longest`` again, those waiting included."""
        self._change(self.longest)

    def give_up(self) -> None:
        """The scout ended without learning (cut, gone, deadline): the rest wait ``longest``."""
        if self.learned is None:
            self._change(self.longest)

    def _change(self, wait: float) -> None:
        self.learned = wait
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()  # every waiter looks again

    async def wait(self, accepted_at: float) -> None:
        """Until the first poll of a process accepted at ``accepted_at`` is due (``longest``
        until the scout learns; what it learned, or ``longest`` again, as it changes)."""
        while True:
            left = accepted_at + (self.longest if self.learned is None else self.learned) - self._clock()
            if left <= 0:
                return
            changed = asyncio.ensure_future(self._changed.wait())
            slept = asyncio.ensure_future(self._sleep(left))
            try:
                await asyncio.wait((changed, slept), return_when=asyncio.FIRST_COMPLETED)
            finally:
                changed.cancel()
                slept.cancel()
            if slept.done() and not slept.cancelled():
                return  # slept the whole wait
