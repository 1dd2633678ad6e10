"""SpreadsheetML streamed straight into the zip: sheets, styles, print setup, one chart.

Why not a library here: openpyxl's write-only mode took 22 s and XlsxWriter's
constant-memory mode 8 s for 100,000 result rows, most of it per-cell bookkeeping
(benchmarks/bench_sheets.py); the result is one kind of table, so writing the XML directly
takes a fraction of that. What a cell holds and how (text, numbers, times, escapes) is
``xlsxcells``; ``workbook`` decides what goes in it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bulkcancel.output.background import BackgroundWriter
from bulkcancel.output.xlsxcells import HEADER, NORMAL, WRAP_QUOTED, Cell, RowWriter, cell, escape
from bulkcancel.sheet.cells import column_letter

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
APPLICATION = "bulkcancel"  # docProps/app.xml: how a later run knows a file is a result it may replace

DATE_FORMAT = "dd-mm-yyyy hh:mm"
_TOP = '<alignment vertical="top"/>'  # every cell at the top of its row, beside a wrapped Detail


@dataclass
class SheetSpec:
    """One worksheet: its header, rows with a style each, and how it looks and prints."""

    name: str
    header: Sequence[str]
    rows: Iterable[tuple[Sequence[Cell], int]]  # the cells, and the style of the styled column
    count: int
    widths: Sequence[float]
    column_styles: Sequence[int] = ()  # per column: NORMAL, WRAP or DATE
    styled_column: int = -1  # the column that takes each row's style (the Status colour)
    filtered: bool = False
    chart: str | None = None  # the chart XML to place on this sheet
    text_columns: str = ""  # sqref where Excel must not flag "number stored as text"


@dataclass
class Styles:
    """The workbook's fills (one style each, after the fixed ones)."""

    fills: list[str] = field(default_factory=list)  # RGB

    def fill(self, rgb: str) -> int:
        """The style of a cell filled with ``rgb``."""
        if rgb not in self.fills:
            self.fills.append(rgb)
        return WRAP_QUOTED + 1 + self.fills.index(rgb)


