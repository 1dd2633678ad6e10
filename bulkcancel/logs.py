"""Logging for people debugging a run, with secrets removed from every line.

``--verbose`` turns on DEBUG for bulkcancel, httpx and httpcore; a filter on the handler
replaces the private key and any X-BOL-Authorization value before a line is written, so
even the most verbose log holds no secret.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger("bulkcancel")

_SECRETS: set[str] = set()
_AUTH_VALUE = re.compile(r"(x-bol-authorization['\"]?\s*[:=,]\s*['\"]?(?:b')?)[^'\"\s,)]+", re.I)
_KEY_AND_SIGNATURE = re.compile(r"\b([A-Za-z0-9]{16,}):[A-Za-z0-9+/]{43}=")


def protect(secret: str) -> None:
    """Never let ``secret`` reach a log line."""
    if secret:
        _SECRETS.add(secret)


def redact(text: str) -> str:
    """``text`` with known secrets and signatures replaced."""
    for secret in _SECRETS:
        text = text.replace(secret, "<redacted>")
    text = _AUTH_VALUE.sub(r"\1<redacted>", text)
    return _KEY_AND_SIGNATURE.sub(r"\1:<redacted>", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message through ``redact``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


@contextmanager
def logging_to_stderr(verbose: bool) -> Iterator[None]:
    """WARNING and up on stderr while a command runs; everything (redacted) with ``verbose``.

    The handler is removed again afterwards, so a command run in-process (a notebook,
    ``CliRunner``) leaves the caller's logging as it found it.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    level = logging.DEBUG if verbose else logging.WARNING
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore", "bulkcancel")]
    before = [(one, one.level, one.propagate) for one in loggers]
    for one in loggers:
        one.setLevel(level)
        one.propagate = False  # our handler only: no secrets through the caller's handlers
        one.addHandler(handler)
    try:
        yield
    finally:
        for one, old_level, old_propagate in before:
            one.removeHandler(handler)
            one.setLevel(old_level)
            one.propagate = old_propagate
