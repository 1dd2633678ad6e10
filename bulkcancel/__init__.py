"""bulkcancel: cancel bol.com order items in bulk from an Excel or CSV sheet, safely.

A notebook uses the two functions below; the ``bulkcancel`` command is a thin shell
over them. Both return one row per input row with its Status and Detail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from bulkcancel.errors import BulkCancelError
from bulkcancel.reasons import ReasonCode
from bulkcancel.statuses import ExitCode, RowStatus

__all__ = ["BulkCancelError", "ExitCode", "ReasonCode", "RowStatus", "run_sheet", "validate_sheet"]


def _frame(outcome: Any) -> pd.DataFrame:
    from bulkcancel.report import result_headers

    frame = pd.DataFrame(
        [row.values() for row in outcome.rows],
        columns=result_headers(outcome.sheet.headers),
        dtype=str,
    )
    frame.attrs.update(
        exit_code=int(outcome.exit_code),
        out=str(outcome.out or ""),
        run_id=outcome.run_id or "",
        message=outcome.message,
    )
    return frame


def validate_sheet(path: str | Path, *, write: bool = False, **options: Any) -> pd.DataFrame:
    """Validate a sheet offline; one row per input row with READY, INVALID or DUPLICATE."""
    from bulkcancel.pipeline import validate
    from bulkcancel.settings import Settings

    return _frame(validate(Path(path), Settings(**options), write=write))


def run_sheet(path: str | Path, *, production_ok: bool = False, **options: Any) -> pd.DataFrame:
    """Run a sheet (the demo simulator unless ``env`` says otherwise) and write its result.

    Production needs ``production_ok=True``: a notebook has no prompt to confirm in.
    """
    from bulkcancel.execute import Hooks
    from bulkcancel.pipeline import run
    from bulkcancel.settings import Settings

    hooks = Hooks(
        confirm=lambda plan, target: production_ok,
        canary_ok=lambda results: all(r.status.value in ("CANCELLED", "ACCEPTED") for r in results),
    )
    return _frame(run(Path(path), Settings(**options), hooks))
