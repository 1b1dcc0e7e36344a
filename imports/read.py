"""Reading TikTok Seller Center "order SKU list" files (CSV or XLSX) into rows by header name.

Columns are found by name, never by position: case and spacing do not matter, and the known
variants have aliases (docs/tiktok.md "Seller Center files"). A BOM, a description row under the
header, TikTok's trailing tabs and cells that hold only a tab are taken as TikTok writes them.
"""

import csv
import io
import re
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from django.conf import settings

from imports.bounds import Bounds, CsvLines, OutOfBounds, UnreadableFile, zip_check
from imports.xlsx import xlsx_grid

# Our name for a column → the headers TikTok uses for it (normalised: lower case, one space).
HEADERS = {
    "order_id": ("order id",),
    "status": ("order status",),
    "substatus": ("order substatus",),
    "order_type": ("normal or pre-order",),
    "sku_id": ("sku id",),
    "seller_sku": ("seller sku",),
    "product_name": ("product name",),
    "variation": ("variation",),
    "quantity": ("quantity",),
    "returned_quantity": ("sku quantity of return",),
    "unit_price": ("sku unit original price",),
    "line_before": ("sku subtotal before discount",),
    "line_platform_discount": ("sku platform discount",),
    "line_seller_discount": ("sku seller discount",),
    "line_after": ("sku subtotal after discount",),
    "shipping_fee": ("shipping fee after discount",),
    "original_shipping_fee": ("original shipping fee",),
    "shipping_fee_seller_discount": ("shipping fee seller discount",),
    "shipping_fee_platform_discount": ("shipping fee platform discount",),
    "retail_delivery_fee": ("retail delivery fee",),
    "tax": ("taxes",),
    "total": ("order amount",),
    "refunded": ("order refund amount",),
    "created": ("created time",),
    "paid": ("paid time",),
    "rts": ("rts time",),
    "shipped": ("shipped time",),
    "delivered": ("delivered time",),
    "cancelled": ("cancelled time",),
    "cancel_reason": ("cancel reason",),
    "warehouse": ("warehouse name",),
    "fulfillment_type": ("fulfillment type",),
    "tracking_number": ("tracking id",),
    "delivery_option": ("delivery option",),
    "carrier": ("shipping provider name",),
    "buyer_message": ("buyer message",),
    "buyer_username": ("buyer username",),
    "recipient": ("recipient",),
    "phone": ("phone #", "phone"),
    "country": ("country",),
    "state": ("state", "province"),
    "city": ("city", "post town", "regency and city"),
    "district": ("district", "districts"),
    "postal_code": ("zipcode", "zip code", "postcode"),
    "address1": ("detail address", "address line 1"),
    "address2": ("additional address information", "address line 2"),
    "payment_method": ("payment method",),
    "category": ("product category",),
    "package_id": ("package id",),
    "seller_note": ("seller note",),
}
REQUIRED = ("order_id", "sku_id", "product_name", "quantity", "created", "total")
_BY_HEADER = {header: key for key, headers in HEADERS.items() for header in headers}


def too_large() -> str:
    return f"The file is larger than {settings.IMPORT_MAX_BYTES // 2**20} MB."


def _normal(header: str) -> str:
    return re.sub(r"\s+", " ", str(header or "").replace("\ufeff", "")).strip().lower()


FORMULA_ESCAPE = re.compile(r"^'(?=[=+\-@\t\r])")


# A spreadsheet formula: `=…`, or `+`, `-`, `@` before a function call or a DDE link
# (`-2+3` is not taken for one; `- leave at the door` is plain text).
FORMULA = re.compile(r"^(=|[+\-@]\s*[A-Za-z_][\w.]*\s*\(|[+\-@=].*\|)")
FORMULA_STARTS = frozenset("'=+-@")  # the first characters FORMULA_ESCAPE and FORMULA take


