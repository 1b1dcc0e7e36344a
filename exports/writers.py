"""File writers that stream: rows go straight to a temporary file, memory stays flat.

CSV is UTF-8 with a byte-order mark (Excel then reads accents correctly) and `\\n` line ends,
the same bytes PostgreSQL's COPY writes, so both paths can feed one file. XLSX (exports/xlsx.py)
has a bold, frozen header, typed cells, and a new sheet before Excel's 1,048,576-row limit.
"""

import csv
import io
from collections.abc import Iterable

from exports.xlsx import StreamingXlsx

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

    def __init__(self, path: str, headers: list[str]):
        self.book = StreamingXlsx(path, headers, title="Orders", max_rows=XLSX_MAX_DATA_ROWS)

    def rows(self, rows: Iterable[Iterable[object]]) -> None:
        self.book.rows(rows)

    def close(self) -> None:
        self.book.close()


def open_writer(file_format: str, path: str, *, headers: list[str]):
    """The writer for `file_format`; XLSX rows arrive as cell XML (exports/cells.py)."""
    if file_format == "xlsx":
        return XlsxWriter(path, headers)
    return CsvWriter(path, headers)
