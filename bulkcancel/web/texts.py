"""The page's words: English msgids by key, shown through ``bulkcancel.i18n`` (the browser's language, switchable)."""

from __future__ import annotations

from bulkcancel.i18n import N_, Language, gettext, pick_language

LANGUAGES = Language.codes()

WORDS: dict[str, str] = {
    "title": N_("Cancel order items in bulk"),
    "upload": N_("1. Upload the sheet"),
    "upload_help": N_(
        "An .xlsx, .ods or .csv with OrderItemId and ReasonCode (and optionally DateTime). At most {mb} MB."
    ),
    "drop": N_("Drop the sheet here, or choose it"),
    "check_button": N_("Check the sheet"),
    "connected": N_("Connected to"),
    "check": N_("2. Check"),
    "columns": N_("Columns found"),
    "only_problems": N_("Only rows with problems"),
    "row": N_("Row"),
    "status": N_("Status"),
    "detail": N_("Detail"),
    "code": N_("Code sent"),
    "per_status": N_("Rows per status"),
    "per_reason": N_("Cancellations per reason"),
    "against": N_("{n} of them count against your performance score."),
    "download_checked": N_("Download the checked workbook"),
    "plan": N_("3. Compare with bol's open orders (optional)"),
    "plan_button": N_("Compare now (sends nothing)"),
    "confirm": N_("4. Confirm"),
    "confirm_words": N_(
        "{n} order item(s) will be cancelled at bol.com. {m} count against your performance score. Their "
        "stock goes to 0. A cancellation refunds the customer and cannot be undone."
    ),
    "invalid_left": N_(
        "{n} row(s) are not valid and will not be sent: they come back on the Retry sheet, to fix and upload."
    ),
    "duplicates_left": N_(
        "{n} row(s) repeat an order item from a row above: only the first is sent; "
        "the repeats are not on the Retry sheet."
    ),
    "sent_already": N_("This sheet has been sent: see its run."),
    "rows_shown": N_("Rows {first} to {last} of {of}"),
    "previous": N_("Previous"),
    "next": N_("Next"),
    "type_count": N_("This is LIVE. Type the number of cancellations ({n}) to confirm:"),
    "send": N_("Send the {n} valid row(s)"),
    "stop_fix": N_("Stop: fix the sheet first"),
    "nothing": N_("Nothing to send: no row is READY."),
    "progress": N_("5. Progress"),
    "queued": N_("Waiting: {n} run(s) ahead of this one."),
    "running": N_("Sending"),
    "done_of": N_("{done} of {total} rows"),
    "rate": N_("{rate} rows/s, about {left} s left"),
    "waits": N_("rate-limit waits: {n}"),
    "stop": N_("Stop sending"),
    "stopping": N_("Stopping: requests in flight finish."),
    "refresh_safe": N_("The run goes on on this computer: closing or refreshing this tab changes nothing."),
    "results": N_("6. Results"),
    "download_result": N_("Download the result workbook"),
    "download_retry": N_("Download the Retry sheet"),
    "run_retry": N_("Run the Retry sheet again"),
    "failed": N_("The run could not start or stopped"),
    "history": N_("7. History"),
    "history_link": N_("All runs"),
    "started": N_("Started"),
    "file": N_("File"),
    "environment": N_("Environment"),
    "rows": N_("Rows per status"),
    "exit": N_("Exit"),
    "interrupted": N_("interrupted: run it again to finish (nothing is cancelled twice)"),
    "again": N_("Run it again"),
    "download": N_("Download"),
    "no_runs": N_("No runs yet."),
    "new_upload": N_("Upload another sheet"),
    "too_large": N_(
        "The file is larger than {mb} MB: split the sheet, or start the page with a larger --max-upload-mb."
    ),
    "bad_type": N_("{name} is not a sheet bulkcancel reads: upload an .xlsx, .ods or .csv (save .xls as .xlsx first)."),
    "pick_columns": N_("Which column is which? Pick them, and the sheet is checked again (the file is not changed)."),
    "optional": N_("optional"),
    "use_columns": N_("Use these columns"),
    "no_file": N_("Choose a file first."),
    "wrong_count": N_("The number typed does not match {n}: nothing was sent."),
}


class Translate:
    """The words of one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        return gettext(self.lang, WORDS[key], **values)


__all__ = ["LANGUAGES", "WORDS", "Translate", "pick_language"]
