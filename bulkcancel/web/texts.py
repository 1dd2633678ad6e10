"""The page's language: the person's choice (a cookie), else the browser's; its words come from ``bulkcancel.i18n``.

The templates call ``_(msgid, **named)`` and ``_n(singular, plural, n, **named)``, bound to
the request's language here: the same catalogue and the same ``{named}`` placeholders as the
code. Babel extracts them with Jinja's own extractor (``babel.cfg``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from starlette.requests import Request

from bulkcancel.i18n import Language, gettext, ngettext, pick_language

COOKIE = "bulkcancel_lang"


def lang_of(request: Request) -> Language:
    """The page's language: the person's choice (cookie), else the browser's, else English."""
    return pick_language(request.cookies.get(COOKIE), request.headers.get("accept-language", ""))


def words_for(lang: Language) -> dict[str, Callable[..., str]]:
    """What a template calls to show text in ``lang``."""
    return {"_": partial(gettext, lang), "_n": partial(ngettext, lang)}


def say(request: Request, msgid: str, /, **named: Any) -> str:
    """``msgid`` in the request's language."""
    return gettext(lang_of(request), msgid, **named)
