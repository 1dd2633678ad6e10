"""The languages bulkcancel speaks: one enum, and how a person's choice becomes one of them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Language(StrEnum):
    """A language with a catalogue (``locale/<code>/LC_MESSAGES/bulkcancel.po``); English is the source."""

    EN = "en"
    NL = "nl"

    @classmethod
    def of(cls, code: str | None) -> Language | None:
        """The language a code names ("nl", "nl_NL.UTF-8", "nl-BE", "NL"), or None for one we do not speak."""
        if not code:
            return None
        base = code.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
        return cls(base) if base in cls._value2member_map_ else None

    @classmethod
    def of_environment(cls, environ: Mapping[str, str]) -> Language:
        """The language the system is set to (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English."""
        for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
            if environ.get(name):
                return cls.of(environ[name]) or cls.EN
        return cls.EN

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        """The codes a person may choose (``--lang``, the page's switch)."""
        return tuple(language.value for language in cls)


def pick_language(chosen: str | None, accept: str) -> Language:
    """The chosen language (a cookie), else the first of ours in an Accept-Language header, else English."""
    picked = Language.of(chosen)
    if picked is not None:
        return picked
    for part in accept.split(","):
        found = Language.of(part.split(";")[0])
        if found is not None:
            return found
    return Language.EN
