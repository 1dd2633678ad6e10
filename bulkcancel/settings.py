"""Every option of a run in one value; the CLI and the library both build one.

Only the pipeline reads it: each stage below gets its own narrower value (``ReadLimits``
for reading, ``SendPolicy`` for the sender, ``ExecuteOptions`` for the networked part).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bulkcancel.errors import ConfigError
from bulkcancel.i18n import Language, Text
from bulkcancel.results import DroppedRow, RunOptions
from bulkcancel.send.execute import CheckPolicy, ExecuteOptions
from bulkcancel.send.retry import RetryPolicy
from bulkcancel.send.sender import SendPolicy
from bulkcancel.sheet.read import ReadLimits
from bulkcancel.targets import Api, Environment

DEFAULT_TIMEZONE = "Europe/Amsterdam"
DEFAULT_CONCURRENCY = 8
DAILY_BUDGET = 5000  # Plaza v2: 5,000 cancellations a day per key


@dataclass(frozen=True)
class Settings:
    """The options of one run, with their defaults."""

    env: Environment | None = None
    base_url: str | None = None
    api: Api | None = None  # None: from the credentials in the environment (the demo: Plaza)
    login_url: str | None = None  # the Retailer API's token endpoint
    concurrency: int = DEFAULT_CONCURRENCY
    timezone: str = DEFAULT_TIMEZONE
    dry_run: bool = False
    sheet: str | None = None
    out: Path | None = None
    journal: Path | None = None
    daily_budget: int = DAILY_BUDGET
    scenario: Path | None = None  # the demo simulator's scenario
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    poll_initial: float = 1.0
    poll_first: float | None = 0.25  # the run's first process is asked this early (send/firstpoll.py); None: off
    poll_deadline: float = 120.0
    follow: bool = True  # poll accepted cancellations to their final status
    request_timeout: float = 30.0
    interrupt_grace: float = 10.0  # after Ctrl-C, how long requests in flight may take
    limits: ReadLimits = field(default_factory=ReadLimits)
    check: bool = False  # compare with bol's open orders before sending
    allow_reason_mismatch: bool = False
    canary: int = 0  # send this many rows first, then ask
    max_order_pages: int = 150
    confirm_threshold: int = 50  # from this many rows on, production asks for the number typed
    lang: str = "auto"  # en, nl, or auto: Dutch when the column names are Dutch
    columns: tuple[tuple[str, str], ...] = ()  # (header as written, role) chosen on the upload page
    force: bool = False  # --out may replace a file bulkcancel did not write (never the input)
    accept_strike: bool = False  # production may take the week above bol's cancellation norm without asking
    input_name: str | None = None  # the input as the Summary names it (the page: the uploaded file's name, no folder)
    dropped: tuple[DroppedRow, ...] = ()  # rows removed on the page: left out of the sheet, in the result DROPPED

    def zone(self) -> ZoneInfo:
        """The time zone for naive times; a ConfigError for an unknown name."""
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                Text(
                    "--timezone {timezone!r} is not a known time zone; use a name such as Europe/Amsterdam or "
                    "Europe/Brussels",
                    timezone=self.timezone,
                )
            ) from None

    def language(self, dutch_headers: bool) -> Language:
        """The language of a run's result and console: ``lang``, or auto: Dutch for Dutch column names."""
        if self.lang == "auto":
            return Language.NL if dutch_headers else Language.EN
        try:
            return Language(self.lang)
        except ValueError:
            raise ConfigError(Text("--lang {lang!r}: choose auto, en or nl", lang=self.lang)) from None

    def run_options(self) -> RunOptions:
        """The options the run's record keeps."""
        return RunOptions(
            dry_run=self.dry_run,
            check=self.check,
            allow_reason_mismatch=self.allow_reason_mismatch,
            follow=self.follow,
            concurrency=self.concurrency,
            canary=self.canary,
            daily_budget=self.daily_budget,
            sheet=self.sheet,
        )

    def send_policy(self) -> SendPolicy:
        """How hard and how long the sender tries."""
        return SendPolicy(
            concurrency=self.concurrency,
            retry=self.retry,
            poll_initial=self.poll_initial,
            poll_first=self.poll_first,
            poll_deadline=self.poll_deadline,
            follow=self.follow,
        )

    def execute_options(self, production: bool, started: datetime) -> ExecuteOptions:
        """What the networked part of the run needs; ``started``: the run's moment (bol's week of it)."""
        check = CheckPolicy(self.allow_reason_mismatch, self.max_order_pages) if self.check else None
        return ExecuteOptions(
            policy=self.send_policy(),
            production=production,
            dry_run=self.dry_run,
            check=check,
            canary=self.canary,
            interrupt_grace=self.interrupt_grace,
            started=started,
            accept_strike=self.accept_strike,
        )

    def verify(self) -> None:
        """Refuse values that cannot work, with the option's name."""
        if not 1 <= self.concurrency <= 256:
            raise ConfigError(
                Text("--concurrency {concurrency}: choose a number from 1 to 256", concurrency=self.concurrency)
            )
        if self.lang not in ("auto", *Language.codes()):
            raise ConfigError(Text("--lang {lang!r}: choose auto, en or nl", lang=self.lang))
        if self.canary < 0:
            raise ConfigError(
                Text("--canary {canary}: give how many rows to send first (0 for no canary)", canary=self.canary)
            )
        if self.daily_budget < 0:
            raise ConfigError(Text("the daily budget cannot be negative"))
        self.zone()