class FormulaCell(str):
    """A cell that looks like a spreadsheet formula. TikTok's files hold values only, so this
    is what a buyer or seller typed: the planner keeps it as text and notes it for the preview
    (pages escape it, exports neutralise it), except in an id column, where it is an error."""


def _cell(value) -> str:
    """A cell as text: TikTok's trailing tab (and a lone tab for "empty") removed, and the
    quote that neutralised a formula-like value (our exports add it) taken off again; an
    unquoted formula-like text comes back as a FormulaCell."""
    text = (value if value.__class__ is str else _text(value)).strip(" \t\r\n")
    if not text or text[0] not in FORMULA_STARTS:
        return text  # most cells: neither pattern below can match
    if FORMULA_ESCAPE.match(text):
        return text[1:]  # neutralised by a quote: text that only looks like a formula
    return FormulaCell(text) if FORMULA.match(text) else text


ORDER_ID = re.compile(r"\d{6,19}")


def _binary(source: bytes | Path):
    """The file's bytes as an open binary file, whether it was given as bytes or a path."""
    return open(source, "rb") if isinstance(source, Path) else io.BytesIO(source)  # noqa: SIM115


def _text(value) -> str:
    """A workbook cell as the text `_cell` takes (what the spool keeps): `_cell(_text(v))` is
    `_cell(v)` for every value."""
    if value.__class__ is str:  # every CSV cell
        return value
    if value is None:
        return ""
    if isinstance(value, datetime):  # a real date cell of a workbook
        return value.isoformat(sep=" ")
    return str(value)


def _csv_grid(binary, bounds: Bounds) -> Iterator[list[str]]:
    with io.TextIOWrapper(binary, encoding="utf-8-sig", newline="") as text:
        lines = CsvLines(text, bounds)
        number = 0
        try:
            for number, raw in enumerate(csv.reader(lines), start=1):  # noqa: B007
                lines.next_record(number + 1)
                yield raw
        except UnicodeDecodeError:
            raise UnreadableFile(
                "The file is not UTF-8 text (CSV) nor an Excel workbook."
            ) from None
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise bounds.cell_too_long(number + 1) from None
            raise UnreadableFile(f"The CSV file could not be read: {error}.") from None


csv_grid = _csv_grid  # the rows of a CSV file as lists of text, within the bounds


def upload_check(binary, name: str = "") -> bool:
    """The cheap checks, before anything is parsed: size, not empty, a workbook only if it is
    one, and a sane zip directory. `binary` is a seekable binary file; True for a workbook."""
    binary.seek(0, io.SEEK_END)
    if binary.tell() > settings.IMPORT_MAX_BYTES:
        raise UnreadableFile(too_large())
    binary.seek(0)
    start = binary.read(4096)
    binary.seek(0)
    is_xlsx = zipfile.is_zipfile(binary)
    binary.seek(0)
    if not start.strip():
        raise UnreadableFile("The file is empty.")
    if name.lower().endswith(".xlsx") and not is_xlsx:
        raise UnreadableFile("The file is named .xlsx but is not an Excel workbook.")
    if is_xlsx:
        zip_check(binary, Bounds.from_settings())
    return is_xlsx


def read_inline(binary) -> bool:
    """Whether the file is small enough to read in a web request (IMPORT_INLINE_BYTES): by
    what reading it parses, which for a workbook is the unpacked size its zip directory
    declares (bounded by zip_check), not the compressed bytes (a repetitive sheet inflates
    ~100 times). `binary` is a seekable binary file that passed upload_check."""
    binary.seek(0, io.SEEK_END)
    size = binary.tell()
    binary.seek(0)
    if size > settings.IMPORT_INLINE_BYTES:
        return False
    is_xlsx = zipfile.is_zipfile(binary)
    binary.seek(0)
    return not is_xlsx or zip_check(binary, Bounds.from_settings()) <= settings.IMPORT_INLINE_BYTES


