"""Opening a Seller Center finance file: which layout it is (finance.files.layouts), each sheet's
header found by name within its first rows, and its rows as our names → cells.

The file goes through the order importer's reading (imports.read, imports.xlsx, imports.bounds):
the same size, zip and row bounds, and a workbook's `<dimension>` never trusted (TikTok's is
stale or corrupt: the rows are read as they come). Finance files are small (a statement period);
their rows are held in memory, within IMPORT_MAX_BYTES and the rows bound.
"""

import io
from dataclasses import dataclass, field
from pathlib import Path

from imports.bounds import Bounds, UnreadableFile
from imports.finance_files.layouts import LAYOUTS, OTHER_FILES, Layout, Sheet, header_key
from imports.read import csv_grid, upload_check
from imports.xlsx import xlsx_grid, xlsx_sheet_names


@dataclass
class SheetRows:
    name: str  # as the file names it ("" for a CSV)
    header_line: int
    columns: dict[str, int]  # our name → position
    headers: dict[str, str]  # our name → the header as the file writes it
    ignored: list[str]
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (line, our name → cell)


def _match(sheet: Sheet, header: list) -> tuple[dict, dict, list]:
    exact = sheet.by_header()
    prefixes = [(h[:-1], key) for h, key in exact.items() if h.endswith("*")]
    columns, headers, ignored = {}, {}, []
    for position, cell in enumerate(header):
        normal = header_key(cell)
        key = exact.get(normal) or next((k for p, k in prefixes if normal.startswith(p)), None)
        if key and key not in columns:
            columns[key], headers[key] = position, str(cell).strip()
        elif normal:
            ignored.append(str(cell).strip())
    return columns, headers, ignored


class FinanceFile:
    """A finance file read once: its sheets' rows, by name."""

    def __init__(self, source: bytes | Path, name: str = ""):
        content = source.read_bytes() if isinstance(source, Path) else source
        self.bounds = Bounds.from_settings()
        binary = io.BytesIO(content)
        self.is_xlsx = upload_check(binary, name)
        self.grids: dict[str, list[list]] = {}
        if self.is_xlsx:
            for sheet in xlsx_sheet_names(binary, self.bounds):
                self.grids[sheet] = self._bounded(
                    xlsx_grid(binary, self.bounds, sheet=lambda n, s=sheet: n == s)
                )
        else:
            self.grids[""] = self._bounded(csv_grid(binary, self.bounds))
        self.layout = self._layout()

    def _bounded(self, grid) -> list[list]:
        rows = []
        for number, raw in enumerate(grid, start=1):
            if number > self.bounds.rows:
                raise self.bounds.too_many_rows()
            self.bounds.check_row(number, raw)
            rows.append(raw)
        return rows

    def _grid(self, sheet: Sheet, *, first_fallback: bool) -> tuple[str, list[list]] | None:
        for name, grid in self.grids.items():
            if header_key(name) == sheet.name:
                return name, grid
        if first_fallback and self.grids:
            name = next(iter(self.grids))
            return name, self.grids[name]
        return None

    def _header_line(self, sheet: Sheet, grid: list[list]) -> int | None:
        for line, raw in enumerate(grid[: sheet.header_within], start=1):
            columns, _, _ = _match(sheet, raw)
            if all(key in columns for key in sheet.required):
                return line
        return None

    def _layout(self) -> Layout:
        for layout in LAYOUTS:
            found = self._grid(layout.sheets[0], first_fallback=True)
            if found is None:
                continue
            for raw in found[1][: layout.sheets[0].header_within]:
                if all(mark in {header_key(c) for c in raw} for mark in layout.marks[:1]):
                    return layout
        seen = {header_key(c) for grid in self.grids.values() for raw in grid[:10] for c in raw}
        for marks, words in OTHER_FILES.items():
            if all(mark in seen for mark in marks):
                raise UnreadableFile(words)
        raise UnreadableFile(
            "This is not a Seller Center finance file we know: expected "
            + ", ".join(layout.label for layout in LAYOUTS)
            + " (docs/finance-files.md)."
        )

    def sheet(self, sheet: Sheet) -> SheetRows | None:
        """A sheet's rows under its header; None for an optional sheet the file lacks."""
        found = self._grid(sheet, first_fallback=len(self.layout.sheets) == 1)
        if found is None:
            if sheet.optional:
                return None
            raise UnreadableFile(f"The workbook has no sheet “{sheet.name.capitalize()}”.")
        name, grid = found
        line = self._header_line(sheet, grid)
        if line is None:
            raise UnreadableFile(_missing(sheet, grid, name))
        columns, headers, ignored = _match(sheet, grid[line - 1])
        rows = SheetRows(name, line, columns, headers, ignored)
        for number, raw in enumerate(grid[line:], start=line + 1):
            cells = {key: raw[at] if at < len(raw) else None for key, at in columns.items()}
            if any(value not in (None, "") and str(value).strip() for value in cells.values()):
                rows.rows.append((number, cells))
        return rows


def _missing(sheet: Sheet, grid: list[list], name: str) -> str:
    """Which required columns the best header candidate lacks, in TikTok's words."""
    best: set = set()
    for raw in grid[: sheet.header_within]:
        columns, _, _ = _match(sheet, raw)
        if len(columns) > len(best):
            best = set(columns)
    names = ", ".join(
        f"“{sheet.column(key).headers[0].capitalize()}”"
        for key in sheet.required
        if key not in best
    )
    where = f" in the sheet “{name}”" if name else ""
    return f"These columns are missing{where}: {names}."
