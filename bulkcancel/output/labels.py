"""The words of the result workbook and the console: English msgids, shown through ``bulkcancel.i18n``.

Row messages have their own catalogue (``check.messages``); these are the labels around
them: what each status means, what to do next, the Summary's captions. ``word`` takes a key
of ``WORDS`` and fails on any other (a missing label is a bug, never silently English).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from bulkcancel.backend import Foreign, NotBol
from bulkcancel.i18n import N_, Text, gettext
from bulkcancel.i18n.translate import Later
from bulkcancel.results import Stop, StopReason
from bulkcancel.statuses import RowStatus
from bulkcancel.targets import Api, CredentialSource, Environment, Target

MEANING: dict[RowStatus, str] = {
    RowStatus.READY: N_("valid; would be sent"),
    RowStatus.CANCELLED: N_("bol confirmed the cancellation"),
    RowStatus.ACCEPTED: N_("bol accepted it; the final state is not known yet"),
    RowStatus.ALREADY_CANCELLED: N_("already cancelled elsewhere (seller dashboard or customer): nothing to do"),
    RowStatus.SKIPPED: N_("already cancelled by an earlier run of bulkcancel"),
    RowStatus.DUPLICATE: N_("same OrderItemId as an earlier row"),
    RowStatus.INVALID: N_("the row is not valid; Detail says what to fix"),
    RowStatus.FAILED: N_("bol refused it; Detail says why"),
    RowStatus.NOT_SENT: N_("not sent (the run stopped first): safe to run again"),
    RowStatus.UNKNOWN: N_("may already be cancelled (an answer was lost): run again to confirm"),
    RowStatus.DROPPED: N_("removed on the upload page by the person: not sent, nothing to do"),
}

NEXT_STEP: dict[RowStatus, str] = {
    RowStatus.INVALID: N_("{n} INVALID: fix them on the Retry sheet and run it again"),
    RowStatus.FAILED: N_("{n} FAILED: bol refused them; Detail says why (check them in the seller dashboard)"),
    RowStatus.NOT_SENT: N_("{n} NOT_SENT: run the same sheet again (later, if bol's limit was reached)"),
    RowStatus.UNKNOWN: N_("{n} UNKNOWN: may already be cancelled; run the same sheet again to confirm (never twice)"),
    RowStatus.ACCEPTED: N_("{n} ACCEPTED: run the same sheet again later to learn the final state"),
    RowStatus.READY: N_("{n} READY: send them with bulkcancel run (without --dry-run)"),
    RowStatus.ALREADY_CANCELLED: N_("{n} ALREADY_CANCELLED: nothing to do"),
}

WORDS: dict[str, str] = {
    "Results": N_("Results"),
    "Summary": N_("Summary"),
    "Retry": N_("Retry"),
    "Status": N_("Status"),
    "Rows": N_("Rows"),
    "Total": N_("Total"),
    "Against the performance score": N_("Against the performance score"),
    "Next steps": N_("Next steps"),
    "Nothing to do": N_("Nothing to do: every row ended well"),
    "ReasonCode": N_("ReasonCode"),
    "Cancellations sent": N_("Cancellations sent"),
    "Cancellations to send": N_("Cancellations to send"),
    "Run": N_("Run"),
    "Duration": N_("Duration"),
    "Retries": N_("Retries"),
    "Rate-limit waits": N_("Rate-limit waits"),
    "Rate-limit answers": N_("Too many requests (HTTP 429)"),
    "Stopped early": N_("Stopped early"),
    "Legend": N_("Legend"),
    "Outcome": N_("Outcome per status"),
    "yes": N_("yes"),
    "no": N_("no"),
    "seconds": N_("{n:.0f} s"),
    "Validation (nothing sent)": N_("Validation (nothing sent)"),
    "Dry run (nothing sent)": N_("Dry run (nothing sent)"),
    "Plan (nothing sent)": N_("Plan (nothing sent)"),
    "Run on": N_("Run on {where}"),
    "Note": N_("Note"),
    "Result": N_("Result"),
    "Run id": N_("Run id"),
    "Input file": N_("Input file"),
    "Environment": N_("Environment"),
    "Started": N_("Started"),
    "Time zone": N_("Time zone"),
    "Tool version": N_("Tool version"),
    "Dry run": N_("Dry run"),
    "Not sent": N_("not sent: {why}"),
    "running or stopped": N_("running or stopped"),
    "Dry run yes": N_("yes: nothing was sent"),
    "none (validate)": N_("none (validate)"),
    "No timestamp": N_(
        "the Retailer API v10 takes no timestamp: each row's DateTime was checked and is kept in this "
        "result, but bol was not sent it"
    ),
    "No keys": N_(
        "no API keys set: this dry run sends nothing and cannot see which items these keys cancelled before "
        "(a real run skips those)"
    ),
    "Over budget": N_("{n} row(s) over today's budget of {budget} cancellations: run again tomorrow"),
    "Demo": N_(
        "Demo: ran against the embedded simulator; nothing reached bol.com (choose --env test or --env "
        "production for real runs)."
    ),
}

STOP: dict[StopReason, str] = {  # JOURNAL: the JournalError says it all
    StopReason.RATE_LIMIT: N_(
        "bol's rate limit for cancellations was reached (HTTP 409, 41501); run the same sheet again tomorrow"
    ),
    StopReason.AUTH: N_("bol refused the API keys: {detail}"),
    StopReason.UNREACHABLE: N_(
        "{detail}, {times} times in a row; run the same sheet again once the server can be reached"
    ),
    StopReason.INTERRUPT: N_(
        "the run was interrupted; run the same sheet again to finish (nothing is cancelled twice)"
    ),
    StopReason.CANARY: N_("stopped after the canary rows; check them, then run the sheet again"),
    StopReason.WAIT: N_(
        "bol's rate limit allows the next request in {detail} s, longer than bulkcancel waits; run the same sheet "
        "again after that (nothing is cancelled twice)"
    ),
    StopReason.NOT_BOL: N_(
        "{detail} answered {what}: not an answer bol gives; nothing more was sent: check the proxy or the network"
    ),
}
UNREACHABLE_AT_START = N_("{detail}; nothing was sent: run the same sheet again once it can be reached")
NOT_BOL_AT_START = N_(
    "{detail} answered {what}: not an answer bol gives; nothing was sent: check --base-url, a proxy or the "
    "network, then run again"
)
NOT_BOL_WHAT: dict[Foreign, str] = {  # what stood in bol's place answered (status, media type, size)
    Foreign.EMPTY: N_("HTTP {status} with an empty body ({media})"),
    Foreign.HTML: N_("HTTP {status} with an HTML page ({media}, {size} bytes)"),
    Foreign.DOCTYPE: N_("HTTP {status} with a document type declaration ({media}, {size} bytes)"),
    Foreign.TOO_LARGE: N_("HTTP {status} with a body larger than any of bol's ({media}, over {size} bytes)"),
    Foreign.MEDIA_TYPE: N_("HTTP {status} in {media}, not one of bol's media types ({size} bytes)"),
    Foreign.SHAPE: N_("HTTP {status} in {media} that is not a document bol sends for this request ({size} bytes)"),
}
NOT_BOL_UNSAID = N_("a document bol does not send")  # a journal from before the answer's columns keeps no more
NO_MEDIA_TYPE = N_("no Content-Type")
IN_PROCESS = N_("demo (the embedded simulator; nothing reaches bol.com)")
IN_PROCESS_API = N_("demo (the embedded simulator, {api}; nothing reaches bol.com)")
DEMO_PATHS = N_("{environment}: {url} (bol's demo endpoints: static answers)")

CREDENTIALS: dict[CredentialSource, str] = {
    CredentialSource.ENVIRONMENT: N_("Credentials: from the environment variables"),
    CredentialSource.KEYRING: N_("Credentials: from the keyring of this computer (bulkcancel login)"),
    CredentialSource.DEMO: N_("Credentials: the simulator's demo values"),
}


def credentials_from(source: CredentialSource, lang: str) -> str:
    """Where the credentials came from, in ``lang`` (never the credentials)."""
    return gettext(lang, CREDENTIALS[source])


def word(key: str, lang: str, **named: object) -> str:
    """The label ``key`` of ``WORDS`` in ``lang``, ``named`` filled in (a KeyError for a key that is not one)."""
    return gettext(lang, WORDS[key], **named)


def meaning(status: RowStatus, lang: str) -> str:
    """What a status means, in ``lang``."""
    return gettext(lang, MEANING[status])


def next_steps(counts: dict[RowStatus, int], lang: str) -> list[str]:
    """One line per status present that asks for something (or says there is nothing to do)."""
    lines = [
        gettext(lang, NEXT_STEP[status], n=counts[status])
        for status in RowStatus
        if counts.get(status) and status in NEXT_STEP and status is not RowStatus.ALREADY_CANCELLED
    ]
    return lines or [word("Nothing to do", lang)]


def stop_text(stop: Stop, lang: str) -> str:
    """Why a run stopped early, in ``lang`` (the details as they were said)."""
    if stop.reason is StopReason.JOURNAL:
        return stop.detail
    if stop.reason is StopReason.NOT_BOL:
        template = STOP[stop.reason] if stop.times else NOT_BOL_AT_START
        return gettext(lang, template, detail=stop.detail, what=_not_bol_what(stop.answer, lang))
    unreachable_at_start = stop.reason is StopReason.UNREACHABLE and not stop.times
    template = UNREACHABLE_AT_START if unreachable_at_start else STOP[stop.reason]
    return gettext(lang, template, detail=stop.detail, times=stop.times)


class StopWords(Later):
    """Why a run stopped early, in English until an edge shows it in its language (``i18n.render``)."""

    stop: Stop

    def __new__(cls, stop: Stop) -> StopWords:
        text = super().__new__(cls, stop_text(stop, "en"))
        text.stop = stop
        return text

    def render(self, lang: str) -> str:
        """The words in ``lang``."""
        return stop_text(self.stop, lang)


def not_bol_before_sending(origin: str, answer: NotBol) -> Text:
    """The one line for an answer that is not bol's before anything was sent (the ``--check``'s order list)."""
    size = answer.size - 1 if answer.why is Foreign.TOO_LARGE else answer.size
    media = answer.media_type or Text(NO_MEDIA_TYPE)
    what = Text(NOT_BOL_WHAT[answer.why], status=answer.http_status, media=media, size=f"{size:,}")
    return Text(NOT_BOL_AT_START, detail=origin, what=what)


def _not_bol_what(answer: NotBol | None, lang: str) -> str:
    if answer is None:
        return gettext(lang, NOT_BOL_UNSAID)
    size = answer.size - 1 if answer.why is Foreign.TOO_LARGE else answer.size  # the cap read one byte more
    media = answer.media_type or gettext(lang, NO_MEDIA_TYPE)
    return gettext(lang, NOT_BOL_WHAT[answer.why], status=answer.http_status, media=media, size=f"{size:,}")


def not_sent(stop: Stop, lang: str) -> str:
    """A row's Detail when the stop left it unsent."""
    return word("Not sent", lang, why=stop_text(stop, lang))


def environment_text(target: Target | None, lang: str) -> str:
    """Where a run went, in words (the URL for any but the demo; None: a validation)."""
    if target is None:
        return word("none (validate)", lang)
    api = "" if target.api is Api.PLAZA else target.api.label
    if target.in_process:
        return gettext(lang, IN_PROCESS_API, api=api) if api else gettext(lang, IN_PROCESS)
    if target.name is Environment.CUSTOM:
        return f"custom: {target.base_url}" + (f" ({api})" if api else "")
    where = f"{target.name.value}: {target.base_url}"
    if target.demo_paths:
        where = gettext(lang, DEMO_PATHS, environment=target.name.value, url=target.base_url)
    return f"{where}, {api}" if api else where


def local_time(moment: datetime, zone: tzinfo) -> str:
    """A time as a listing shows it, in the run's own zone (to the minute)."""
    return f"{moment.astimezone(zone):%d-%m-%Y %H:%M}"
