"""A sheet read ahead in a thread of its own (``sheet/ahead.py``), as ``bulkcancel validate`` reads it
while pandas and pandera load: the same sheet as ``read_sheet``, the same refusal, and an option
that cannot work is still said before anything about the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulkcancel.errors import InputFileError
from bulkcancel.sheet.ahead import ReadAhead
from bulkcancel.sheet.read import ReadLimits, read_sheet
from tests.conftest import bulkcancel, write_xlsx

ROWS = [
    ["Orders of this week"],
    ["OrderItemId", "ReasonCode", "DateTime", "Note"],
    ["2012345601", "OUT_OF_STOCK", "28-11-2026 10:00", "one"],
    [2012345602, "REQUESTED_BY_CUSTOMER", "", 2.5],
]


def test_the_sheet_read_ahead_is_the_sheet_read_sheet_reads(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", ROWS)
    ahead = ReadAhead(path, None, ReadLimits(), {"Note": "Note"}).result()
    now = read_sheet(path, None, ReadLimits(), {"Note": "Note"})
    assert (ahead.headers, ahead.rows, ahead.row_numbers, ahead.columns, ahead.notes, ahead.flags) == (
        now.headers,
        now.rows,
        now.row_numbers,
        now.columns,
        now.notes,
        now.flags,
    )
    assert ahead.rows[1][0] == "2012345602" and ahead.row_numbers == [3, 4]


def test_a_refusal_is_raised_by_result_in_the_callers_thread(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    ahead = ReadAhead(path, None, ReadLimits())
    with pytest.raises(InputFileError) as raised:
        ahead.result()
    with pytest.raises(InputFileError) as direct:
        read_sheet(path)
    assert str(raised.value) == str(direct.value)


def test_validate_says_a_bad_option_before_the_file_and_a_bad_file_in_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.xlsx"
    said = bulkcancel("validate", str(missing), "--timezone", "Mars/Olympus")
    assert said.returncode == 2 and "Mars/Olympus" in said.stderr and "missing.xlsx" not in said.stderr
    said = bulkcancel("validate", str(missing))
    lines = [line for line in said.stderr.splitlines() if line.strip()]
    assert said.returncode == 2 and len(lines) == 1 and "no such file" in lines[0], said.stderr
    sheet = write_xlsx(tmp_path / "w.xlsx", ROWS)
    done = bulkcancel("validate", str(sheet), "--out", str(tmp_path / "checked.xlsx"))
    assert done.returncode == 0 and (tmp_path / "checked.xlsx").exists(), done.stderr
