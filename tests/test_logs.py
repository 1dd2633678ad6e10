"""Logging with secrets removed (``logs.py``): no key, signature or token reaches a log line,
even at DEBUG with httpx's own request lines; a command leaves the caller's logging as it was."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from bulkcancel.logs import RedactingFilter, logging_to_stderr, protect, redact

PRIVATE = "MaQHPOnmYkPZNgeRziPnQyyOJYytUbcFBVJBvbMKoDdp"
SIGNATURE = "nqzLWvXI1eBhBXrRx5NF23V5hS8Q1xWCloJzPi/RAts="
PUBLIC = "oRNWbHFXtAECmhnZmEndcjLIaSKbRMVE"


@pytest.mark.parametrize(
    "line",
    [
        f"headers: {{'X-BOL-Authorization': '{PUBLIC}:{SIGNATURE}'}}",
        f"x-bol-authorization: {PUBLIC}:{SIGNATURE}",
        f"(b'X-BOL-Authorization', b'{PUBLIC}:{SIGNATURE}')",  # httpcore's header tuples
        f"sent {PUBLIC}:{SIGNATURE} to bol",  # a key and signature anywhere
    ],
)
def test_a_signature_never_reaches_a_line(line: str) -> None:
    assert SIGNATURE not in redact(line)


def test_a_protected_secret_is_removed_wherever_it_appears() -> None:
    token = "eyJraWQiOiJzaW0ifQ.c2VjcmV0LXRva2VuLWZvci10ZXN0cw"
    protect(token)
    protect(PRIVATE)
    protect("")  # nothing to protect: nothing is replaced
    text = redact(f"Authorization: Bearer {token}; key {PRIVATE}; body {PRIVATE}!")
    assert token not in text and PRIVATE not in text
    assert text.count("<redacted>") == 3 and text.startswith("Authorization: Bearer ")


def test_the_filter_redacts_arguments_and_tracebacks() -> None:
    secret = "client-secret-for-the-filter-test"
    protect(secret)
    try:
        raise RuntimeError(f"token endpoint said no to {secret}")
    except RuntimeError:
        record = logging.LogRecord("bulkcancel", logging.ERROR, __file__, 1, "asked with %s", (secret,), sys.exc_info())
    assert RedactingFilter().filter(record)
    assert secret not in record.getMessage()
    assert record.exc_text is not None and secret not in record.exc_text and "RuntimeError" in record.exc_text


def test_verbose_logs_of_httpx_are_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "private-key-in-an-httpx-debug-line"
    protect(secret)
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    with logging_to_stderr(verbose=True):
        logging.getLogger("httpx").debug("HTTP Request: PUT https://plazaapi.bol.com/ %s", secret)
        logging.getLogger("bulkcancel").debug("X-BOL-Authorization: %s:%s", PUBLIC, SIGNATURE)
    written = stderr.getvalue()
    assert "HTTP Request: PUT" in written and secret not in written and SIGNATURE not in written


@pytest.mark.parametrize("verbose", [False, True])
def test_a_command_leaves_the_callers_logging_as_it_found_it(verbose: bool) -> None:
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore", "bulkcancel")]
    before = [(one.level, one.propagate, list(one.handlers)) for one in loggers]
    with logging_to_stderr(verbose):
        assert all(one.propagate is False for one in loggers)  # nothing through the caller's handlers meanwhile
        assert all(one.level == (logging.DEBUG if verbose else logging.WARNING) for one in loggers)
    assert [(one.level, one.propagate, list(one.handlers)) for one in loggers] == before
