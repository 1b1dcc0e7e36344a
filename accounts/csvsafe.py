"""CSV that a spreadsheet opens as data, never as formulas (OWASP "CSV injection")."""

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

# A cell starting with one of these may be run as a formula by Excel, LibreOffice or Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def csv_safe(value: object) -> str:
    """The cell as text, with a leading single quote when it could start a formula. Numbers
    stay numbers: a negative amount is data, not a formula."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_write(out: Writable, *, header: Iterable[object], rows: Iterable[Iterable[object]]) -> None:
    """Write a header row and `rows` to `out` (file, StringIO, HttpResponse), every cell safe."""
    writer = csv.writer(out)
    writer.writerow([csv_safe(cell) for cell in header])
    writer.writerows([csv_safe(cell) for cell in row] for row in rows)
