"""A streaming XLSX writer for exports: typed cells, bold frozen header, many sheets.

openpyxl's write-only mode writes about 900 rows of 57 columns per second here, a sixth of
SPEC §14's 5,000 (docs/decisions.md). An export only needs the smallest part of Office Open
XML (ECMA-376): one worksheet stream of rows, inline strings, numbers, dates as serial
numbers, three number formats and a bold font. That part is written here directly into the
zip, one sheet at a time, so memory stays flat and the rate is ~10× openpyxl's. Files are
read back with openpyxl in the tests.
"""

import zipfile
from datetime import datetime

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
EPOCH = datetime(1899, 12, 30)
FLUSH_ROWS = 2000

# Cell styles: indexes into cellXfs below.
HEADER, TIME, TIKTOK_TIME, MONEY = 1, 2, 3, 4

_CELL_XFS = (
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',  # default
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>',  # header
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
)
STYLES = "".join(
    (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{NS}">',
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/>',
        '<numFmt numFmtId="165" formatCode="mm/dd/yyyy hh:mm:ss AM/PM"/></numFmts>',
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>',
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>',
        '<fills count="2"><fill><patternFill patternType="none"/></fill>',
        '<fill><patternFill patternType="gray125"/></fill></fills>',
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>',
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>',
        f'</cellStyleXfs><cellXfs count="{len(_CELL_XFS)}">{"".join(_CELL_XFS)}</cellXfs>',
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>',
        "</styleSheet>",
    )
)
SHEET_START = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS}">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
)
SHEET_END = "</sheetData></worksheet>"


# XML escapes, and the control characters XML 1.0 forbids (dropped, as openpyxl does).
_FORBIDDEN = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]
ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **dict.fromkeys(_FORBIDDEN)})
EMPTY = "<c/>"


def text_cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text.translate(ESCAPES)}</t></is></c>'


def number_cell(value, style: int | None = None) -> str:
    return f'<c s="{style}"><v>{value}</v></c>' if style else f"<c><v>{value}</v></c>"


def time_cell(local: datetime, style: int) -> str:
    """A shop-local time as Excel's serial number (days since 1899-12-30)."""
    serial = (local.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
    return f'<c s="{style}"><v>{serial:.10f}</v></c>'


class StreamingXlsx:
    """Rows of cell XML (`text_cell`, …) go straight into the zip; a new sheet starts before
    `max_rows` data rows, with the header again."""

    def __init__(self, path: str, headers: list[str], *, title: str, max_rows: int):
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        bold = [text_cell(str(h)).replace("<c ", f'<c s="{HEADER}" ', 1) for h in headers]
        self.header = "<row>" + "".join(bold) + "</row>"
        self.title = title
        self.max_rows = max_rows
        self.sheets = 0
        self.stream = None
        self.pending: list[str] = []
        self._new_sheet()

    def _new_sheet(self) -> None:
        self._close_sheet()
        self.sheets += 1
        self.stream = self.zip.open(f"xl/worksheets/sheet{self.sheets}.xml", "w", force_zip64=True)
        self.pending = [SHEET_START, self.header]
        self.in_sheet = 0

    def _flush(self) -> None:
        self.stream.write("".join(self.pending).encode())
        self.pending = []

    def _close_sheet(self) -> None:
        if self.stream is not None:
            self.pending.append(SHEET_END)
            self._flush()
            self.stream.close()

    def rows(self, rows) -> None:
        for row in rows:
            if self.in_sheet == self.max_rows:
                self._new_sheet()
            self.pending.append("<row>" + "".join(row) + "</row>")
            self.in_sheet += 1
            if len(self.pending) >= FLUSH_ROWS:
                self._flush()

    def close(self) -> None:
        self._close_sheet()
        names = [self.title if n == 1 else f"{self.title} ({n})" for n in range(1, self.sheets + 1)]
        sheets = "".join(
            f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1)
        )
        links = "".join(
            f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, self.sheets + 1)
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, self.sheets + 1)
        )
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        self.zip.writestr(
            "[Content_Types].xml",
            f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self.zip.writestr(
            "_rels/.rels",
            f'{head}<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        self.zip.writestr(
            "xl/workbook.xml",
            f'{head}<workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>{sheets}</sheets></workbook>',
        )
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{head}<Relationships xmlns="{PKG_REL_NS}">{links}<Relationship Id="rIdStyles" '
            f'Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>',
        )
        self.zip.writestr("xl/styles.xml", STYLES)
        self.zip.close()
