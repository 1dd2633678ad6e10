"""The page's words in English and Dutch (the browser's language, switchable)."""

from __future__ import annotations

LANGUAGES = ("en", "nl")

WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Cancel order items in bulk", "nl": "Artikelen in bulk annuleren"},
    "upload": {"en": "1. Upload the sheet", "nl": "1. Upload de sheet"},
    "upload_help": {
        "en": "An .xlsx, .ods or .csv with OrderItemId and ReasonCode (and optionally DateTime). At most {mb} MB.",
        "nl": "Een .xlsx, .ods of .csv met OrderItemId en ReasonCode (en eventueel DateTime). Hoogstens {mb} MB.",
    },
    "drop": {"en": "Drop the sheet here, or choose it", "nl": "Sleep de sheet hierheen, of kies hem"},
    "check_button": {"en": "Check the sheet", "nl": "Controleer de sheet"},
    "connected": {"en": "Connected to", "nl": "Verbonden met"},
    "check": {"en": "2. Check", "nl": "2. Controle"},
    "columns": {"en": "Columns found", "nl": "Gevonden kolommen"},
    "only_problems": {"en": "Only rows with problems", "nl": "Alleen rijen met problemen"},
    "row": {"en": "Row", "nl": "Rij"},
    "status": {"en": "Status", "nl": "Status"},
    "detail": {"en": "Detail", "nl": "Toelichting"},
    "code": {"en": "Code sent", "nl": "Code die verstuurd wordt"},
    "per_status": {"en": "Rows per status", "nl": "Rijen per status"},
    "per_reason": {"en": "Cancellations per reason", "nl": "Annuleringen per reden"},
    "against": {
        "en": "{n} of them count against your performance score.",
        "nl": "{n} daarvan tellen mee voor je prestatiescore.",
    },
    "download_checked": {"en": "Download the checked workbook", "nl": "Download de gecontroleerde werkmap"},
    "plan": {
        "en": "3. Compare with bol's open orders (optional)",
        "nl": "3. Vergelijk met de open bestellingen bij bol (optioneel)",
    },
    "plan_button": {"en": "Compare now (sends nothing)", "nl": "Vergelijk nu (verstuurt niets)"},
    "confirm": {"en": "4. Confirm", "nl": "4. Bevestig"},
    "confirm_words": {
        "en": "{n} order item(s) will be cancelled at bol.com. {m} count against your performance score. "
        "Their stock goes to 0. A cancellation refunds the customer and cannot be undone.",
        "nl": "{n} artikel(en) worden bij bol.com geannuleerd. {m} tellen mee voor je prestatiescore. "
        "De voorraad gaat naar 0. Een annulering betaalt de klant terug en kan niet ongedaan worden gemaakt.",
    },
    "invalid_left": {
        "en": "{n} row(s) are not valid and will not be sent: they come back on the Retry sheet, to fix and upload.",
        "nl": "{n} rij(en) zijn niet geldig en worden niet verstuurd: ze staan op het tabblad Retry, "
        "om te verbeteren en opnieuw te uploaden.",
    },
    "duplicates_left": {
        "en": "{n} row(s) repeat an order item from a row above: only the first is sent; "
        "the repeats are not on the Retry sheet.",
        "nl": "{n} rij(en) herhalen een artikel van een rij erboven: alleen de eerste wordt verstuurd; "
        "de herhalingen staan niet op het tabblad Retry.",
    },
    "sent_already": {
        "en": "This sheet has been sent: see its run.",
        "nl": "Deze sheet is al verstuurd: bekijk de run.",
    },
    "rows_shown": {"en": "Rows {first} to {last} of {of}", "nl": "Rijen {first} tot {last} van {of}"},
    "previous": {"en": "Previous", "nl": "Vorige"},
    "next": {"en": "Next", "nl": "Volgende"},
    "type_count": {
        "en": "This is LIVE. Type the number of cancellations ({n}) to confirm:",
        "nl": "Dit is LIVE. Typ het aantal annuleringen ({n}) om te bevestigen:",
    },
    "send": {"en": "Send the {n} valid row(s)", "nl": "Verstuur de {n} geldige rij(en)"},
    "stop_fix": {"en": "Stop: fix the sheet first", "nl": "Stop: eerst de sheet verbeteren"},
    "nothing": {"en": "Nothing to send: no row is READY.", "nl": "Niets te versturen: geen rij is READY."},
    "progress": {"en": "5. Progress", "nl": "5. Voortgang"},
    "queued": {"en": "Waiting: {n} run(s) ahead of this one.", "nl": "Wacht: er gaan nog {n} run(s) voor."},
    "running": {"en": "Sending", "nl": "Bezig met versturen"},
    "done_of": {"en": "{done} of {total} rows", "nl": "{done} van {total} rijen"},
    "rate": {"en": "{rate} rows/s, about {left} s left", "nl": "{rate} rijen/s, nog ongeveer {left} s"},
    "waits": {"en": "rate-limit waits: {n}", "nl": "wachttijden door limiet: {n}"},
    "stop": {"en": "Stop sending", "nl": "Stop met versturen"},
    "stopping": {"en": "Stopping: requests in flight finish.", "nl": "Stoppen: lopende verzoeken worden afgemaakt."},
    "refresh_safe": {
        "en": "The run goes on on this computer: closing or refreshing this tab changes nothing.",
        "nl": "De run gaat door op deze computer: dit tabblad sluiten of verversen verandert niets.",
    },
    "results": {"en": "6. Results", "nl": "6. Resultaten"},
    "download_result": {"en": "Download the result workbook", "nl": "Download de resultaatwerkmap"},
    "download_retry": {"en": "Download the Retry sheet", "nl": "Download het tabblad Retry"},
    "run_retry": {"en": "Run the Retry sheet again", "nl": "Het tabblad Retry opnieuw uitvoeren"},
    "failed": {"en": "The run could not start or stopped", "nl": "De run kon niet starten of is gestopt"},
    "history": {"en": "7. History", "nl": "7. Geschiedenis"},
    "history_link": {"en": "All runs", "nl": "Alle runs"},
    "started": {"en": "Started", "nl": "Gestart"},
    "file": {"en": "File", "nl": "Bestand"},
    "environment": {"en": "Environment", "nl": "Omgeving"},
    "rows": {"en": "Rows per status", "nl": "Rijen per status"},
    "exit": {"en": "Exit", "nl": "Afloop"},
    "interrupted": {
        "en": "interrupted: run it again to finish (nothing is cancelled twice)",
        "nl": "onderbroken: voer hem opnieuw uit om af te maken (niets wordt twee keer geannuleerd)",
    },
    "again": {"en": "Run it again", "nl": "Opnieuw uitvoeren"},
    "download": {"en": "Download", "nl": "Download"},
    "no_runs": {"en": "No runs yet.", "nl": "Nog geen runs."},
    "new_upload": {"en": "Upload another sheet", "nl": "Nog een sheet uploaden"},
    "too_large": {
        "en": "The file is larger than {mb} MB: split the sheet, or start the page with a larger --max-upload-mb.",
        "nl": "Het bestand is groter dan {mb} MB: splits de sheet, of start de pagina met een grotere --max-upload-mb.",
    },
    "bad_type": {
        "en": "{name} is not a sheet bulkcancel reads: upload an .xlsx, .ods or .csv (save .xls as .xlsx first).",
        "nl": "{name} is geen sheet die bulkcancel leest: upload een .xlsx, .ods of .csv "
        "(sla .xls eerst op als .xlsx).",
    },
    "pick_columns": {
        "en": "Which column is which? Pick them, and the sheet is checked again (the file is not changed).",
        "nl": "Welke kolom is welke? Kies ze, dan wordt de sheet opnieuw gecontroleerd "
        "(het bestand blijft zoals het is).",
    },
    "optional": {"en": "optional", "nl": "optioneel"},
    "use_columns": {"en": "Use these columns", "nl": "Gebruik deze kolommen"},
    "no_file": {"en": "Choose a file first.", "nl": "Kies eerst een bestand."},
    "wrong_count": {
        "en": "The number typed does not match {n}: nothing was sent.",
        "nl": "Het getypte aantal klopt niet met {n}: er is niets verstuurd.",
    },
}


def pick_language(cookie: str | None, accept: str) -> str:
    """The chosen language (cookie), else the browser's first of ours, else English."""
    if cookie in LANGUAGES:
        return str(cookie)
    for part in accept.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


class Translate:
    """The words of one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        text = WORDS[key].get(self.lang) or WORDS[key]["en"]
        return text.format(**values) if values else text
