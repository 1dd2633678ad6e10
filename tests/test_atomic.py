"""Writing a result through a file beside it (``output/atomic.py``): an older result survives a
failed write, no temporary file is left behind, and the result is readable by its owner only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bulkcancel.errors import OutputError
from bulkcancel.output.atomic import write_atomically


def test_the_new_file_replaces_the_old_one_for_its_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "result.csv"
    out.write_text("old", encoding="utf-8")
    write_atomically(out, lambda tmp: tmp.write_text("new", encoding="utf-8"))
    assert out.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # customers' order items: not for other users
    assert [p.name for p in tmp_path.iterdir()] == ["result.csv"]


def failing_with_oserror(tmp: Path) -> None:
    tmp.write_text("half", encoding="utf-8")
    raise OSError(28, "No space left on device")


def failing_with_a_bug(tmp: Path) -> None:
    tmp.write_text("half", encoding="utf-8")
    raise ValueError("a bug in the writer")


def interrupted(tmp: Path) -> None:
    tmp.write_text("half", encoding="utf-8")
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("write", "raised"),
    [(failing_with_oserror, OutputError), (failing_with_a_bug, ValueError), (interrupted, KeyboardInterrupt)],
    ids=["disk-full", "bug", "ctrl-c"],
)
def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(
    tmp_path: Path, write: object, raised: type[BaseException]
) -> None:
    out = tmp_path / "result.csv"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(raised):
        write_atomically(out, write)  # type: ignore[arg-type]
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["result.csv"]


def test_a_disk_full_write_is_one_line_naming_the_file(tmp_path: Path) -> None:
    out = tmp_path / "result.csv"
    with pytest.raises(OutputError) as failed:
        write_atomically(out, failing_with_oserror)
    assert str(out) in str(failed.value) and "\n" not in str(failed.value)
    assert not out.exists()


def test_a_folder_that_is_gone_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "gone" / "result.csv"
    with pytest.raises(OutputError) as failed:
        write_atomically(out, lambda tmp: tmp.write_text("x", encoding="utf-8"))
    assert str(out) in str(failed.value)
