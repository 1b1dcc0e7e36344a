"""Reading one sheet of a TikTok workbook (the first, or one named: finance files have
several) with openpyxl (read-only), every part of the zip inflated through bounds.py's
watch, and the sheet read once.

openpyxl's read-only worksheet sizes itself on opening by parsing the sheet up to its
`<dimension>`; a sheet without one (our own exports, and zip bombs) was parsed
to its end for that, before a single row was read. TikTok's dimension is stale anyway
(`A1:A1`), so this reader never asks: it keeps openpyxl's cell parsing (types, dates, shared
strings) and skips the sizing.
"""

import zipfile
from collections.abc import Iterator

from celery.exceptions import SoftTimeLimitExceeded
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser

from imports.bounds import Bounds, UnreadableFile, WatchedZip

# What reading must let through: our own refusals, and the budgets' (docs/imports.md).
PASS = (UnreadableFile, MemoryError, SoftTimeLimitExceeded)


class _Sheet(ReadOnlyWorksheet):
    def _get_size(self) -> None:
        """Not sized from its `<dimension>`: rows are read as they come (see above)."""

    def values_by_number(self) -> Iterator[list]:
        """Each row's values in sheet order, a row missing from the XML as an empty one.

        TikTok writes its header row as several `<row r="1">` elements (docs/tiktok.md);
        openpyxl keeps only the first of them, so the header lost all but its first
        cells. Here the cells of consecutive elements with one row number make one row.
        """
        with self._get_source() as source:
            parser = WorkSheetParser(
                source,
                self._shared_strings,
                data_only=True,
                epoch=self.parent.epoch,
                date_formats=self.parent._date_formats,
                timedelta_formats=self.parent._timedelta_formats,
            )
            number, cells = 0, []
            for index, row in parser.parse():
                if index == number:
                    cells.extend(row)
                    continue
                if number:
                    yield _values(cells)
                for _ in range(number + 1, index):
                    yield []
                number, cells = max(index, number + 1), list(row)
            if number:
                yield _values(cells)


def _values(cells: list[dict]) -> list:
    """A row's cells (openpyxl's dicts, `column` from 1) as values by position."""
    values = [None] * max((cell["column"] for cell in cells), default=0)
    for cell in cells:
        values[cell["column"] - 1] = cell["value"]
    return values


class _Reader(ExcelReader):
    """openpyxl's workbook reader on a watched archive, keeping one worksheet: the first, or
    the one whose name `wanted` accepts."""

    def __init__(self, binary, bounds: Bounds, wanted=None):
        super().__init__(binary, read_only=True, data_only=True)
        self.archive.close()  # opened on the same file: watched from here on
        self.archive = WatchedZip(binary, bounds)
        self.wanted = wanted
        self.names: list[str] = []

    def read_properties(self) -> None:
        """Document properties are not needed to read orders."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                self.names.append(sheet.name)
                if not self.wb._sheets and (self.wanted is None or self.wanted(sheet.name)):
                    self.wb._sheets.append(
                        _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                    )


def refusal(error: BaseException) -> UnreadableFile:
    """Our refusal behind what openpyxl raised (it wraps a ValueError in its own), or a
    generic message."""
    cause = error
    while cause is not None:
        if isinstance(cause, UnreadableFile):
            return cause
        cause = cause.__cause__ or cause.__context__
    if isinstance(error, zipfile.BadZipFile):  # e.g. a CRC error: the directory lied
        return UnreadableFile("The Excel file is damaged: its contents do not match its sizes.")
    return UnreadableFile("The Excel file could not be read.")


def xlsx_sheet_names(binary, bounds: Bounds) -> list[str]:
    """The names of the workbook's worksheets, in order (no sheet's cells are read)."""
    binary.seek(0)
    try:
        reader = _Reader(binary, bounds, wanted=lambda name: False)
        reader.read()
        reader.wb.close()
    except PASS:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise refusal(error) from None
    return reader.names


def xlsx_grid(binary, bounds: Bounds, sheet=None) -> Iterator[list]:
    """A sheet's rows as lists of values, read once: the first sheet, or the first whose name
    `sheet` (a predicate on the name) accepts."""
    try:
        binary.seek(0)
        reader = _Reader(binary, bounds, wanted=sheet)
        reader.read()
        book = reader.wb
        if not book.worksheets:
            raise UnreadableFile("The Excel file has no worksheet.")
    except PASS:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise refusal(error) from None
    try:
        yield from book.worksheets[0].values_by_number()
    except PASS:
        raise
    except Exception as error:  # noqa: BLE001 - the same, for a sheet broken further down
        raise refusal(error) from None
    finally:
        book.close()
