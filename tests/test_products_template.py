"""The products template (``bulkcancel template --products``) in each language, read back by the products reader."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from bulkcancel.sheet.products import read_products
from tests.conftest import bulkcancel


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
    book[sheets[0]].append(["8712345678906", 3, "OUT_OF_STOCK", "x"])
    book.save(path)
    read = read_products(path)
    assert read.dutch is dutch and len(read.rows) == 1
