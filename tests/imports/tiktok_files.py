"""TikTok "order SKU list" files made by test code (no binary fixtures): rows by header name,
CSV with TikTok's BOM and description row, the regional headers of docs/tiktok.md,
and XLSX with TikTok's quirks (stale dimension, header split over several `<row r="1">`).
docs/imports.md lists which test covers which variation."""

import csv
import io
import re
import zipfile

from tests.exports.helpers import SKU_LIST_HEADER

ORDER = "576123400000000001"


def sku_row(**cells) -> list[str]:
    defaults = {
        "Order ID": f"{ORDER}\t",
        "Order Status": "To ship",
        "Order Substatus": "Awaiting shipment",
        "SKU ID": "1729000000000000001\t",
        "Seller SKU": "HOOP-1",
        "Product Name": "Weighted Hula Hoop",
        "Variation": "Pink",
        "Quantity": "2",
        "Sku Quantity of return": "0",
        "SKU Unit Original Price": "$26.99",
        "SKU Subtotal Before Discount": "53.98",
        "SKU Platform Discount": "0",
        "SKU Seller Discount": "3.98",
        "SKU Subtotal After Discount": "50.00",
        "Shipping Fee After Discount": "5.99",
        "Original Shipping Fee": "5.99",
        "Taxes": "4.50",
        "Order Amount": "80.49",
        "Order Refund Amount": "0",
        "Created Time": "03/31/2026 11:30:00 PM\t",
        "Paid Time": "04/01/2026 12:05:00 AM\t",
        "RTS Time": "\t",
        "Fulfillment Type": "Fulfillment by seller",
        "Buyer Username": "i***mikayla200",
        "Recipient": "M******* L****",
        "Phone #": "(+1)415****21",
        "Country": "United States",
        "State": "California",
        "City": "Los Angeles",
        "Zipcode": "900**",
        "Payment Method": "Visa",
        "Product Category": "Sports",
    }
    defaults.update(cells)
    return [defaults.get(header, "") for header in SKU_LIST_HEADER]


def sku_csv(*rows, header=SKU_LIST_HEADER, description=True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    if description:
        writer.writerow(["Platform unique order ID."] + [""] * (len(header) - 1))
    writer.writerows(rows)
    return "\ufeff".encode() + out.getvalue().encode()


# The UK file: the US columns with the British address names.
UK_HEADER = [
    {
        "Detail Address": "Address Line 1",
        "Additional address information": "Address Line 2",
        "City": "Post Town",
        "Zipcode": "Postcode",
        "State": "County",
    }.get(header, header)
    for header in SKU_LIST_HEADER
]


# Thailand's 63 columns as real Thai files have them: the US columns
# up to Phone # without Retail Delivery Fee and Delivery Option Type, then its address and
# tax-invoice columns.
TH_HEADER = [
    h for h in SKU_LIST_HEADER[: SKU_LIST_HEADER.index("Phone #") + 1]
    if h not in ("Retail Delivery Fee", "Delivery Option Type")
] + [
    "Zipcode", "Country", "Province", "District", "Districts", "Detail Address",
    "Additional address information", "Payment Method", "Weight(kg)", "Product Category",
    "Package ID", "Seller Note", "Checked Status", "Checked Marked by", "Request Tax Invoice",
    "Tax Info - Buyer Tax ID", "Tax Info - Type", "Tax Info - Full Name of Buyer",
    "Tax Info - Email", "Tax Info - Phone Number", "Tax Info - Registered Address",
    "Tax Info - Address Type",
]  # fmt: skip
# Indonesia: the address part and the extra fee columns.
ID_HEADER = [
    h for h in SKU_LIST_HEADER[: SKU_LIST_HEADER.index("Phone #") + 1]
] + [
    "Zipcode", "Country", "Province", "Regency and City", "Districts", "Villages",
    "Detail Address", "Additional address information", "Payment Method", "Weight(kg)",
    "Product Category", "Package ID", "Seller Note", "Buyer Service Fee", "Dynamic Commission",
    "Purchase Channel", "Tokopedia Invoice Number", "Handling Fee", "Shipping Insurance",
    "Item Insurance", "Distance Shipping Fee", "Distance Fee",
]  # fmt: skip


def regional_csv(header: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow(["Platform unique order ID."] + [""] * (len(header) - 1))
    for cells in rows:
        writer.writerow([cells.get(h, "") for h in header])
    return "\ufeff".encode() + out.getvalue().encode()


def stale_dimension(data: bytes) -> bytes:
    """An XLSX of the CSV `data` whose sheet declares `A1:A1`, as TikTok's files do."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return tiktok_xlsx(rows)


def tiktok_xlsx(rows: list[list], *, split_header: int = 0) -> bytes:
    """A workbook of `rows` (values kept as given: text, numbers, datetimes) written the way
    TikTok writes one: the sheet's dimension a stale `A1:A1` and, with `split_header`, the
    header row as several `<row r="1">` elements of `split_header` cells each."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    written, out = io.BytesIO(), io.BytesIO()
    book.save(written)
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:A1"', content)
                assert b'<dimension ref="A1:A1"' in content
                if split_header:
                    content = _split_first_row(content, split_header)
            target.writestr(item, content)
    return out.getvalue()


def _split_first_row(sheet: bytes, size: int) -> bytes:
    start = sheet.index(b'<row r="1"')
    end = sheet.index(b"</row>", start) + len(b"</row>")
    cells = re.findall(rb"<c .*?</c>", sheet[start:end])
    parts = [b"".join(cells[at : at + size]) for at in range(0, len(cells), size)]
    rows = b"".join(b'<row r="1">' + part + b"</row>" for part in parts)
    assert rows.count(b'<row r="1">') > 1
    return sheet[:start] + rows + sheet[end:]


def import_file(shop, data, **kwargs):
    """Import `data` into `shop` as a file named orders.csv."""
    from imports.services import import_tiktok_file

    return import_tiktok_file(shop=shop, source=data, name="orders.csv", **kwargs)
