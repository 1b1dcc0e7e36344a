"""Reading TikTok Seller Center "order SKU list" files (CSV or XLSX) into rows by header name.

Columns are found by name, never by position: case and spacing do not matter, and the known
variants have aliases (reference/tiktok.md §4.2–4.4). A BOM, a description row under the
header, TikTok's trailing tabs and cells that hold only a tab are taken as TikTok writes them.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

MAX_BYTES = 50 * 1024 * 1024

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


class UnreadableFile(ValueError):
    """The file cannot be imported at all; the message says why."""


@dataclass
class Sheet:
    columns: dict[str, int]  # our name → position in this file
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, our name → cell)
    ignored: list[str] = field(default_factory=list)  # headers we do not use


def _normal(header: str) -> str:
    return re.sub(r"\s+", " ", str(header or "").replace("\ufeff", "")).strip().lower()


FORMULA_ESCAPE = re.compile(r"^'(?=[=+\-@\t\r])")


def _cell(value) -> str:
    """A cell as text: TikTok's trailing tab (and a lone tab for "empty") removed, and the
    quote that neutralised a formula-like value (our exports add it) taken off again."""
    if value is None:
        return ""
    if isinstance(value, datetime):  # a real date cell of a workbook
        return value.isoformat(sep=" ")
    return FORMULA_ESCAPE.sub("", str(value).strip(" \t\r\n"))


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("The file is not UTF-8 text (CSV) nor an Excel workbook.") from None
    return list(csv.reader(io.StringIO(text, newline="")))


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise UnreadableFile("The Excel file could not be read.") from None
    sheet = book.worksheets[0]
    sheet.reset_dimensions()  # TikTok's files declare a stale A1:A1 dimension
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def read_sheet(data: bytes, name: str = "") -> Sheet:
    """The file's rows keyed by our column names; raises UnreadableFile."""
    if not data.strip():
        raise UnreadableFile("The file is empty.")
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    is_xlsx = zipfile.is_zipfile(io.BytesIO(data))
    if name.lower().endswith(".xlsx") and not is_xlsx:
        raise UnreadableFile("The file is named .xlsx but is not an Excel workbook.")
    grid = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    while grid and not any(_cell(c) for c in grid[0]):
        grid.pop(0)
    if not grid:
        raise UnreadableFile("The file has no header row.")
    columns, ignored = {}, []
    for position, header in enumerate(grid[0]):
        key = _BY_HEADER.get(_normal(header))
        if key and key not in columns:
            columns[key] = position
        elif _normal(header):
            ignored.append(str(header).strip())
    missing = [key for key in REQUIRED if key not in columns]
    if "status" not in columns and "substatus" not in columns:
        missing.append("status")
    if missing:
        names = ", ".join(HEADERS[key][0].title() if key in HEADERS else key for key in missing)
        raise UnreadableFile(
            f"These TikTok columns are missing: {names}. Is this an “Order SKU list” export?"
        )
    rows = []
    for number, raw in enumerate(grid[1:], start=2):
        cells = {key: _cell(raw[pos]) if pos < len(raw) else "" for key, pos in columns.items()}
        if not any(cells.values()):
            continue
        if number == 2 and not re.fullmatch(r"\d{6,}", cells["order_id"]):
            continue  # TikTok's description row ("Platform unique order ID.")
        rows.append((number, cells))
    if not rows:
        raise UnreadableFile("The file has a header but no orders.")
    return Sheet(columns=columns, rows=rows, ignored=ignored)
