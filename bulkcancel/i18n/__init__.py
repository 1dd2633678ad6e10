"""The one language layer: every text a person reads is a gettext message shown through here.

- ``Language``: the languages with a catalogue. English is the source language: a msgid is
  the English sentence itself, with ``{named}`` placeholders (``str.format``), whole
  sentences, never pieces glued together.
- ``gettext(lang, msgid, **named)`` and ``ngettext(lang, singular, plural, n, **named)``
  (``pgettext`` where one English word means two things): the functions the code (and,
  through ``_`` and ``_n``, the page's Jinja templates) calls. ``N_`` marks a msgid where
  it is defined (a table of labels) so that extraction finds it; it is translated where
  it is shown.
- ``Localized`` and ``Text``: text made before its language is known (row messages, reading
  notes, errors), shown by ``render(text, lang)`` at the edge; elsewhere it is its English.

The catalogues are ``locale/<lang>/LC_MESSAGES/bulkcancel.po``, extracted with Babel from
the code and the templates (``babel.cfg``). **They are not compiled ahead**: the first use
of a catalogue compiles its ``.po`` with Babel and keeps the ``.mo`` in the user's cache,
named after the ``.po``'s SHA-256 (``compiled``); later runs read it with the standard
library alone. So a fresh ``pip install -e .`` works with no build step, there is no
generated ``.mo`` in the repository to forget or keep in step with its ``.po`` (a changed
``.po`` is another cache entry), adding a language is adding one ``.po`` file (and its
line in ``Language``), and English (the source) loads nothing. Measured on this machine:
the first Dutch message of a process costs about 1 ms with the cache, and 0.25-0.5 s the
one time it compiles (Babel's import and parse).
"""

from __future__ import annotations

from bulkcancel.i18n.language import Language, pick_language
from bulkcancel.i18n.localized import Deferred, Joined, Localized, Text, render
from bulkcancel.i18n.translate import N_, gettext, ngettext, pgettext

__all__ = [
    "N_",
    "Deferred",
    "Joined",
    "Language",
    "Localized",
    "Text",
    "gettext",
    "ngettext",
    "pgettext",
    "pick_language",
    "render",
]
