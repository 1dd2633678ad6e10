"""Text in two languages: English wherever a ``str`` goes, and the same words in Dutch on request.

A ``Localized`` is its English text (so it prints, joins and compares as a ``str``) that
remembers its catalogue key and values, so it can be shown in the language of the people
who fill in the sheet. Row messages (``check.messages``) and reading notes
(``sheet.notes``) are the two catalogues.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

Catalogue = dict[str, dict[str, str]]


class Localized(str):
    """English text that remembers its key and values for translation."""

    catalogue: ClassVar[Catalogue] = {}
    key: str
    params: dict[str, Any]

    @classmethod
    def make(cls, key: str, **params: Any) -> Self:
        """The text ``key`` with ``params`` filled in, in English."""
        text = cls(cls.catalogue[key]["en"].format(**params))
        text.key, text.params = key, params
        return text

    def render(self, lang: str) -> str:
        """This text in ``lang`` (English when there is no translation); nested texts too."""
        template = self.catalogue[self.key].get(lang) or self.catalogue[self.key]["en"]
        return template.format(**{k: render(v, lang) for k, v in self.params.items()})


def render(value: Any, lang: str) -> Any:
    """A ``Localized`` in ``lang``; any other value as it is."""
    return value.render(lang) if isinstance(value, Localized) else value
