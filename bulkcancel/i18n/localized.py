"""Text made before its language is known: English wherever a ``str`` goes, any language on request.

A ``Localized`` is its English text (so it prints, joins and compares as a ``str``) that
remembers its key and values, so it can be shown later in the language of the people who
fill in the sheet. Row messages (``check.messages``) and reading notes (``sheet.notes``)
subclass it with their catalogue: a key (a kind, which code may decide on) for each
English msgid (which no code decides on).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Self

from bulkcancel.i18n.language import Language
from bulkcancel.i18n.translate import Later, gettext


class Localized(Later):
    """English text that remembers its key and values for translation."""

    catalogue: ClassVar[dict[str, str]] = {}
    key: str
    params: dict[str, Any]

    @classmethod
    def make(cls, key: str, **params: Any) -> Self:
        """The text ``key`` with ``params`` filled in, in English."""
        text = cls(gettext(Language.EN, cls.catalogue[key], **params))
        text.key, text.params = key, params
        return text

    def render(self, lang: str) -> str:
        """This text in ``lang``; texts nested in its values too."""
        return gettext(lang, self.catalogue[self.key], **self.params)


def render(value: Any, lang: str) -> Any:
    """A ``Localized`` (or ``Joined``) in ``lang``; any other value as it is."""
    return value.render(lang) if isinstance(value, Later) else value


class Text(Localized):
    """A whole message made before its language is known, its msgid its own key: ``Text(msgid, **named)``.

    For what travels up to an edge (an error's message, a note): the edge shows it with
    ``render(text, lang)``; anywhere else it is its English.
    """

    def __new__(cls, msgid: str, /, **named: Any) -> Text:
        text = super().__new__(cls, gettext(Language.EN, msgid, **named))
        text.key, text.params = msgid, named
        return text

    def render(self, lang: str) -> str:
        """This text in ``lang``; texts nested in its values too."""
        return gettext(lang, self.key, **self.params)


class Joined(Later):
    """Texts side by side ("; " between them), each in the language the whole is shown in."""

    parts: tuple[str, ...]
    separator: str

    def __new__(cls, parts: tuple[str, ...], separator: str = "; ") -> Joined:
        kept = tuple(part for part in parts if part)
        joined = super().__new__(cls, separator.join(kept))
        joined.parts, joined.separator = kept, separator
        return joined

    def render(self, lang: str) -> str:
        """Each part in ``lang``, joined."""
        return self.separator.join(str(render(part, lang)) for part in self.parts)


class Deferred(Later):
    """Text a function makes for a language (``make(lang)``): its English until it is shown."""

    make: Callable[[str], str]

    def __new__(cls, make: Callable[[str], str]) -> Deferred:
        text = super().__new__(cls, make(Language.EN))
        text.make = make
        return text

    def render(self, lang: str) -> str:
        """The text for ``lang``."""
        return self.make(lang)
