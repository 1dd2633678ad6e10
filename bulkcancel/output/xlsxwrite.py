"""The result workbook as .xlsx, streamed straight into the zip as SpreadsheetML.

Why not a library here: openpyxl's write-only mode took 22 s and XlsxWriter's
constant-memory mode 8 s for 100,000 result rows, most of it per-cell bookkeeping
(benchmarks/bench_sheets.py); the result is one kind of table, every cell text, so
writing the XML directly takes a fraction of that. Every cell is an inline *string*: no
cell can be a formula, a number Excel reformats, or a link. Text is XML-escaped, CR and
literal ``_xHHHH_`` are encoded as Excel does (``_x000D_``, ``_x005F_``), control
characters were already replaced by ``cellsafe.clean_text``. Sheets: Results, Summary,
Retry (the rows that need attention, same columns, ready to be fed back in).
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from bulkcancel.results import ResultRow, RunSummary
from bulkcancel.sheet.cells import column_letter
from bulkcancel.sheet.cellsafe import clean_text
from bulkcancel.statuses import RowStatus

_LIVE = ("=", "+", "-", "@")  # Excel makes these a formula when a person edits the cell

COLOURS = {
    RowStatus.CANCELLED: "C6EFCE",
    RowStatus.ACCEPTED: "DDEBF7",
    RowStatus.READY: "E2EFDA",
    RowStatus.SKIPPED: "EDEDED",
    RowStatus.DUPLICATE: "FFF2CC",
    RowStatus.NOT_SENT: "FCE4D6",
    RowStatus.UNKNOWN: "F8CBAD",
    RowStatus.FAILED: "FFC7CE",
    RowStatus.INVALID: "FFC7CE",
}
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_BOLD = 1  # cellXfs index; fills follow from 2 in COLOURS order
_STYLE_OF = {status: 2 + n for n, status in enumerate(COLOURS)}
_QUOTED = 2 + len(COLOURS)  # quotePrefix: text that starts like a formula stays text when a person edits it
APPLICATION = "bulkcancel"  # docProps/app.xml: how a later run knows a file is a result it may replace
_ESCAPE_NEEDED = re.compile(r"[&<>\r]|_x[0-9A-Fa-f]{4}_")
_EXCEL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def _escape(text: str) -> str:
    if not _ESCAPE_NEEDED.search(text):
        return text
    text = _EXCEL_ESCAPE.sub("_x005F", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "_x000D_")


def _text(ref: str, text: str, style: int = 0) -> str:
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{_escape(clean_text(text))}</t></is></c>'


def _sheet_xml(
    out: zipfile.ZipFile,
    part: str,
    header: Sequence[str],
    rows: Iterable[tuple[list[str | int], int]],
    widths: Sequence[float],
    count: int,
    styled_column: int,
    filtered: bool,
) -> None:
    """One worksheet; ``styled_column`` gets each row's style (the Status colour)."""
    letters = [column_letter(n) for n in range(max(len(header), 2))]
    last = f"{letters[len(header) - 1]}{count + 1}"
    with out.open(part, "w", force_zip64=True) as raw:
        chunks: list[str] = [
            _HEAD,
            f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><dimension ref="A1:{last}"/>',
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/><cols>',
            *(f'<col min="{n + 1}" max="{n + 1}" width="{w:.2f}" customWidth="1"/>' for n, w in enumerate(widths)),
            '</cols><sheetData><row r="1">',
            *(_text(f"{letters[n]}1", name, _BOLD) for n, name in enumerate(header)),
            "</row>",
        ]
        number = 1
        for values, status_style in rows:
            number += 1
            cells = [f'<row r="{number}">']
            for n, value in enumerate(values):
                ref = f"{letters[n]}{number}"
                if isinstance(value, int):
                    cells.append(f'<c r="{ref}"><v>{value}</v></c>')
                elif value:
                    style = status_style if n == styled_column else _QUOTED if value.startswith(_LIVE) else 0
                    cells.append(_text(ref, value, style))
            cells.append("</row>")
            chunks.append("".join(cells))
            if len(chunks) > 2000:
                raw.write("".join(chunks).encode("utf-8"))
                chunks.clear()
        chunks.append("</sheetData>")
        if filtered:
            chunks.append(f'<autoFilter ref="A1:{last}"/>')
        chunks.append(
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        )
        raw.write("".join(chunks).encode("utf-8"))


