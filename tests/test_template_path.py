"""Both input templates (orders and products) refuse the same paths: never over a file that is
there (a filled-in template), and only .xlsx; ``force`` replaces."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bulkcancel.errors import OutputError
from bulkcancel.output.products_template import write_products_template
from bulkcancel.output.template import write_template

WRITERS = [pytest.param(write_template, id="orders"), pytest.param(write_products_template, id="products")]


@pytest.mark.parametrize("write", WRITERS)
def test_a_file_that_is_there_is_never_written_over(tmp_path: Path, write: Callable[..., None]) -> None:
    filled = tmp_path / "week.xlsx"
    filled.write_bytes(b"a filled-in template")
    with pytest.raises(OutputError):
        write(filled)
    assert filled.read_bytes() == b"a filled-in template"


@pytest.mark.parametrize("write", WRITERS)
def test_only_an_xlsx_name_is_taken(tmp_path: Path, write: Callable[..., None]) -> None:
    with pytest.raises(OutputError):
        write(tmp_path / "template.csv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("write", WRITERS)
def test_force_replaces_the_file_with_a_template(tmp_path: Path, write: Callable[..., None]) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(b"old")
    write(path, force=True)
    assert load_workbook(path).sheetnames  # a real workbook now
