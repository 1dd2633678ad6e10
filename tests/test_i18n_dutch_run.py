"""A Dutch run shows no English word of ours: console, workbook, ``runs`` and ``report``.

The English words are those of the catalogue's msgids (every text bulkcancel can show) that
no Dutch translation uses too; bol's own names (columns, codes, statuses) are the same in
every language and are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from babel.messages.pofile import read_po

from bulkcancel.i18n import Language
from bulkcancel.i18n.translate import catalogue_path
from tests.conftest import bulkcancel, write_csv
from tests.test_web import make_client, signed_in, start, upload, wait_done

# The same in every language: bol's names and the tool's own (ids, codes, options, units).
BOL_TERMS = {
    "orderitemid",
    "reasoncode",
    "datetime",
    "processstatusid",
    "api",
    "apis",
    "http",
    "https",
    "url",
    "csv",
    "xlsx",
    "ods",
    "xls",
    "excel",
    "bol",
    "bulkcancel",
    "plaza",
    "retailer",
    "demo",
    "id",
    "ids",
    "csrf",
    "ctrl",
}
WORD = re.compile(r"[A-Za-z][A-Za-z_]*(?:'[a-z]+)?")


def _words(text: str) -> set[str]:
    """The words of ``text``, lower case; codes (READY, OUT_OF_STOCK) and placeholders are no words."""
    without_fields = re.sub(r"\{[^}]*\}", " ", text)  # placeholders are filled in
    cut_short = re.sub(r"[A-Za-z]+…", " ", without_fields)  # a table's cell cut to fit: no word
    # two letters are too few to tell a language by ("a" in a hexadecimal id, "de", "in", "is")
    return {w.lower() for w in WORD.findall(cut_short) if len(w) > 2 and not (w.isupper() or "_" in w)}


def english_words() -> set[str]:
    """Words of our English texts that are not Dutch words too, nor the same in every language."""
    with catalogue_path(Language.NL).open("rb") as po:
        catalogue = read_po(po)
    english: set[str] = set()
    dutch: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            english |= _words(text)
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            dutch |= _words(text)
    return english - dutch - BOL_TERMS


def _workbook_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    cells = [book.sheetnames]
    for sheet in book.worksheets:
        cells += [[c for c in row if isinstance(c, str)] for row in sheet.iter_rows(values_only=True)]
    return "\n".join(" ".join(map(str, row)) for row in cells)


def _english_in(said: str, english: set[str], where: str) -> list[str]:
    found = []
    for line in said.splitlines():
        hits = sorted(_words(line) & english)
        if hits:
            found.append(f"{where}: {hits} in {line.strip()!r}")
    return found


def test_the_word_list_knows_english_when_it_sees_it() -> None:
    english = english_words()
    assert {"cancelled", "nothing", "rows", "environment", "summary"} <= english
    assert not {"run", "status", "demo", "ready", "orderitemid"} & english  # Dutch too, or the same everywhere


def _dutch_sheet(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "week.csv",
        [
            ["Orderregel", "Reden", "Datum", "Opmerking"],
            ["2012345601", "OUT_OF_STOCK", "", "op"],
            ["2012345602", "REQUESTED_BY_CUSTOMER", "28-11-2026 14:30", ""],
            ["2,01235E+09", "OUT_OF_STOCK", "", "Excel"],
            ["2012345603", "NIET_BESTAAND", "", ""],
            ["2012345601", "OTHER", "", "dubbel"],
        ],
        delimiter=";",
    )


def test_a_dutch_run_says_nothing_in_english(tmp_path: Path) -> None:
    english, sheet = english_words(), _dutch_sheet(tmp_path)
    found: list[str] = []
    checked = bulkcancel("validate", str(sheet), "--lang", "nl", "--out", str(tmp_path / "gecontroleerd.xlsx"))
    found += _english_in(checked.stdout + checked.stderr, english, "validate")
    found += _english_in(_workbook_text(tmp_path / "gecontroleerd.xlsx"), english, "validate workbook")
    ran = bulkcancel("run", str(sheet), "--lang", "nl", "--out", str(tmp_path / "resultaat.xlsx"))
    found += _english_in(ran.stdout + ran.stderr, english, "run")
    found += _english_in(_workbook_text(tmp_path / "resultaat.xlsx"), english, "run workbook")
    again = bulkcancel("run", str(sheet), "--lang", "nl", "--out", str(tmp_path / "opnieuw.xlsx"))  # SKIPPED now
    found += _english_in(again.stdout + again.stderr, english, "run again")
    found += _english_in(_workbook_text(tmp_path / "opnieuw.xlsx"), english, "run again workbook")
    dry = bulkcancel(
        "run", str(sheet), "--lang", "nl", "--env", "production", "--dry-run", "--out", str(tmp_path / "p.xlsx")
    )
    found += _english_in(dry.stdout + dry.stderr, english, "production dry run")  # no keys: a note says so
    found += _english_in(_workbook_text(tmp_path / "p.xlsx"), english, "production dry run workbook")
    listed = bulkcancel("runs", "--lang", "nl")
    found += _english_in(listed.stdout + listed.stderr, english, "runs")
    missing = bulkcancel("validate", str(tmp_path / "weg.csv"), "--lang", "nl")
    found += _english_in(missing.stdout + missing.stderr, english, "an error")
    assert checked.returncode == ran.returncode == again.returncode == 1, ran.stderr  # the INVALID rows
    assert missing.returncode == 2 and "bestaat niet" in missing.stderr
    assert not found, "English in a Dutch run:\n" + "\n".join(found)


def test_a_dutch_run_rebuilt_says_nothing_in_english(tmp_path: Path) -> None:
    english, sheet = english_words(), _dutch_sheet(tmp_path)
    assert bulkcancel("run", str(sheet), "--lang", "nl", "--quiet").returncode == 1
    rebuilt = bulkcancel("report", "--lang", "nl", "--out", str(tmp_path / "opnieuw.xlsx"))
    found = _english_in(rebuilt.stdout + rebuilt.stderr, english, "report")
    found += _english_in(_workbook_text(tmp_path / "opnieuw.xlsx"), english, "report workbook")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert not found, "English in a Dutch run rebuilt:\n" + "\n".join(found)


def _visible(html: str) -> str:
    """What a person reads on a page: the text between tags and the words in titles and labels."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    said = re.findall(r'(?:title|placeholder|aria-label|alt)="([^"]*)"', html)
    said += re.findall(r'<input[^>]*type="(?:submit|button)"[^>]*value="([^"]*)"', html)  # a button's words
    text = re.sub(r"<[^>]+>", "\n", html)
    return "\n".join([*said, *(line.strip() for line in text.splitlines() if line.strip())])


def test_the_page_in_dutch_says_nothing_in_english(tmp_path: Path) -> None:
    english, sheet = english_words(), _dutch_sheet(tmp_path)
    dutch = {"accept-language": "nl-NL,nl;q=0.9"}
    found: list[str] = []
    with make_client(tmp_path) as (client, page):
        signed_in(client, page)
        found += _english_in(_visible(client.get("/", headers=dutch).text), english, "upload")
        client.get("/lang/nl")  # the person's choice: the page keeps it in a cookie
        answer = upload(client, page, "week.csv", sheet.read_bytes())
        check_url = answer.headers["location"]
        check = client.get(check_url, headers=dutch)
        assert "wetenschappelijke notatie" in check.text  # the Excel-damage warning, in Dutch
        found += _english_in(_visible(check.text), english, "check")
        found += _english_in(_visible(client.get(f"{check_url}/confirm", headers=dutch).text), english, "confirm")
        job_url = start(client, page, check_url)
        assert wait_done(client, job_url)["state"] == "done"
        found += _english_in(_visible(client.get(job_url, headers=dutch).text), english, "results")
        found += _english_in(_visible(client.get("/history", headers=dutch).text), english, "history")
    assert not found, "English on the Dutch page:\n" + "\n".join(found)
