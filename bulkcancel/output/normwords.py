"""bol's cancellation norm in words (English and Dutch) and as ``--json``'s ``cancellation_norm``.

The values come typed from ``norm``; this is the one place they become sentences, cell texts
and the JSON object ``plan`` and ``run`` print.
"""

from __future__ import annotations

from typing import Any

from bulkcancel.norm.counting import Counting
from bulkcancel.norm.standing import NormEffect, NotKnown, Standing, Unknown, percent, percent_of

CELL: dict[Counting, dict[str, str]] = {
    Counting.SELLER: {"en": "yes", "nl": "ja"},
    Counting.NOT_ASKED: {"en": "yes: the customer did not ask", "nl": "ja: de klant vroeg er niet om"},
    Counting.LATE: {
        "en": "yes: confirmed after the promised delivery date",
        "nl": "ja: bevestigd na de beloofde leverdatum",
    },
    Counting.IN_TIME: {"en": "no", "nl": "nee"},
    Counting.ASKED_UNKNOWN: {
        "en": "unknown: not checked whether the customer asked (--check)",
        "nl": "onbekend: niet nagekeken of de klant erom vroeg (--check)",
    },
    Counting.PROMISED_UNKNOWN: {
        "en": "unknown: promised delivery date not known",
        "nl": "onbekend: beloofde leverdatum niet bekend",
    },
}

WHY: dict[Unknown, dict[str, str]] = {
    Unknown.NO_ENDPOINT: {
        "en": "the Plaza API v2 has no performance indicator (the Retailer API v10 has)",
        "nl": "de Plaza API v2 heeft geen prestatie-indicator (de Retailer API v10 wel)",
    },
    Unknown.NOT_ASKED: {
        "en": "a dry run without --check asks bol nothing",
        "nl": "een proefrun zonder --check vraagt bol niets",
    },
    Unknown.REFUSED: {"en": "bol answered {detail}", "nl": "bol antwoordde {detail}"},
    Unknown.UNREACHABLE: {"en": "bol could not be reached ({detail})", "nl": "bol was niet bereikbaar ({detail})"},
    Unknown.UNREADABLE: {
        "en": "bol's answer could not be read ({detail})",
        "nl": "het antwoord van bol was onleesbaar ({detail})",
    },
    Unknown.NO_SCORE: {
        "en": "bol has no score for this week yet ({detail})",
        "nl": "bol heeft nog geen score voor deze week ({detail})",
    },
}

_TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Cancellation norm", "nl": "Annuleringsnorm"},
    "week": {
        "en": "This week ({week}): {a} of {b} items cancelled ({pa} %).",
        "nl": "Deze week ({week}): {a} van {b} artikelen geannuleerd ({pa} %).",
    },
    "adds": {
        "en": "This run adds {c} that count: {ac} of {b} ({pac} %), {verdict}.",
        "nl": "Deze run voegt er {c} toe die meetellen: {ac} van {b} ({pac} %), {verdict}.",
    },
    "added": {
        "en": "This run added {c} that count: {ac} of {b} ({pac} %), {verdict}.",
        "nl": "Deze run voegde er {c} toe die meetellen: {ac} van {b} ({pac} %), {verdict}.",
    },
    "strike": {
        "en": "above bol's {n} % norm: expect a strike",
        "nl": "boven de norm van {n} % van bol: reken op een strike",
    },
    "few": {
        "en": "above {n} %, but bol measures from 3 items on: no strike",
        "nl": "boven {n} %, maar bol meet pas vanaf 3 artikelen: geen strike",
    },
    "within": {"en": "within bol's {n} % norm", "nl": "binnen de norm van {n} % van bol"},
    "unsure": {
        "en": "{u} more may count (see the column Counts against score).",
        "nl": "Nog {u} tellen misschien mee (zie de kolom Telt mee voor score).",
    },
    "may strike": {
        "en": "If they count: above bol's {n} % norm, a strike.",
        "nl": "Als ze meetellen: boven de norm van {n} % van bol, een strike.",
    },
    "estimate": {
        "en": "An estimate: bol does not say whether items ordered in earlier weeks change this week's count.",
        "nl": "Een schatting: bol zegt niet of artikelen uit eerdere weken de telling van deze week veranderen.",
    },
    "not known": {
        "en": "This week's standing is not known: {why}.",
        "nl": "De stand van deze week is niet bekend: {why}.",
    },
    "count adds": {"en": "This run adds {c} that count.", "nl": "Deze run voegt er {c} toe die meetellen."},
    "count added": {"en": "This run added {c} that count.", "nl": "Deze run voegde er {c} toe die meetellen."},
}


def _t(key: str, lang: str) -> str:
    return _TEXT[key].get(lang) or _TEXT[key]["en"]


def _num(value: float, lang: str) -> str:
    """A percentage as people of ``lang`` write it (2.45 / 2,45)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"
    return text.replace(".", ",") if lang == "nl" else text


def counting_cell(found: Counting | None, lang: str) -> str:
    """The cell of the column "Counts against score" (empty: no cancellation made or to make)."""
    return "" if found is None else CELL[found].get(lang) or CELL[found]["en"]


def why_text(standing: NotKnown, lang: str) -> str:
    """Why the standing is not known, in ``lang``."""
    return (WHY[standing.why].get(lang) or WHY[standing.why]["en"]).format(detail=standing.detail)


def title(lang: str) -> str:
    """The heading of the norm's lines."""
    return _t("title", lang)


def norm_lines(effect: NormEffect, lang: str, *, done: bool = False) -> list[str]:
    """The standing and the run's effect in sentences; ``done``: the run has sent (past tense)."""
    standing = effect.standing
    if isinstance(standing, NotKnown):
        lines = [
            _t("not known", lang).format(why=why_text(standing, lang)),
            _t("count added" if done else "count adds", lang).format(c=effect.this_run),
        ]
        if effect.unsure:
            lines.append(_t("unsure", lang).format(u=effect.unsure))
        return lines
    norm = _num(percent(standing.norm), lang)
    b = standing.denominator
    if effect.strike:
        verdict = _t("strike", lang).format(n=norm)
    elif percent_of(effect.after, b) > percent(standing.norm):
        verdict = _t("few", lang).format(n=norm)
    else:
        verdict = _t("within", lang).format(n=norm)
    week = f"{standing.week.year}-W{standing.week.week:02d}"
    lines = [
        _t("week", lang).format(week=week, a=standing.numerator, b=b, pa=_num(percent_of(standing.numerator, b), lang)),
        _t("added" if done else "adds", lang).format(
            c=effect.this_run, ac=effect.after, b=b, pac=_num(percent_of(effect.after, b), lang), verdict=verdict
        ),
    ]
    if effect.unsure:
        lines.append(_t("unsure", lang).format(u=effect.unsure))
        if effect.may_strike and not effect.strike:
            lines.append(_t("may strike", lang).format(n=norm))
    lines.append(_t("estimate", lang))
    return lines


def norm_json(effect: NormEffect) -> dict[str, Any]:
    """``cancellation_norm`` of ``--json``: the standing and the run's effect, or why it is not known."""
    standing = effect.standing
    if not isinstance(standing, Standing):
        return {"known": False, "why": why_text(standing, "en")}
    a, b, c = standing.numerator, standing.denominator, effect.this_run
    return {
        "known": True,
        "year": standing.week.year,
        "week": standing.week.week,
        "numerator": a,
        "denominator": b,
        "this_run": c,
        "after_percent": percent_of(a + c, b),
        "norm_percent": percent(standing.norm),
        "strike": effect.strike,
    }
