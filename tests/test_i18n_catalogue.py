"""The language layer: every catalogue complete and true to the code (bulkcancel/i18n/)."""

from __future__ import annotations

import string
from pathlib import Path
from typing import ClassVar

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bulkcancel.i18n import N_, Joined, Language, Localized, Text, gettext, ngettext, pick_language, render
from bulkcancel.i18n.compiled import cache_dir, load
from bulkcancel.i18n.translate import LOCALE_DIR, catalogue_path, translations

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [language for language in Language if language is not Language.EN]


def _catalogue(language: Language) -> Catalog:
    with catalogue_path(language).open("rb") as po:
        return read_po(po, locale=language.value)


def _placeholders(text: str) -> set[tuple[str, str, str]]:
    """The ``{name!conv:spec}`` fields of a brace-format message (a ValueError if it is not one)."""
    return {
        (name, conversion or "", spec or "")
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    }


def _extracted() -> dict[str, tuple[str, ...]]:
    """Every msgid (with its plural) Babel extracts from the code and templates, by babel.cfg, and where."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, tuple[str, ...]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(ROOT, method_map, options_map):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, ())
        found[msgid] += (f"{filename}:{lineno}",)
    return found


def test_every_language_has_a_catalogue_and_every_catalogue_a_language() -> None:
    on_disk = {path.name for path in LOCALE_DIR.iterdir() if (path / "LC_MESSAGES" / "bulkcancel.po").is_file()}
    assert on_disk == {language.value for language in TRANSLATED}


@pytest.mark.parametrize("language", TRANSLATED, ids=str)
def test_every_message_is_translated_current_and_keeps_its_placeholders(language: Language) -> None:
    catalogue = _catalogue(language)
    problems = [f"obsolete: {msgid!r}" for msgid in catalogue.obsolete]
    for message in catalogue:
        if not message.id:
            continue  # the header
        plural = isinstance(message.id, tuple)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        if not all(strs) or len(strs) != (catalogue.num_plurals if plural else 1):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        # ngettext always passes {n}: a plural form may leave it out ("one row")
        optional = {("n", "", "")} if plural else set()
        wanted = _placeholders(ids[-1]) - optional
        for text in strs:
            if _placeholders(text) - optional != wanted:
                problems.append(f"placeholders differ: {ids[-1]!r} and {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED, ids=str)
def test_no_message_is_in_a_catalogue_twice(language: Language) -> None:
    """A merge of two branches' new messages (``.po`` files merge as a union) must not leave one twice."""
    text = catalogue_path(language).read_text(encoding="utf-8")
    entries = [block for block in text.split("\n\n") if "\nmsgid " in f"\n{block}" and not block.startswith("#~")]
    assert len(entries) - 1 == len(_catalogue(language))  # less the header


def test_the_catalogues_hold_exactly_the_messages_in_the_code() -> None:
    extracted = _extracted()
    assert len(extracted) > 100  # the extraction found the code at all
    for language in TRANSLATED:
        catalogue = _catalogue(language)
        held = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
        missing = sorted(f"{msgid!r} ({', '.join(extracted[msgid])})" for msgid in extracted.keys() - held)
        stale = sorted(repr(msgid) for msgid in held - extracted.keys())
        assert not missing, (
            f"in the code, not in {language}'s catalogue (pybabel update, then translate):\n" + "\n".join(missing)
        )
        assert not stale, f"in {language}'s catalogue, no longer in the code:\n" + "\n".join(stale)


def test_a_message_in_each_language() -> None:
    assert gettext(Language.EN, "Summary") == "Summary"
    assert gettext(Language.NL, "Summary") == "Samenvatting"
    assert gettext("nl", "Run on {where}", where="demo") == "Run op demo"


def test_a_language_without_a_catalogue_is_refused_not_english() -> None:
    with pytest.raises(ValueError):
        gettext("de", "Summary")


def test_a_message_missing_from_the_catalogue_shows_its_english_and_placeholders_must_be_filled() -> None:
    assert gettext(Language.NL, "not a message of ours {x}", x=1) == "not a message of ours 1"
    with pytest.raises(KeyError):
        gettext(Language.NL, "Run on {where}")


def test_plural_forms_follow_the_language() -> None:
    assert ngettext(Language.EN, "{n} row", "{n} rows", 1) == "1 row"
    assert ngettext(Language.EN, "{n} row", "{n} rows", 2) == "2 rows"


def test_localized_text_is_english_until_asked_and_nested_text_follows() -> None:
    class Note(Localized):
        catalogue: ClassVar[dict[str, str]] = {"outer": N_("Run on {where}"), "inner": N_("Summary")}

    note = Note.make("outer", where=Note.make("inner"))
    assert note == "Run on Summary"
    assert note.render(Language.NL) == "Run op Samenvatting"


@pytest.mark.parametrize(
    ("chosen", "accept", "expected"),
    [
        ("nl", "en-GB,en", Language.NL),
        (None, "de-DE,nl-BE;q=0.8,en;q=0.5", Language.NL),
        ("xx", "fr", Language.EN),
        (None, "", Language.EN),
        ("NL_nl.UTF-8", "", Language.NL),
    ],
)
def test_the_persons_language(chosen: str | None, accept: str, expected: Language) -> None:
    assert pick_language(chosen, accept) is expected


def test_a_catalogue_is_compiled_once_and_kept_by_its_po(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    translations.cache_clear()
    assert gettext(Language.NL, "Summary") == "Samenvatting"
    kept = list(cache_dir().glob("bulkcancel-nl-*.mo"))
    assert len(kept) == 1 and cache_dir().is_relative_to(tmp_path)
    kept[0].write_bytes(b"damaged")  # a damaged cache is compiled again, never believed
    translations.cache_clear()
    assert gettext(Language.NL, "Summary") == "Samenvatting" and kept[0].read_bytes() != b"damaged"
    changed = tmp_path / "bulkcancel.po"  # another .po (an upgrade) is another entry: never a stale .mo
    changed.write_bytes(catalogue_path(Language.NL).read_bytes().replace(b'"Samenvatting"', b'"Overzicht"'))
    assert load(changed, "nl", "bulkcancel").gettext("Summary") == "Overzicht"
    assert len(list(cache_dir().glob("bulkcancel-nl-*.mo"))) == 2
    translations.cache_clear()


def test_a_message_inside_a_message_follows_its_language() -> None:
    inner = Text("Open: {url}", url="x")
    error = OSError(Text("no answer from {where} in time", where="bol"))
    said = gettext(Language.NL, "bulkcancel: warning: {line}", line=inner)
    assert said == "bulkcancel: waarschuwing: Open: x"
    assert gettext(Language.NL, "{path}: is not an .xlsx workbook; {hint}", path="p", hint=error).endswith(
        "geen antwoord van bol op tijd"
    )
    assert gettext(Language.NL, "{path}: is not an .xlsx workbook; {hint}", path="p", hint=KeyError("k")).endswith(
        "'k'"
    )
    both = Joined((Text("checked: open"), "", Text("FBB: bol fulfils this item")))
    assert both == "checked: open; FBB: bol fulfils this item"
    assert render(both, Language.NL) == "gecontroleerd: open; FBB: bol levert dit artikel"