class SheetFile:
    """A TikTok file opened once for reading: header matched and a first row found on
    opening; its rows streamed as often as needed, never all in memory.

    The file itself is read once, whatever the number of passes: the first pass copies the
    cells of the known columns to a temporary spool that later passes read (parsing a
    workbook costs far more than reading the spool). Every bound of bounds.py applies
    to that one read. `source` is the file's bytes or its path; close it (or use `with`).
    """

    def __init__(self, source: bytes | Path, name: str = ""):
        self.bounds = Bounds.from_settings()
        self._binary = _binary(source)
        self._live = self._spool = None
        try:
            self.is_xlsx = upload_check(self._binary, name)
            grid = xlsx_grid if self.is_xlsx else _csv_grid
            self._live = self._from_header(grid(self._binary, self.bounds))
            self.columns, self.ignored = self._header()
            self._spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
            self._position = 0
            if not self._fill(first_only=True):
                raise UnreadableFile("The file has a header but no orders.")
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "SheetFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._live is not None:
            self._live.close()  # closes the workbook
            self._live = None
        self._binary.close()
        if self._spool is not None:
            self._spool.close()

    def _from_header(self, rows) -> Iterator[tuple[int, list]]:
        """(line number, raw cells) from the header row on; blank rows above it skipped;
        the rows bound and a time budget (IMPORT_TIME_LIMIT_SECONDS) kept."""
        deadline = time.monotonic() + settings.IMPORT_TIME_LIMIT_SECONDS
        started = False
        try:
            for number, raw in enumerate(rows, start=1):
                if number > self.bounds.rows:
                    raise self.bounds.too_many_rows()
                if not number % 1000 and time.monotonic() > deadline:
                    raise OutOfBounds(
                        "Reading the file took longer than its time budget "
                        f"({settings.IMPORT_TIME_LIMIT_SECONDS:,} s)."
                    )
                self.bounds.check_row(number, raw)
                if started or any(_cell(c) for c in raw):
                    started = True
                    yield number, raw
        finally:
            rows.close()

    def _header(self) -> tuple[dict[str, int], list[str]]:
        header = next((raw for _, raw in self._live), None)
        if header is None:
            raise UnreadableFile("The file has no header row.")
        columns, ignored = {}, []
        for position, text in enumerate(header):
            key = _BY_HEADER.get(_normal(text))
            if key and key not in columns:
                columns[key] = position
            elif _normal(text):
                ignored.append(str(text).strip())
        missing = [key for key in REQUIRED if key not in columns]
        if "status" not in columns and "substatus" not in columns:
            missing.append("status")
        if missing:
            names = ", ".join(HEADERS[key][0].title() if key in HEADERS else key for key in missing)
            raise UnreadableFile(
                f"These TikTok columns are missing: {names}. Is this an “Order SKU list” export?"
            )
        return columns, ignored

    def _fill(self, first_only: bool = False) -> bool:
        """Copy rows from the file to the spool (a first one only, or all that are left);
        False when there was none. Rows blank in every known column are left out, and so is
        TikTok's description row ("Platform unique order ID.") under the header."""
        writer = csv.writer(self._spool)
        order_id = self.columns["order_id"]
        positions = list(self.columns.values())
        for number, raw in self._live:
            position, self._position = self._position, self._position + 1
            cells = [_text(raw[pos]) if pos < len(raw) else "" for pos in positions]
            if not any(_cell(c) for c in cells):
                continue
            if position == 0 and not ORDER_ID.fullmatch(
                _cell(raw[order_id]) if order_id < len(raw) else ""
            ):
                continue
            writer.writerow([number, *cells])
            if first_only:
                return True
        self._live = None
        return False

    def rows(self, keys: Iterable[str] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, our name → cell) for each order row; only `keys` when given."""
        if self._live is not None:
            self._fill()  # the rest of the file, once
        names = list(self.columns)
        wanted = [(key, names.index(key) + 1) for key in (keys or names)]
        self._spool.seek(0)
        for line in csv.reader(self._spool):
            cells = {key: _cell(line[at]) for key, at in wanted}
            if any(cells.values()):
                yield int(line[0]), cells
