"""Make any text safe to write into a result file: never a formula, never a crash.

xlsx cells are written with the string type forced, so ``=HYPERLINK(...)`` shows as the text
it is. CSV has no types, so a CSV cell that starts with ``= + - @``, tab, CR or LF gets a
leading ``'`` (OWASP's advice); ``unguard_csv`` takes it off again. Control characters that
Excel cannot store become U+FFFD, and text longer than a cell holds is cut with a marker.
"""

from __future__ import annotations

import re

MAX_CELL = 32_767
TRUNCATED = "…[truncated]"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def clean_text(text: str) -> str:
    """Text Excel can store: illegal control characters replaced, length capped."""
    if not text.isprintable():  # the common case skips the regular expression
        text = _ILLEGAL.sub("\ufffd", text)
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - len(TRUNCATED)] + TRUNCATED
    return text


def guard_csv(text: str) -> str:
    """A CSV cell that no spreadsheet will run as a formula."""
    text = clean_text(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguard_csv(text: str) -> str:
    """Undo ``guard_csv``: a ``'`` before a formula-starting character is dropped."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
