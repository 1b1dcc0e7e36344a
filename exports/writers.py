"""File writers that stream: rows go straight to a temporary file, memory stays flat.

CSV is UTF-8 with a byte-order mark (Excel then reads accents correctly) and `\\n` line ends,
the same bytes PostgreSQL's COPY writes, so both paths can feed one file. XLSX uses
openpyxl's write-only workbook: a bold, frozen header, typed cells, and a new sheet before
Excel's 1,048,576-row limit.
"""

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

BOM = "\ufeff".encode()
XLSX_MAX_DATA_ROWS = 1_048_575  # one row of a sheet holds the header


class CsvWriter:
    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def __init__(self, path: str, headers: list[str]):
        self.file = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.file.write(BOM)
        self.rows([headers])

    def rows(self, rows: Iterable[Iterable[object]]) -> None:
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(rows)
        self.file.write(text.getvalue().encode())

    @property
    def raw(self):
        """The binary file, for bytes that are already CSV (PostgreSQL COPY)."""
        return self.file

    def close(self) -> None:
        self.file.close()


class XlsxWriter:
    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def __init__(self, path: str, headers: list[str], sheet_title: str = "Orders"):
        self.path = path
        self.headers = headers
        self.title = sheet_title
        self.book = Workbook(write_only=True)
        self.sheets = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self.sheets += 1
        title = self.title if self.sheets == 1 else f"{self.title} ({self.sheets})"
        self.sheet = self.book.create_sheet(title)
        self.sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for text in self.headers:
            cell = WriteOnlyCell(self.sheet, value=text)
            cell.font = bold
            header.append(cell)
        self.sheet.append(header)
        self.in_sheet = 0

    def rows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            if self.in_sheet == XLSX_MAX_DATA_ROWS:
                self._new_sheet()
            self.sheet.append(row)
            self.in_sheet += 1

    def close(self) -> None:
        self.book.save(self.path)


WRITERS = {"csv": CsvWriter, "xlsx": XlsxWriter}