def _widths(names: Sequence[str], rows: Sequence[ResultRow]) -> list[float]:
    sample = [row.values() for row in rows[:500]]
    return [min(max(max([len(name)] + [len(v[col]) for v in sample]) + 2, 8), 60) for col, name in enumerate(names)]


def _styles() -> str:
    fills = "".join(
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/><bgColor indexed="64"/></patternFill></fill>'
        for rgb in COLOURS.values()
    )
    xfs = "".join(
        f'<xf numFmtId="0" fontId="0" fillId="{2 + n}" borderId="0" xfId="0" applyFill="1"/>'
        for n in range(len(COLOURS))
    )
    xfs += '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    return (
        f'{_HEAD}<styleSheet xmlns="{_MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/>'
        '<family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        f'<fills count="{2 + len(COLOURS)}"><fill><patternFill patternType="none"/></fill><fill>'
        f'<patternFill patternType="gray125"/></fill>{fills}</fills><borders count="1"><border><left/><right/>'
        '<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
        f'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="{3 + len(COLOURS)}"><xf numFmtId="0" '
        'fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" '
        f'xfId="0" applyFont="1"/>{xfs}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
        'builtinId="0"/></cellStyles></styleSheet>'
    )


def _package(out: zipfile.ZipFile, sheets: Sequence[tuple[str, str | None]]) -> None:
    """Content types, relationships, workbook and styles for ``sheets`` (name, filtered rows)."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    out.writestr(
        "[Content_Types].xml",
        (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>{overrides}</Types>'
        ),
    )
    out.writestr(
        "_rels/.rels",
        (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>'
        ),
    )
    out.writestr(
        "docProps/app.xml",
        (
            f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>{APPLICATION}</Application></Properties>"
        ),
    )
    entries = "".join(
        f'<sheet name="{_escape(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, (name, _) in enumerate(sheets, start=1)
    )
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">{name}!$A$1:{ref}</definedName>'
        for n, (name, ref) in enumerate((name, ref) for name, ref in sheets)
        if ref
    )
    out.writestr(
        "xl/workbook.xml",
        (
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{entries}</sheets>" + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>"
        ),
    )
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    out.writestr(
        "xl/_rels/workbook.xml.rels",
        (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}<Relationship Id="rId{len(sheets) + 1}" '
            f'Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
        ),
    )
    out.writestr("xl/styles.xml", _styles())


def _summary_rows(rows: Sequence[ResultRow], summary: RunSummary) -> list[list[str | int]]:
    counts = Counter(row.status for row in rows)
    lines: list[list[str | int]] = [[status.value, counts[status]] for status in RowStatus if counts[status]]
    lines += [["Total", len(rows)], [], ["ReasonCode", "Rows sent or to send"]]
    lines += [[reason, count] for reason, count in sorted(summary.reasons.items())]
    lines += [[], ["Run", ""]]
    lines += [[key, value] for key, value in summary.parameters]
    return lines


def write_workbook(path: Path, names: Sequence[str], rows: Sequence[ResultRow], summary: RunSummary) -> None:
    """Write Results, Summary and Retry to ``path``."""
    retry = [
        row for row in rows if row.status.needs_attention and not (summary.dry_run and row.status is RowStatus.NOT_SENT)
    ]
    last = column_letter(len(names) - 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        _package(
            out,
            [
                ("Results", f"${last}${len(rows) + 1}"),
                ("Summary", None),
                ("Retry", f"${last}${len(retry) + 1}"),
            ],
        )
        widths = _widths(names, rows)
        _sheet_xml(
            out,
            "xl/worksheets/sheet1.xml",
            names,
            ((list(row.values()), _STYLE_OF[row.status]) for row in rows),
            widths,
            len(rows),
            len(names) - 5,
            True,
        )
        summary_lines = _summary_rows(rows, summary)
        styles = {status.value: _STYLE_OF[status] for status in RowStatus}
        _sheet_xml(
            out,
            "xl/worksheets/sheet2.xml",
            ["Status", "Rows"],
            ((line, styles.get(str(line[0]), 0) if line else 0) for line in summary_lines),
            [28, 60],
            len(summary_lines),
            0,
            False,
        )
        _sheet_xml(
            out,
            "xl/worksheets/sheet3.xml",
            names,
            ((list(row.values()), _STYLE_OF[row.status]) for row in retry),
            widths,
            len(retry),
            len(names) - 5,
            True,
        )
