"""Reading TikTok Seller Center "order SKU list" files (CSV or XLSX) into rows by header name.

Columns are found by name, never by position: case and spacing do not matter, and the known
variants have aliases (reference/tiktok.md §4.2–4.4). A BOM, a description row under the
header, TikTok's trailing tabs and cells that hold only a tab are taken as TikTok writes them.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from django.conf import settings

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


class UnreadableFile(ValueError):
    """The file cannot be imported at all; the message says why."""


def _normal(header: str) -> str:
    return re.sub(r"\s+", " ", str(header or "").replace("\ufeff", "")).strip().lower()


FORMULA_ESCAPE = re.compile(r"^'(?=[=+\-@\t\r])")


# A spreadsheet formula: `=…`, or `+`, `-`, `@` before a function call or a DDE link
# (`-2+3` is not refused as a number would be; `- leave at the door` is text).
FORMULA = re.compile(r"^(=|[+\-@]\s*[A-Za-z_][\w.]*\s*\(|[+\-@=].*\|)")


class FormulaCell(str):
    """A cell that holds a spreadsheet formula, not a value: the planner refuses it (TikTok's
    files hold values only, and a formula would run in whoever opens a file made from it)."""


def _cell(value) -> str:
    """A cell as text: TikTok's trailing tab (and a lone tab for "empty") removed, and the
    quote that neutralised a formula-like value (our exports add it) taken off again; an
    unquoted formula comes back as a FormulaCell."""
    if value is None:
        return ""
    if isinstance(value, datetime):  # a real date cell of a workbook
        return value.isoformat(sep=" ")
    text = str(value).strip(" \t\r\n")
    if FORMULA_ESCAPE.match(text):
        return text[1:]  # neutralised by a quote: text that only looks like a formula
    return FormulaCell(text) if FORMULA.match(text) else text


ORDER_ID = re.compile(r"\d{6,19}")


def _binary(source: bytes | Path):
    """The file's bytes as an open binary file, whether it was given as bytes or a path."""
    return open(source, "rb") if isinstance(source, Path) else io.BytesIO(source)  # noqa: SIM115


def _csv_grid(source: bytes | Path) -> Iterator[list[str]]:
    binary = _binary(source)
    with binary, io.TextIOWrapper(binary, encoding="utf-8-sig", newline="") as text:
        try:
            yield from csv.reader(text)
        except UnicodeDecodeError:
            raise UnreadableFile(
                "The file is not UTF-8 text (CSV) nor an Excel workbook."
            ) from None
        except csv.Error as error:
            raise UnreadableFile(f"The CSV file could not be read: {error}.") from None


def _xlsx_grid(source: bytes | Path) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        # A path, not an open file: openpyxl then closes what it opened with the workbook.
        book = load_workbook(
            source if isinstance(source, Path) else io.BytesIO(source),
            read_only=True,
            data_only=True,
        )
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise UnreadableFile("The Excel file could not be read.") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # TikTok's files declare a stale A1:A1 dimension
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


class SheetFile:
    """A TikTok file opened for reading: its header matched once, its rows streamed as often
    as needed (never all in memory). `source` is the file's bytes or its path."""

    def __init__(self, source: bytes | Path, name: str = ""):
        size = source.stat().st_size if isinstance(source, Path) else len(source)
        if size > settings.IMPORT_MAX_BYTES:
            raise UnreadableFile(too_large())
        self.source = source
        with _binary(source) as head:
            start = head.read(4096)
            head.seek(0)
            self.is_xlsx = zipfile.is_zipfile(head)
        if not start.strip():
            raise UnreadableFile("The file is empty.")
        if name.lower().endswith(".xlsx") and not self.is_xlsx:
            raise UnreadableFile("The file is named .xlsx but is not an Excel workbook.")
        self.columns, self.ignored = self._header()
        if next(self.rows(), None) is None:
            raise UnreadableFile("The file has a header but no orders.")

    def _grid(self) -> Iterator[tuple[int, list]]:
        """(line number, raw cells) from the header row on; blank rows above it skipped."""
        rows = _xlsx_grid(self.source) if self.is_xlsx else _csv_grid(self.source)
        started = False
        for number, raw in enumerate(rows, start=1):
            if started or any(_cell(c) for c in raw):
                started = True
                yield number, raw

    def _header(self) -> tuple[dict[str, int], list[str]]:
        header = next((raw for _, raw in self._grid()), None)
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

    def rows(self, keys: Iterable[str] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, our name → cell) for each order row; only `keys` when given."""
        wanted = {key: self.columns[key] for key in keys} if keys else self.columns
        order_id = self.columns["order_id"]
        grid = self._grid()
        next(grid)  # the header
        for position, (number, raw) in enumerate(grid):
            cells = {key: _cell(raw[pos]) if pos < len(raw) else "" for key, pos in wanted.items()}
            if not any(cells.values()):
                continue
            if position == 0 and not ORDER_ID.fullmatch(
                _cell(raw[order_id]) if order_id < len(raw) else ""
            ):
                continue  # TikTok's description row ("Platform unique order ID.")
            yield number, cells
