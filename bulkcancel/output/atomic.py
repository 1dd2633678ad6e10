"""Write a file through a temporary file beside it, then move it into place (atomic on POSIX).

A write that fails leaves any older file untouched and no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from bulkcancel.errors import OutputError
from bulkcancel.i18n import Text


def write_atomically(out: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp_path)``, then replace ``out`` with the result; OutputError on failure."""
    directory = out.parent if str(out.parent) else Path()
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
        os.close(handle)
    except OSError as exc:
        raise OutputError(
            Text("{out}: cannot write in {directory} ({strerror})", out=out, directory=directory, strerror=exc.strerror)
        ) from None
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp makes it 0600 and it stays so: a result holds customers' order items, for its owner only.
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(
            Text("{out}: cannot be written ({strerror}); is it open in Excel?", out=out, strerror=exc.strerror)
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
