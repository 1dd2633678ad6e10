"""The words of the result workbook and the console, in English and Dutch.

Row messages have their own catalogue (``check.messages``); these are the labels around
them: what each status means, what to do next, the Summary's captions.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from bulkcancel.environments import Environment
from bulkcancel.results import Stop, StopReason
from bulkcancel.statuses import RowStatus
from bulkcancel.targets import Api, Target

MEANING: dict[RowStatus, dict[str, str]] = {
    RowStatus.READY: {"en": "valid; would be sent", "nl": "geldig; zou worden verstuurd"},
    RowStatus.CANCELLED: {"en": "bol confirmed the cancellation", "nl": "bol heeft de annulering bevestigd"},
    RowStatus.ACCEPTED: {
        "en": "bol accepted it; the final state is not known yet",
        "nl": "bol heeft het aangenomen; de uitkomst is nog niet bekend",
    },
    RowStatus.ALREADY_CANCELLED: {
        "en": "already cancelled elsewhere (seller dashboard or customer): nothing to do",
        "nl": "al elders geannuleerd (verkopersdashboard of klant): niets te doen",
    },
    RowStatus.SKIPPED: {
        "en": "already cancelled by an earlier run of bulkcancel",
        "nl": "al geannuleerd door een eerdere run van bulkcancel",
    },
    RowStatus.DUPLICATE: {"en": "same OrderItemId as an earlier row", "nl": "zelfde OrderItemId als een eerdere rij"},
    RowStatus.INVALID: {
        "en": "the row is not valid; Detail says what to fix",
        "nl": "de rij is ongeldig; zie Toelichting",
    },
    RowStatus.FAILED: {"en": "bol refused it; Detail says why", "nl": "bol heeft het geweigerd; zie Toelichting"},
    RowStatus.NOT_SENT: {
        "en": "not sent (the run stopped first): safe to run again",
        "nl": "niet verstuurd (de run stopte eerder): veilig om opnieuw te draaien",
    },
    RowStatus.UNKNOWN: {
        "en": "may already be cancelled (an answer was lost): run again to confirm",
        "nl": "mogelijk al geannuleerd (een antwoord ging verloren): draai opnieuw om het te bevestigen",
    },
}

NEXT_STEP: dict[RowStatus, dict[str, str]] = {
    RowStatus.INVALID: {
        "en": "{n} INVALID: fix them on the Retry sheet and run it again",
        "nl": "{n} INVALID: verbeter ze op het tabblad Opnieuw en draai dat opnieuw",
    },
    RowStatus.FAILED: {
        "en": "{n} FAILED: bol refused them; Detail says why (check them in the seller dashboard)",
        "nl": "{n} FAILED: bol weigerde ze; de Toelichting zegt waarom (bekijk ze in het verkopersdashboard)",
    },
    RowStatus.NOT_SENT: {
        "en": "{n} NOT_SENT: run the same sheet again (later, if bol's limit was reached)",
        "nl": "{n} NOT_SENT: draai hetzelfde bestand opnieuw (later, als de limiet van bol bereikt is)",
    },
    RowStatus.UNKNOWN: {
        "en": "{n} UNKNOWN: may already be cancelled; run the same sheet again to confirm (never twice)",
        "nl": "{n} UNKNOWN: mogelijk al geannuleerd; draai hetzelfde bestand opnieuw om het te bevestigen",
    },
    RowStatus.ACCEPTED: {
        "en": "{n} ACCEPTED: run the same sheet again later to learn the final state",
        "nl": "{n} ACCEPTED: draai hetzelfde bestand later opnieuw voor de uitkomst",
    },
    RowStatus.READY: {
        "en": "{n} READY: send them with bulkcancel run (without --dry-run)",
        "nl": "{n} READY: verstuur ze met bulkcancel run (zonder --dry-run)",
    },
    RowStatus.ALREADY_CANCELLED: {
        "en": "{n} ALREADY_CANCELLED: nothing to do",
        "nl": "{n} ALREADY_CANCELLED: niets te doen",
    },
}

WORDS: dict[str, dict[str, str]] = {
    "Results": {"en": "Results", "nl": "Resultaten"},
    "Summary": {"en": "Summary", "nl": "Samenvatting"},
    "Retry": {"en": "Retry", "nl": "Opnieuw"},
    "Status": {"en": "Status", "nl": "Status"},
    "Rows": {"en": "Rows", "nl": "Rijen"},
    "Total": {"en": "Total", "nl": "Totaal"},
    "Against the performance score": {"en": "Against the performance score", "nl": "Telt mee voor de score"},
    "Next steps": {"en": "Next steps", "nl": "Wat nu"},
    "Nothing to do": {"en": "Nothing to do: every row ended well", "nl": "Niets te doen: elke rij is goed afgerond"},
    "ReasonCode": {"en": "ReasonCode", "nl": "Redencode"},
    "Cancellations sent": {"en": "Cancellations sent", "nl": "Verstuurde annuleringen"},
    "Cancellations to send": {"en": "Cancellations to send", "nl": "Te versturen annuleringen"},
    "Run": {"en": "Run", "nl": "Run"},
    "Duration": {"en": "Duration", "nl": "Duur"},
    "Retries": {"en": "Retries", "nl": "Herhaalde verzoeken"},
    "Rate-limit waits": {"en": "Rate-limit waits", "nl": "Wachttijden door limiet"},
    "Rate-limit answers": {"en": "Too many requests (HTTP 429)", "nl": "Te veel verzoeken (HTTP 429)"},
    "Stopped early": {"en": "Stopped early", "nl": "Eerder gestopt"},
    "Legend": {"en": "Legend", "nl": "Legenda"},
    "Outcome": {"en": "Outcome per status", "nl": "Uitkomst per status"},
    "yes": {"en": "yes", "nl": "ja"},
    "no": {"en": "no", "nl": "nee"},
    "seconds": {"en": "{n:.0f} s", "nl": "{n:.0f} s"},
    "Validation (nothing sent)": {"en": "Validation (nothing sent)", "nl": "Controle (niets verstuurd)"},
    "Dry run (nothing sent)": {"en": "Dry run (nothing sent)", "nl": "Proefrun (niets verstuurd)"},
    "Plan (nothing sent)": {"en": "Plan (nothing sent)", "nl": "Plan (niets verstuurd)"},
    "Run on": {"en": "Run on {where}", "nl": "Run op {where}"},
    "Note": {"en": "Note", "nl": "Let op"},
    "Result": {"en": "Result", "nl": "Resultaat"},
    "Run id": {"en": "Run id", "nl": "Run-id"},
    "Input file": {"en": "Input file", "nl": "Invoerbestand"},
    "Environment": {"en": "Environment", "nl": "Omgeving"},
    "Started": {"en": "Started", "nl": "Gestart"},
    "Time zone": {"en": "Time zone", "nl": "Tijdzone"},
    "Tool version": {"en": "Tool version", "nl": "Versie"},
    "Dry run": {"en": "Dry run", "nl": "Proefrun"},
    "Rebuilt from the journal": {"en": "Rebuilt from the journal", "nl": "Opnieuw opgebouwd uit het journaal"},
    "Not sent": {"en": "not sent: {why}", "nl": "niet verstuurd: {why}"},
    "running or stopped": {"en": "running or stopped", "nl": "loopt of gestopt"},
    "Dry run yes": {"en": "yes: nothing was sent", "nl": "ja: er is niets verstuurd"},
    "none (validate)": {"en": "none (validate)", "nl": "geen (controle)"},
    "No timestamp": {
        "en": "the Retailer API v10 takes no timestamp: each row's DateTime was checked and is kept in this "
        "result, but bol was not sent it",
        "nl": "de Retailer API v10 neemt geen tijdstip aan: de DateTime van elke rij is gecontroleerd en staat in "
        "dit resultaat, maar is niet naar bol gestuurd",
    },
    "No keys": {
        "en": "no API keys set: this dry run sends nothing and cannot see which items these keys cancelled "
        "before (a real run skips those)",
        "nl": "geen API-sleutels ingesteld: deze proefrun verstuurt niets en ziet niet welke artikelen met deze "
        "sleutels al eerder geannuleerd zijn (een echte run slaat die over)",
    },
    "Over budget": {
        "en": "{n} row(s) over today's budget of {budget} cancellations: run again tomorrow",
        "nl": "{n} rij(en) boven het dagbudget van {budget} annuleringen: draai morgen opnieuw",
    },
    "Demo": {
        "en": "Demo: ran against the embedded simulator; nothing reached bol.com "
        "(choose --env test or --env production for real runs).",
        "nl": "Demo: gedraaid tegen de ingebouwde simulator; er is niets naar bol.com gegaan "
        "(kies --env test of --env production voor echte runs).",
    },
}


STOP: dict[StopReason, dict[str, str]] = {
    StopReason.RATE_LIMIT: {
        "en": "bol's rate limit for cancellations was reached (HTTP 409, 41501); run the same sheet again tomorrow",
        "nl": "de limiet van bol voor annuleringen is bereikt (HTTP 409, 41501); draai hetzelfde bestand morgen "
        "opnieuw",
    },
    StopReason.AUTH: {"en": "bol refused the API keys: {detail}", "nl": "bol weigerde de API-sleutels: {detail}"},
    StopReason.JOURNAL: {"en": "{detail}", "nl": "{detail}"},
    StopReason.INTERRUPT: {
        "en": "the run was interrupted; run the same sheet again to finish (nothing is cancelled twice)",
        "nl": "de run is onderbroken; draai hetzelfde bestand opnieuw om af te maken (niets wordt twee keer "
        "geannuleerd)",
    },
    StopReason.CANARY: {
        "en": "stopped after the canary rows; check them, then run the sheet again",
        "nl": "gestopt na de proefrijen; controleer ze en draai het bestand dan opnieuw",
    },
}
UNREACHABLE = {
    "en": "{detail}, {times} times in a row; run the same sheet again once the server can be reached",
    "nl": "{detail}, {times} keer achter elkaar; draai hetzelfde bestand opnieuw zodra de server bereikbaar is",
}
UNREACHABLE_AT_START = {
    "en": "{detail}; nothing was sent: run the same sheet again once it can be reached",
    "nl": "{detail}; er is niets verstuurd: draai hetzelfde bestand opnieuw zodra de server bereikbaar is",
}
ENVIRONMENT = {
    "demo": {
        "en": "demo (the embedded simulator{api}; nothing reaches bol.com)",
        "nl": "demo (de ingebouwde simulator{api}; er gaat niets naar bol.com)",
    },
    "demo paths": {
        "en": " (bol's demo endpoints: static answers)",
        "nl": " (de demo-adressen van bol: vaste antwoorden)",
    },
}


def word(key: str, lang: str) -> str:
    """A label in ``lang`` (English when there is no translation, or the key itself when unknown)."""
    if key not in WORDS:
        return key
    return WORDS[key].get(lang) or WORDS[key]["en"]


def meaning(status: RowStatus, lang: str) -> str:
    """What a status means, in ``lang``."""
    return MEANING[status].get(lang) or MEANING[status]["en"]


def next_steps(counts: dict[RowStatus, int], lang: str) -> list[str]:
    """One line per status present that asks for something (or says there is nothing to do)."""
    lines = [
        (NEXT_STEP[status].get(lang) or NEXT_STEP[status]["en"]).format(n=counts[status])
        for status in RowStatus
        if counts.get(status) and status in NEXT_STEP and status is not RowStatus.ALREADY_CANCELLED
    ]
    return lines or [word("Nothing to do", lang)]


def stop_text(stop: Stop, lang: str) -> str:
    """Why a run stopped early, in ``lang`` (the details as they were said)."""
    if stop.reason is StopReason.UNREACHABLE:
        template = UNREACHABLE if stop.times else UNREACHABLE_AT_START
    else:
        template = STOP[stop.reason]
    return (template.get(lang) or template["en"]).format(detail=stop.detail, times=stop.times)


def not_sent(stop: Stop, lang: str) -> str:
    """A row's Detail when the stop left it unsent."""
    return word("Not sent", lang).format(why=stop_text(stop, lang))


def environment_text(target: Target | None, lang: str) -> str:
    """Where a run went, in words (the URL for any but the demo; None: a validation)."""
    if target is None:
        return word("none (validate)", lang)
    if target.name is Environment.CUSTOM:
        return f"custom: {target.base_url}" + ("" if target.api is Api.PLAZA else f" ({target.api.label})")
    api = "" if target.api is Api.PLAZA else f", {target.api.label}"
    if target.in_process:
        demo = ENVIRONMENT["demo"]
        return (demo.get(lang) or demo["en"]).format(api=api)
    paths = ENVIRONMENT["demo paths"]
    shown_paths = (paths.get(lang) or paths["en"]) if target.demo_paths else ""
    return f"{target.name.value}: {target.base_url}{shown_paths}{api}"


def local_time(moment: datetime, zone: tzinfo) -> str:
    """A time as a listing shows it, in the run's own zone (to the minute)."""
    return f"{moment.astimezone(zone):%d-%m-%Y %H:%M}"
