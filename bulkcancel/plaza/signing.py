"""HMAC-SHA256 request signing exactly as bol documents it for Plaza API v2.

The string to sign is ``VERB\\n\\nCONTENT_TYPE\\nDATE\\nx-bol-date:DATE\\nPATH``: the verb in
upper case, an empty line, the Content-Type as sent, the X-BOL-Date value twice (the second
time after a lower-case ``x-bol-date:``), and the path without its query string, with no
trailing newline. The HMAC key is the private key's own bytes (not base64-decoded); the
digest is standard base64 and the header is ``X-BOL-Authorization: <public>:<signature>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from math import floor
from urllib.parse import urlsplit

CONTENT_TYPE = "application/xml"

# bol's documentation keys (fake, public): the demo and the simulator's default seller use them.
DEMO_PUBLIC_KEY = "oRNWbHFXtAECmhnZmEndcjLIaSKbRMVE"
DEMO_PRIVATE_KEY = (
    "MaQHPOnmYkPZNgeRziPnQyyOJYytUbcFBVJBvbMKoDdpPqaZbaOiLUTWzPAkpPsZFZbJHrcoltdgpZolyNcgvvBaKcm"
    "kqFjucFzXhDONTsPAtHHyccQlLUZpkOuywMiOycDWcCySFsgpDiyGnCWCZJkNTtVdPxbSUTWVIFQiUxaPDYDXRQAVVT"
    "bSVZArAZkaLDLOoOvPzxSdhnkkJWzlQDkqsXNKfAIgAldrmyfROSyCGMCfvzdQdUQEaYZTPEoA"
)


@dataclass(frozen=True)
class ApiKeys:
    """A seller's key pair; the private key never shows in a repr or a log line."""

    public: str
    private: str = field(repr=False)

    def __repr__(self) -> str:
        return f"ApiKeys(public={self.public!r}, private=<hidden>)"

    @property
    def seller_ref(self) -> str:
        """A stable, non-secret name for this key pair (journal and budget are kept per key)."""
        return hashlib.sha256(self.public.encode()).hexdigest()[:16]

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never reach a log line, an output or a file."""
        return (self.private,)


def http_date(moment: datetime) -> str:
    """``moment`` as an RFC 1123 date in GMT, e.g. ``Wed, 17 Feb 2016 00:00:00 GMT``."""
    return _http_date_of_second(floor(moment.timestamp()))


@lru_cache(maxsize=8)
def _http_date_of_second(second: int) -> str:
    """The date has whole seconds: consecutive requests mostly share one."""
    return format_datetime(datetime.fromtimestamp(second, UTC), usegmt=True)


def parse_http_date(text: str) -> datetime | None:
    """The moment an RFC 1123 GMT date names, or None when it is not one."""
    if not text.rstrip().endswith("GMT"):
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else None


def signed_path(url_or_path: str) -> str:
    """The part of a URL that is signed: the path, never the query string."""
    if url_or_path.startswith("/") and "?" not in url_or_path and "#" not in url_or_path:
        return url_or_path  # already a bare path (every call of the client)
    return urlsplit(url_or_path).path or "/"


def string_to_sign(method: str, content_type: str, date: str, path: str) -> str:
    """The documented five-part string; ``path`` must already be without its query."""
    return f"{method.upper()}\n\n{content_type}\n{date}\nx-bol-date:{date}\n{path}"


def signature(private_key: str, method: str, content_type: str, date: str, path: str) -> str:
    """The base64 HMAC-SHA256 of the string to sign, keyed with the private key's bytes."""
    message = string_to_sign(method, content_type, date, path).encode("utf-8")
    digest = hmac.new(private_key.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def auth_headers(
    keys: ApiKeys, method: str, url: str, now: datetime, content_type: str = CONTENT_TYPE
) -> dict[str, str]:
    """The Content-Type, X-BOL-Date and X-BOL-Authorization headers for one attempt."""
    date = http_date(now)
    sig = signature(keys.private, method, content_type, date, signed_path(url))
    return {
        "Content-Type": content_type,
        "X-BOL-Date": date,
        "X-BOL-Authorization": f"{keys.public}:{sig}",
    }
