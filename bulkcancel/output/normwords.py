"""bol's cancellation norm in words (through ``bulkcancel.i18n``) and as ``--json``'s ``cancellation_norm``.

The values come typed from ``norm``; this is the one place they become sentences, cell texts
and the JSON object ``plan`` and ``run`` print.
"""

from __future__ import annotations

from typing import Any

from bulkcancel.i18n import N_, Language, gettext, ngettext
from bulkcancel.norm.counting import Counting
from bulkcancel.norm.standing import NormEffect, NotKnown, Standing, Unknown, percent, percent_of

CELL: dict[Counting, str] = {
    Counting.SELLER: N_("yes"),
    Counting.NOT_ASKED: N_("yes: the customer did not ask"),
    Counting.LATE: N_("yes: confirmed after the promised delivery date"),
    Counting.IN_TIME: N_("no"),
    Counting.ASKED_UNKNOWN: N_("unknown: not checked whether the customer asked (--check)"),
    Counting.PROMISED_UNKNOWN: N_("unknown: promised delivery date not known"),
}

WHY: dict[Unknown, str] = {
    Unknown.NO_ENDPOINT: N_("the Plaza API v2 has no performance indicator (the Retailer API v10 has)"),
    Unknown.NOT_ASKED: N_("a dry run without --check asks bol nothing"),
    Unknown.REFUSED: N_("bol answered {detail}"),
    Unknown.UNREACHABLE: N_("bol could not be reached ({detail})"),
    Unknown.UNREADABLE: N_("bol's answer could not be read ({detail})"),
    Unknown.NO_SCORE: N_("bol has no score for this week yet ({detail})"),
}


def _num(value: float, lang: str) -> str:
    """A percentage as people of ``lang`` write it (2.45 / 2,45; 2 for 2.0)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == Language.NL else text


def counting_cell(found: Counting | None, lang: str) -> str:
    """The cell of the column "Counts against score" (empty: no cancellation made or to make)."""
    return "" if found is None else gettext(lang, CELL[found])


def why_text(standing: NotKnown, lang: str) -> str:
    """Why the standing is not known, in ``lang``."""
    return gettext(lang, WHY[standing.why], detail=standing.detail)


def title(lang: str) -> str:
    """The heading of the norm's lines."""
    return gettext(lang, "Cancellation norm")


def _verdict(effect: NormEffect, standing: Standing, lang: str) -> str:
    norm = _num(percent(standing.norm), lang)
    if effect.strike:
        return gettext(lang, "above bol's {norm} % norm: expect a strike", norm=norm)
    if percent_of(effect.after, standing.denominator) > percent(standing.norm):
        return gettext(lang, "above {norm} %, but bol measures from 3 items on: no strike", norm=norm)
    return gettext(lang, "within bol's {norm} % norm", norm=norm)


def norm_lines(effect: NormEffect, lang: str, *, done: bool = False) -> list[str]:
    """The standing and the run's effect in sentences; ``done``: the run has sent (past tense)."""
    standing = effect.standing
    c = effect.this_run
    unsure = [gettext(lang, "{n} more may count (see the column Counts against score).", n=effect.unsure)]
    if isinstance(standing, NotKnown):
        adds = (
            ngettext(lang, "This run added {n} that counts.", "This run added {n} that count.", c)
            if done
            else ngettext(lang, "This run adds {n} that counts.", "This run adds {n} that count.", c)
        )
        return [gettext(lang, "This week's standing is not known: {why}.", why=why_text(standing, lang)), adds] + (
            unsure if effect.unsure else []
        )
    b = standing.denominator
    numbers = {
        "a": standing.numerator,
        "b": b,
        "pa": _num(percent_of(standing.numerator, b), lang),
        "after": effect.after,
        "pafter": _num(percent_of(effect.after, b), lang),
        "verdict": _verdict(effect, standing, lang),
    }
    week = f"{standing.week.year}-W{standing.week.week:02d}"
    lines = [
        gettext(lang, "This week ({week}): {a} of {b} items cancelled ({pa} %).", week=week, **numbers),
        ngettext(
            lang,
            "This run added {n} that counts: {after} of {b} ({pafter} %), {verdict}.",
            "This run added {n} that count: {after} of {b} ({pafter} %), {verdict}.",
            c,
            **numbers,
        )
        if done
        else ngettext(
            lang,
            "This run adds {n} that counts: {after} of {b} ({pafter} %), {verdict}.",
            "This run adds {n} that count: {after} of {b} ({pafter} %), {verdict}.",
            c,
            **numbers,
        ),
    ]
    if effect.unsure:
        lines += unsure
        if effect.may_strike and not effect.strike:
            norm = _num(percent(standing.norm), lang)
            lines.append(gettext(lang, "If they count: above bol's {norm} % norm, a strike.", norm=norm))
    lines.append(
        gettext(lang, "An estimate: bol does not say whether items ordered in earlier weeks change this week's count.")
    )
    return lines


def norm_json(effect: NormEffect) -> dict[str, Any]:
    """``cancellation_norm`` of ``--json``: the standing and the run's effect, or why it is not known."""
    standing = effect.standing
    if not isinstance(standing, Standing):
        return {"known": False, "why": why_text(standing, Language.EN)}
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
