"""Is this answer one bol gives? The checks both APIs share, before their own document check.

A server that is not bol can stand where bol should: a proxy's login page (HTTP 200), a
captive portal, a load balancer's HTML error page, a stray local server. Taking such an
answer for bol's would send cancellations on the strength of a page nobody at bol wrote, or
send the same cancellation again and again. So every answer is judged before it is read:
a body, not larger than the client's cap, not an HTML page, and in one of bol's media types
for that API. Each client then checks the document itself (``plaza.documents``,
``retailer.documents``) and says what a failure means as a ``backend.NotBol``, never as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bulkcancel.backend import Foreign, NotBol

_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")
_DOCTYPE = re.compile(rb"<!\s*(doctype|entity)", re.IGNORECASE)


def media_type(headers: Mapping[str, str]) -> str:
    """The Content-Type without its parameters, in lower case ("" when there is none)."""
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def sniff(
    http_status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    media_types: frozenset[str],
    suffixes: tuple[str, ...] = (),
    max_bytes: int,
) -> NotBol | None:
    """What is wrong with an answer before its document is read; None when nothing is.

    ``media_types`` are bol's own for this API, ``suffixes`` structured-syntax suffixes it
    also uses (``+xml``); ``max_bytes`` is the most any of its answers holds.
    """
    media = media_type(headers)

    def refused(why: Foreign) -> NotBol:
        return NotBol(why, http_status, media, len(body))

    if len(body) > max_bytes:
        return refused(Foreign.TOO_LARGE)
    start = body[:256].lstrip().lower()
    if not start:
        return refused(Foreign.EMPTY)
    if media == "text/html" or start.startswith(_HTML_STARTS):
        return refused(Foreign.HTML)
    if _DOCTYPE.search(body[:4096]):
        return refused(Foreign.DOCTYPE)
    if media not in media_types and not media.endswith(suffixes or ("\0",)):
        return refused(Foreign.MEDIA_TYPE)
    return None


def shape(http_status: int, headers: Mapping[str, str], body: bytes) -> NotBol:
    """The answer passed ``sniff`` but is not a document bol sends for this request."""
    return NotBol(Foreign.SHAPE, http_status, media_type(headers), len(body))
