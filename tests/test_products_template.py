"""The products template (``bulkcancel template --products``) in each language, read back by the products reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bulkcancel.sheet.products import read_products
from tests.conftest import bulkcancel

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def content(path: Path) -> list[Any]:
    """Every sheet's title, cells, dropdowns and the first column's number format (what a person gets)."""
    book = openpyxl.load_workbook(path)
    return [
        (
            sheet.title,
            [[cell.value for cell in row] for row in sheet.iter_rows()],
            [
                (dv.type, dv.operator, dv.formula1, str(dv.sqref), dv.error)
                for dv in sheet.data_validations.dataValidation
            ],
            sheet["A2"].number_format,
        )
        for sheet in book.worksheets
    ]


@pytest.mark.parametrize(
    ("lang", "sheets", "header", "dutch"),
    [
        ("en", ["Products", "Instructions"], ["EAN", "Units in stock", "ReasonCode", "Note"], False),
        ("nl", ["Producten", "Uitleg"], ["EAN", "Voorraad", "ReasonCode", "Opmerking"], True),
    ],
)
def test_the_products_template_speaks_its_language_and_reads_back(
    tmp_path: Path, lang: str, sheets: list[str], header: list[str], dutch: bool
) -> None:
    path = tmp_path / "producten.xlsx"
    assert bulkcancel("template", str(path), "--products", "--lang", lang).returncode == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == sheets
    assert [c.value for c in book[sheets[0]][1]] == header
    guide = [row[0] for row in book[sheets[1]].iter_rows(values_only=True)]
    assert guide[0] == ("How to fill in the Products sheet" if lang == "en" else "Zo vul je het tabblad Producten in")
    assert all(header[1] in line for line in guide if line and line.startswith(header[1] + ":"))
    book[sheets[0]].append(["8712345678906", 3, "OUT_OF_STOCK", "laatste partij"])
    book[sheets[0]].append(["8712345678913", None, None, None])
    book.save(path)
    read = read_products(path)
    # every header of the template is recognised as its column: EAN, units, reason and note
    assert (read.ean, read.units, read.reason, read.note) == (0, 1, 2, 3)
    assert read.dutch is dutch
    assert read.column(read.ean) == ["8712345678906", "8712345678913"]
    assert read.column(read.units) == ["3", ""]
    assert read.column(read.reason) == ["OUT_OF_STOCK", ""]
    assert read.column(read.note) == ["laatste partij", ""]


@pytest.mark.parametrize(
    ("lang", "committed"), [("en", "bulkcancel-products.xlsx"), ("nl", "bulkcancel-producten.xlsx")]
)
def test_the_command_writes_the_committed_products_template(tmp_path: Path, lang: str, committed: str) -> None:
    out = tmp_path / "t.xlsx"
    assert bulkcancel("template", str(out), "--products", "--lang", lang).returncode == 0
    assert content(out) == content(TEMPLATES / committed)


@pytest.mark.parametrize(("env_lang", "units"), [("nl_NL.UTF-8", "Voorraad"), ("en_GB.UTF-8", "Units in stock")])
def test_without_lang_the_products_template_follows_lang(tmp_path: Path, env_lang: str, units: str) -> None:
    out = tmp_path / "t.xlsx"
    ran = bulkcancel("template", str(out), "--products", env={"LANG": env_lang, "LC_ALL": "", "LC_MESSAGES": ""})
    assert ran.returncode == 0, ran.stderr
    assert openpyxl.load_workbook(out).worksheets[0]["B1"].value == units
