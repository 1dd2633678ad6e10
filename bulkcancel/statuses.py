"""The outcome of one row (the result workbook's Status column) and the run's exit codes."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class RowStatus(StrEnum):
    """What happened to one row of the sheet."""

    READY = "READY"
    CANCELLED = "CANCELLED"
    ACCEPTED = "ACCEPTED"
    FAILED = "FAILED"
    INVALID = "INVALID"
    DUPLICATE = "DUPLICATE"
    SKIPPED = "SKIPPED"
    ALREADY_CANCELLED = "ALREADY_CANCELLED"  # cancelled before, not by this tool (seller dashboard, customer)
    NOT_SENT = "NOT_SENT"
    UNKNOWN = "UNKNOWN"  # a request may have reached bol unanswered; the next run finds out
    DROPPED = "DROPPED"  # removed on the upload page by the person before the run: never sent, nothing to do

    @property
    def needs_attention(self) -> bool:
        """Whether staff must do something about the row (it goes to the Retry sheet)."""
        return self in _ATTENTION  # asked of every row of a result: the set is made once


_ATTENTION = frozenset({RowStatus.INVALID, RowStatus.FAILED, RowStatus.NOT_SENT, RowStatus.UNKNOWN})


class ExitCode(IntEnum):
    """The process exit codes (README.md, "Statuses and exit codes")."""

    OK = 0
    ROWS_FAILED = 1
    CANNOT_RUN = 2
    STOPPED_EARLY = 3


def exit_code_for(statuses: list[RowStatus]) -> ExitCode:
    """0 when every row ended well, 3 when rows must be run again (unsent or unknown), 1 when rows failed."""
    present = set(statuses)
    if present & {RowStatus.NOT_SENT, RowStatus.UNKNOWN}:
        return ExitCode.STOPPED_EARLY
    if present & {RowStatus.INVALID, RowStatus.FAILED}:
        return ExitCode.ROWS_FAILED
    return ExitCode.OK
