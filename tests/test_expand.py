"""Which upload the page expands as a products sheet (``web/expand.py``): decided on the
error's type, never its words, so a Dutch message or a reworded one changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulkcancel.web.expand import is_products_sheet


@pytest.mark.parametrize(
    ("content", "products"),
    [
        ("EAN;Voorraad\n8720849300131;0\n", True),
        ("EAN,Units in stock\n8720849300131,not a number\n", True),  # bad rows: still a products sheet, shown as such
        ("Barcode;Voorraad\n8720849300131;2\n", True),
        ("OrderItemId;ReasonCode\n2012345678;OUT_OF_STOCK\n", False),  # an order sheet: checked as one
        ("Bestelnummer;Reden\n2012345678;OUT_OF_STOCK\n", False),
        ("just some text\n", False),
    ],
)
def test_an_upload_is_a_products_sheet_when_it_has_an_ean_column(tmp_path: Path, content: str, products: bool) -> None:
    path = tmp_path / "upload.csv"
    path.write_text(content, encoding="utf-8")
    assert is_products_sheet(path, None) is products