def _sheet_xml(out: zipfile.ZipFile, number: int, sheet: SheetSpec, drawing: bool) -> None:
    width = max(len(sheet.header), 2)
    letters = [column_letter(n) for n in range(width)]
    last = f"{letters[len(sheet.header) - 1]}{sheet.count + 1}"
    styles = list(sheet.column_styles) + [NORMAL] * (width - len(sheet.column_styles))
    with (
        out.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as member,
        BackgroundWriter(member) as raw,  # deflated in a thread while the next rows are made
    ):
        chunks: list[str] = [
            _HEAD,
            f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
            f'<dimension ref="A1:{last}"/>',
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/><cols>',
            *(
                f'<col min="{n + 1}" max="{n + 1}" width="{w:.2f}" customWidth="1"/>'
                for n, w in enumerate(sheet.widths)
            ),
            '</cols><sheetData><row r="1">',
            *(cell(f"{letters[n]}1", name, HEADER) for n, name in enumerate(sheet.header)),
            "</row>",
        ]
        for row in RowWriter(letters, styles, sheet.widths, sheet.styled_column).rows(sheet.rows):
            chunks.append(row)
            if len(chunks) > 2000:
                raw.write("".join(chunks).encode("utf-8"))
                chunks.clear()
        chunks.append("</sheetData>")
        if sheet.filtered:
            chunks.append(f'<autoFilter ref="A1:{last}"/>')
        chunks.append(
            '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        )
        if sheet.text_columns:
            chunks.append(
                f'<ignoredErrors><ignoredError sqref="{sheet.text_columns}" numberStoredAsText="1"/></ignoredErrors>'
            )
        if drawing:
            chunks.append('<drawing r:id="rId1"/>')
        chunks.append("</worksheet>")
        raw.write("".join(chunks).encode("utf-8"))


def _styles(styles: Styles) -> str:
    fills = "".join(
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/><bgColor indexed="64"/></patternFill></fill>'
        for rgb in ("D9D9D9", *styles.fills)
    )
    fill_xfs = "".join(
        f'<xf numFmtId="0" fontId="0" fillId="{3 + n}" borderId="0" xfId="0" applyFill="1" applyAlignment="1">'
        f"{_TOP}</xf>"
        for n in range(len(styles.fills))
    )
    return (
        f'{_HEAD}<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
        f'formatCode="{DATE_FORMAT}"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/>'
        '<family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        f'<fills count="{3 + len(styles.fills)}"><fill><patternFill patternType="none"/></fill><fill>'
        f'<patternFill patternType="gray125"/></fill>{fills}</fills><borders count="1"><border><left/><right/>'
        '<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
        f'fillId="0" borderId="0">{_TOP}</xf></cellStyleXfs><cellXfs count="{6 + len(styles.fills)}">'
        f'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">{_TOP}</xf>'
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
        '<alignment wrapText="1" vertical="top"/></xf>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
        f'applyAlignment="1">{_TOP}</xf>'
        f'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1" applyAlignment="1">{_TOP}</xf>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1" applyAlignment="1">'
        '<alignment wrapText="1" vertical="top"/></xf>'
        f'{fill_xfs}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
        'builtinId="0"/></cellStyles></styleSheet>'
    )


def write_sheets(path: str, sheets: Sequence[SheetSpec], styles: Styles) -> None:
    """A workbook of ``sheets`` at ``path``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        charts = 0
        for number, sheet in enumerate(sheets, start=1):
            _sheet_xml(out, number, sheet, drawing=sheet.chart is not None)
            if sheet.chart is not None:
                charts += 1
                _chart_parts(out, number, charts, sheet.chart)
        _package(out, sheets, styles)


def _chart_parts(out: zipfile.ZipFile, sheet_number: int, chart_number: int, chart: str) -> None:
    out.writestr(
        f"xl/worksheets/_rels/sheet{sheet_number}.xml.rels",
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/drawing" '
        f'Target="../drawings/drawing{chart_number}.xml"/></Relationships>',
    )
    out.writestr(
        f"xl/drawings/drawing{chart_number}.xml",
        f'{_HEAD}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        f'xmlns:a="{_DRAWING_NS}"><xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff>'
        "<xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>11</xdr:col><xdr:colOff>0"
        '</xdr:colOff><xdr:row>20</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro="">'
        '<xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Outcome"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData '
        f'uri="{_CHART_NS}"><c:chart xmlns:c="{_CHART_NS}" xmlns:r="{_REL}" r:id="rId1"/></a:graphicData>'
        "</a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>",
    )
    out.writestr(
        f"xl/drawings/_rels/drawing{chart_number}.xml.rels",
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/chart" '
        f'Target="../charts/chart{chart_number}.xml"/></Relationships>',
    )
    out.writestr(f"xl/charts/chart{chart_number}.xml", chart)


def bar_chart(
    title: str, sheet: str, first_row: int, categories: Sequence[str], values: Sequence[int], colours: Sequence[str]
) -> str:
    """A horizontal bar chart of ``values`` (column B) by ``categories`` (column A) of ``sheet``."""
    end = first_row + len(values) - 1
    quoted = "'" + sheet.replace("'", "''") + "'"
    points = "".join(
        f'<c:dPt><c:idx val="{n}"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/><c:spPr><a:solidFill>'
        f'<a:srgbClr val="{rgb}"/></a:solidFill><a:ln><a:solidFill><a:srgbClr val="7F7F7F"/></a:solidFill>'
        "</a:ln></c:spPr></c:dPt>"
        for n, rgb in enumerate(colours)
    )
    names = "".join(f'<c:pt idx="{n}"><c:v>{escape(name)}</c:v></c:pt>' for n, name in enumerate(categories))
    numbers = "".join(f'<c:pt idx="{n}"><c:v>{value}</c:v></c:pt>' for n, value in enumerate(values))
    return (
        f'{_HEAD}<c:chartSpace xmlns:c="{_CHART_NS}" xmlns:a="{_DRAWING_NS}" xmlns:r="{_REL}">'
        f'<c:roundedCorners val="0"/><c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>{escape(title)}'
        '</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>'
        '<c:plotArea><c:layout/><c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/>'
        '<c:varyColors val="0"/><c:ser><c:idx val="0"/><c:order val="0"/>'
        f'<c:invertIfNegative val="0"/>{points}<c:dLbls><c:showLegendKey val="0"/><c:showVal val="1"/>'
        '<c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>'
        f"</c:dLbls><c:cat><c:strRef><c:f>{escape(quoted)}!$A${first_row}:$A${end}</c:f><c:strCache>"
        f'<c:ptCount val="{len(categories)}"/>{names}</c:strCache></c:strRef></c:cat><c:val><c:numRef>'
        f"<c:f>{escape(quoted)}!$B${first_row}:$B${end}</c:f><c:numCache><c:formatCode>General</c:formatCode>"
        f'<c:ptCount val="{len(values)}"/>{numbers}</c:numCache></c:numRef></c:val></c:ser>'
        '<c:gapWidth val="60"/><c:axId val="500001"/><c:axId val="500002"/></c:barChart>'
        '<c:catAx><c:axId val="500001"/><c:scaling><c:orientation val="maxMin"/></c:scaling><c:delete val="0"/>'
        '<c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="500002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/></c:catAx><c:valAx><c:axId val="500002"/><c:scaling><c:orientation '
        'val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:majorGridlines/><c:numFmt '
        'formatCode="0" sourceLinked="0"/><c:tickLblPos val="nextTo"/><c:crossAx val="500001"/><c:crosses '
        'val="max"/><c:crossBetween val="between"/></c:valAx></c:plotArea><c:plotVisOnly val="1"/>'
        '<c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    )


def _package(out: zipfile.ZipFile, sheets: Sequence[SheetSpec], styles: Styles) -> None:
    """Content types, relationships, workbook, styles and properties."""
    charts = sum(1 for sheet in sheets if sheet.chart is not None)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, len(sheets) + 1)
    ) + "".join(
        f'<Override PartName="/xl/drawings/drawing{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>'
        f'<Override PartName="/xl/charts/chart{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>'
        for n in range(1, charts + 1)
    )
    out.writestr(
        "[Content_Types].xml",
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>{overrides}</Types>',
    )
    out.writestr(
        "_rels/.rels",
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
        'Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>',
    )
    out.writestr(
        "docProps/app.xml",
        f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{APPLICATION}</Application></Properties>",
    )
    entries = "".join(
        f'<sheet name="{escape(sheet.name)}" sheetId="{n}" r:id="rId{n}"/>' for n, sheet in enumerate(sheets, start=1)
    )
    names = []
    for n, sheet in enumerate(sheets):
        quoted = escape("'" + sheet.name.replace("'", "''") + "'")
        if sheet.filtered:
            last = f"${column_letter(len(sheet.header) - 1)}${sheet.count + 1}"
            names.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">{quoted}!$A$1:{last}'
                "</definedName>"
            )
        names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">{quoted}!$1:$1</definedName>')
    out.writestr(
        "xl/workbook.xml",
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{entries}</sheets><definedNames>{''.join(names)}</definedNames></workbook>",
    )
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    out.writestr(
        "xl/_rels/workbook.xml.rels",
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}<Relationship Id="rId{len(sheets) + 1}" '
        f'Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
    )
    out.writestr("xl/styles.xml", _styles(styles))
