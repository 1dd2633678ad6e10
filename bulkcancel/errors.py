"""The exceptions a run that cannot start (or must stop) raises.

Rows that fail are outcomes, never exceptions; these are for the run as a whole::

    BulkCancelError (exit 2)
    ├── InputFileError      the sheet cannot be read: missing, empty, wrong format, too big
    │   └── HeaderNotFound  no header row with the column this kind of sheet needs
    ├── ColumnError         a required column is missing or ambiguous
    ├── ConfigError         a bad option: unknown time zone, plain http to a remote host
    ├── CredentialsError    no keys, or bol rejected them (HTTP 401)
    ├── JournalError        the journal cannot be opened or is in use by another run
    └── OutputError         the result file cannot be written (the journal still has everything)

The CLI turns each into one line and its exit code; the library lets them propagate.
"""

from __future__ import annotations

from bulkcancel.i18n import render


class BulkCancelError(Exception):
    """A problem that stops the whole run; its message is one line for the user.

    The message is an ``i18n.Text`` (English as a ``str``; any language at the edge)."""

    exit_code = 2

    def in_language(self, lang: str) -> str:
        """The message in ``lang`` (a message that is not an ``i18n.Text`` as it is)."""
        return str(render(self.args[0], lang)) if self.args else ""


class InputFileError(BulkCancelError):
    """The input sheet cannot be read as a sheet of order items."""


class HeaderNotFound(InputFileError):
    """No row near the top names the column the sheet needs (a products sheet: EAN): it is
    not that kind of sheet (the page then reads it as an order sheet)."""


class ColumnError(InputFileError):
    """A required column is missing, or two columns claim the same role; ``headers`` are the
    ones found (the upload page offers them to choose from)."""

    def __init__(self, message: str, headers: list[str] | None = None) -> None:
        super().__init__(message)
        self.headers = headers or []


class ConfigError(BulkCancelError):
    """An option or setting is not usable."""


class CredentialsError(BulkCancelError):
    """The API keys are missing or bol refused them."""


class JournalError(BulkCancelError):
    """The journal cannot be used."""


class OutputError(BulkCancelError):
    """The result file could not be written."""
