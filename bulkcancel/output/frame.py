"""The result as a typed DataFrame for a notebook (``validate_sheet``, ``run_sheet``, ``stockouts``).

The same columns as the Results sheet, each with the dtype of what it holds: ``Row`` an
integer, the sheet's own cells and the ids text (``string``: an OrderItemId never becomes a
number), ``Status`` and ``Sent as`` categoricals of every ``RowStatus`` and ``ReasonCode``,
"Counts against score" a nullable boolean (``<NA>``: no cancellation made, or not known),
the two times timezone-aware in the run's zone. ``frame.attrs`` is a ``FrameInfo``. The
stock-outs frame likewise (``stockouts_frame``). pandas is imported only when a frame is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, TypedDict

from bulkcancel.norm.standing import NormEffect
from bulkcancel.output.report import result_headers
from bulkcancel.reasons import ReasonCode
from bulkcancel.results import ResultRow, RunRecord, Stop
from bulkcancel.statuses import ExitCode, RowStatus

if TYPE_CHECKING:
    import pandas as pd


class FrameInfo(TypedDict):
    """What ``frame.attrs`` holds, typed."""

    exit_code: ExitCode  # as the command would exit
    out: str  # the result file written ("" when none was)
    run_id: str  # the journal's id of the run ("" when the journal does not keep it: a validation, a dry run)
    message: str  # why sending stopped early, in the run's language ("" when it did not)
    stop: Stop | None  # the same, as a value: ``stop.reason`` is a ``StopReason``
    cancellation_norm: NormEffect | None  # the week's standing against bol's norm and the run's effect
    run: RunRecord | None  # the run as its result describes it (target, zone, language, options, counts)
    lang: str  # the language of the Detail texts and the column names ("en" or "nl")
    timezone: str  # the zone of the two time columns


def result_frame(headers: Sequence[str], rows: Sequence[ResultRow], lang: str, zone: tzinfo) -> pd.DataFrame:
    """One row per result row, the Results sheet's columns (in ``lang``), typed."""
    import pandas as pd

    names = result_headers(headers, lang)
    own = len(names) - 8  # Row, the sheet's columns, then the seven outcome columns
    status, detail, sent_as, counts, given, sent_at, process = names[own + 1 :]
    columns: dict[str, pd.Series] = {names[0]: pd.Series([r.sheet_row for r in rows], dtype="Int64")}
    for index, name in enumerate(names[1 : own + 1]):
        columns[name] = pd.Series([_cell(r.cells, index) for r in rows], dtype="string")
    columns[status] = pd.Series([r.status.value for r in rows], dtype=pd.CategoricalDtype([s.value for s in RowStatus]))
    columns[detail] = pd.Series([r.detail for r in rows], dtype="string")
    columns[sent_as] = pd.Series(
        [r.sent_as.value if r.sent_as else None for r in rows],
        dtype=pd.CategoricalDtype([c.value for c in ReasonCode]),
    )
    columns[counts] = pd.Series([r.counts_against_score for r in rows], dtype="boolean")
    columns[given] = _times([r.time_given for r in rows], zone)
    columns[sent_at] = _times([r.sent_at for r in rows], zone)
    columns[process] = pd.Series([r.process_status_id or None for r in rows], dtype="string")
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))


DECISIONS = ("to_cancel", "kept", "not_cancellable", "sent_before")
STOCKOUT_COLUMNS = (
    "Decision", "OrderItemId", "ReasonCode", "EAN", "OrderId", "Title", "Quantity", "OrderedAt",
    "PromisedDelivery", "ExpiryDate", "CountsAgainstNorm", "Why",
)  # fmt: skip


def stockouts_frame(rows: Sequence[Mapping[str, object]], zone: tzinfo) -> pd.DataFrame:
    """The order items of a stock-outs sheet, typed: ``Decision`` and ``ReasonCode`` categoricals,
    ids, EAN and texts ``string``, ``Quantity`` ``Int64``, ``OrderedAt`` an aware time in ``zone``,
    the two dates ``datetime64`` (midnight, no zone: a calendar day), ``CountsAgainstNorm`` a
    nullable boolean (False: not if cancelled by the promised date; ``<NA>``: not known, or kept)."""
    import pandas as pd

    def column(name: str) -> list[object]:
        return [row[name] for row in rows]

    texts = ("OrderItemId", "EAN", "OrderId", "Title", "Why")
    columns: dict[str, pd.Series] = {name: pd.Series(column(name), dtype="string") for name in texts}
    columns["Decision"] = pd.Series(column("Decision"), dtype="object").astype(pd.CategoricalDtype(list(DECISIONS)))
    columns["ReasonCode"] = pd.Series(column("ReasonCode"), dtype=pd.CategoricalDtype([c.value for c in ReasonCode]))
    columns["Quantity"] = pd.Series(column("Quantity"), dtype="Int64")
    ordered = pd.to_datetime(pd.Series(column("OrderedAt"), dtype="object"), utc=True, format="ISO8601")
    columns["OrderedAt"] = ordered.dt.as_unit("us").dt.tz_convert(zone)
    for name in ("PromisedDelivery", "ExpiryDate"):
        columns[name] = pd.to_datetime(pd.Series(column(name), dtype="object")).dt.as_unit("s")
    columns["CountsAgainstNorm"] = pd.Series(column("CountsAgainstNorm"), dtype="boolean")
    return pd.DataFrame({name: columns[name] for name in STOCKOUT_COLUMNS}, index=pd.RangeIndex(len(rows)))


def _cell(cells: Sequence[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _times(values: Sequence[datetime | None], zone: tzinfo) -> pd.Series:
    """Aware times in ``zone`` (``NaT`` where there is none)."""
    import pandas as pd

    return pd.to_datetime(pd.Series(list(values), dtype="object"), utc=True).dt.as_unit("us").dt.tz_convert(zone)
