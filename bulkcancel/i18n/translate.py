"""The one function every text goes through: a message in a person's language, placeholders filled.

The catalogues are gettext ``.po`` files, compiled at first use and kept for the process
(``compiled``; the package docstring says why they are not compiled ahead).
"""

from __future__ import annotations

from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from bulkcancel.i18n.compiled import load
from bulkcancel.i18n.language import Language

DOMAIN = "bulkcancel"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def catalogue_path(language: Language) -> Path:
    """Where the ``.po`` file of ``language`` lives in the package."""
    return LOCALE_DIR / language.value / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: Language) -> NullTranslations:
    """The translations of ``language``, parsed once per process (English is the source: nothing to read)."""
    if language is Language.EN:
        return NullTranslations()
    return load(catalogue_path(language), language.value, DOMAIN)


class Later(str):
    """Text whose language is chosen where it is shown (``i18n.Localized``): as a value in another
    message it is shown in that message's language."""

    def render(self, lang: str) -> str:
        raise NotImplementedError


def _in(lang: str, named: dict[str, Any]) -> dict[str, Any]:
    """The values of a message in ``lang``: a ``Later``, or an exception whose message is one, rendered."""
    return {k: _shown(v, lang) for k, v in named.items()}


def _shown(value: Any, lang: str) -> Any:
    if isinstance(value, BaseException) and len(value.args) == 1 and isinstance(value.args[0], Later):
        return value.args[0].render(lang)
    return value.render(lang) if isinstance(value, Later) else value


def _language(lang: str) -> Language:
    """``lang`` as a Language; a ValueError for a code we have no catalogue for (never a silent fallback)."""
    return lang if isinstance(lang, Language) else Language(lang)


def gettext(lang: str, msgid: str, /, **named: Any) -> str:
    """``msgid`` (an English sentence with ``{named}`` placeholders) in ``lang``, the placeholders filled
    (a value that is itself a message, an ``i18n.Text``, in ``lang`` too)."""
    return translations(_language(lang)).gettext(msgid).format(**_in(lang, named))


def ngettext(lang: str, singular: str, plural: str, n: int, /, **named: Any) -> str:
    """The singular or plural form for ``n`` in ``lang`` (its own plural rule), ``{n}`` and ``named`` filled."""
    return translations(_language(lang)).ngettext(singular, plural, n).format(n=n, **_in(lang, named))


def pgettext(lang: str, context: str, msgid: str, /, **named: Any) -> str:
    """``msgid`` in ``lang`` where the same English means something else elsewhere (``context`` tells which)."""
    return translations(_language(lang)).pgettext(context, msgid).format(**_in(lang, named))


def N_(msgid: str) -> str:
    """Marks ``msgid`` for extraction where it is defined; it is translated where it is shown."""
    return msgid
