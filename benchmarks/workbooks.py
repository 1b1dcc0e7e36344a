"""Generated workbooks for the reading benchmark and the bounds tests: a TikTok-like order
file, and hostile shapes (zip bombs of each kind, a lying zip directory).

Everything is streamed into the zip, so even a bomb that inflates to GBs is built in a few
MB of memory; nothing here is a committed binary.
"""

import random
import struct
import zipfile
from collections.abc import Iterable, Iterator
from itertools import chain
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
# The columns the importer requires (imports/read.py REQUIRED), as TikTok names them.
HEADER = (
    "Order ID",
    "Order Status",
    "SKU ID",
    "Product Name",
    "Quantity",
    "Created Time",
    "Order Amount",
)


def _parts(strings: bool) -> dict[str, str]:
    sst_type = f'<Override PartName="/{STRINGS}" ContentType="{_CT}.sharedStrings+xml"/>'
    sst_rel = f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    return {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/{SHEET}" ContentType="{_CT}.worksheet+xml"/>'
            f"{sst_type if strings else ''}</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="OrderSKUList" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f"{sst_rel if strings else ''}</Relationships>"
        ),
    }


def workbook(
    target, sheet: Iterable[bytes], strings: Iterable[bytes] | None = None, level: int = 6
) -> None:
    """Write an XLSX to `target` (a path or a binary file) whose first sheet's XML, and shared
    strings when given, are the chunks given, streamed through the compressor."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in _parts(strings is not None).items():
            archive.writestr(name, text)
        members = [(SHEET, sheet)] + ([(STRINGS, strings)] if strings is not None else [])
        for name, chunks in members:
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)


def text_cell(value: str) -> bytes:
    return f'<c t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'.encode()


def sheet_xml(rows: Iterable[Iterable[bytes]], *, dimension: str = "") -> Iterator[bytes]:
    """A sheet's XML from rows of cell elements, without `<dimension>` unless given."""
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    yield f'<worksheet xmlns="{MAIN}">{head}<sheetData>'.encode()
    for row in rows:
        yield b"<row>" + b"".join(row) + b"</row>"
    yield b"</sheetData></worksheet>"


def header_row(*extra: bytes) -> list[bytes]:
    return [text_cell(name) for name in HEADER] + list(extra)


def order_row(number: int) -> list[bytes]:
    order = str(576000000000000000 + number)
    return [text_cell(v) for v in (order, "Shipped", "1729001", "Hula hoop", "1", "", "9.99")]


def sheet_bomb(rows: int) -> Iterator[bytes]:
    """The same order row `rows` times and no `<dimension>`: 1.2 GB from 3.5 MB in the issue."""
    yield from open_sheet()
    row = b"<row>" + b"".join(order_row(1)) + b"</row>"
    for _ in range(rows // 1000):
        yield row * 1000
    yield row * (rows % 1000)
    yield b"</sheetData></worksheet>"


def open_sheet() -> Iterator[bytes]:
    yield f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    yield b"<row>" + b"".join(header_row()) + b"</row>"


def wide_row_bomb(cells: int, cell: bytes = b"<c/>") -> Iterator[bytes]:
    """A header row followed by `cells` more cells in the same row (the header check's bomb)."""
    yield f'<worksheet xmlns="{MAIN}"><sheetData><row>'.encode()
    yield b"".join(header_row())
    block = cell * 10_000
    for _ in range(cells // 10_000):
        yield block
    yield cell * (cells % 10_000)
    yield b"</row>" + b"<row>" + b"".join(order_row(1)) + b"</row></sheetData></worksheet>"


def shared_strings(values: Iterable[str]) -> Iterator[bytes]:
    yield f'<sst xmlns="{MAIN}">'.encode()
    for value in values:
        yield f"<si><t>{escape(value)}</t></si>".encode()
    yield b"</sst>"


def strings_sheet(count: int) -> Iterator[bytes]:
    """A small sheet whose one data row points into a table of `count` shared strings."""
    yield from open_sheet()
    yield b'<row><c t="s"><v>0</v></c>' + b"".join(order_row(1)[1:]) + b"</row>"
    yield f'<row><c t="s"><v>{count - 1}</v></c></row>'.encode()
    yield b"</sheetData></worksheet>"


def lie_about_size(data: bytes, name: str, declared: int) -> bytes:
    """The workbook `data` with `name`'s uncompressed size given as `declared` in both the
    local header and the central directory (its CRC and contents unchanged)."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = out.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", out, at + name_at - (2 if size_at == 22 else 18))[0]
            if out[at + name_at : at + name_at + length] == encoded:
                struct.pack_into("<I", out, at + size_at, declared)
                _patch_zip64(out, at, name_at, length, declared, central=size_at == 24)
            at = out.find(signature, at + 4)
    return bytes(out)


def _patch_zip64(out: bytearray, at: int, name_at: int, length: int, declared: int, *, central):
    """`force_zip64` members carry their sizes in a zip64 extra field too: patch it there."""
    extra_length_at = at + (30 if central else 28)
    extra_length = struct.unpack_from("<H", out, extra_length_at)[0]
    extra = at + name_at + length
    end = extra + extra_length
    while extra + 4 <= end:
        tag, size = struct.unpack_from("<HH", out, extra)
        if tag == 1:  # zip64: uncompressed size first
            struct.pack_into("<Q", out, extra + 4, declared)
            struct.pack_into("<I", out, at + (24 if central else 22), 0xFFFFFFFF)
            return
        extra += 4 + size


def tiktok_like(path, rows: int, *, shared: bool, seed: int = 1) -> None:
    """A TikTok-like "Order SKU list" workbook of `rows` rows in TikTok's 57 columns (1–3 lines
    per order, varied values), its text inline or, as Excel and TikTok write it, shared."""
    from openpyxl.utils import get_column_letter

    from exports.columns import TIKTOK_SKU_LIST

    header = TIKTOK_SKU_LIST.headers
    letters = [get_column_letter(n) for n in range(1, len(header) + 1)]
    index: dict[str, int] = {}

    def cell(ref: str, value: str) -> str:
        if not shared:
            return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
        return f'<c r="{ref}" t="s"><v>{index.setdefault(value, len(index))}</v></c>'

    def sheet() -> Iterator[bytes]:
        yield f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
        lines = chain([header, ["Platform unique order ID."]], _tiktok_values(rows, header, seed))
        for number, values in enumerate(lines, start=1):
            cells = "".join(
                cell(f"{letter}{number}", value)
                for letter, value in zip(letters, values, strict=False)
                if value
            )
            yield f'<row r="{number}">{cells}</row>'.encode()
        yield b"</sheetData></worksheet>"

    workbook(path, sheet(), shared_strings(index) if shared else None)


def _tiktok_values(rows: int, header, seed: int) -> Iterator[list[str]]:
    rnd = random.Random(seed)
    order, made = 576000000000000000, 0
    while made < rows:
        order += rnd.randint(1, 999)
        when = (
            f"{rnd.randint(1, 12):02d}/{rnd.randint(1, 28):02d}/2026 "
            f"{rnd.randint(1, 12):02d}:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d} PM\t"
        )
        order_cells = {
            "Order ID": f"{order}\t",
            "Order Status": "Shipped",
            "Order Substatus": "In transit",
            "Shipping Fee After Discount": "5.99",
            "Original Shipping Fee": "5.99",
            "Taxes": f"{rnd.randint(0, 20)}.50",
            "Order Amount": f"{rnd.randint(5, 300)}.49",
            "Order Refund Amount": "0",
            "Created Time": when,
            "Paid Time": when,
            "Shipped Time": when,
            "Fulfillment Type": "Fulfillment by seller",
            "Warehouse Name": "Main warehouse",
            "Tracking ID": f"9400{rnd.randint(10**17, 10**18)}",
            "Delivery Option": "Standard shipping",
            "Shipping Provider Name": "USPS",
            "Buyer Message": rnd.choice(("", "", "Gift wrap please")),
            "Buyer Username": f"b***{rnd.randint(1, 10**6)}",
            "Recipient": "M******* L****",
            "Phone #": "(+1)415****21",
            "Country": "United States",
            "State": "California",
            "City": rnd.choice(("Los Angeles", "San Diego", "Fresno", "Oakland", "Irvine")),
            "Zipcode": "900**",
            "Detail Address": f"{rnd.randint(1, 9999)} S*** St",
            "Payment Method": "Visa",
            "Package ID": f"{rnd.randint(10**17, 10**18)}",
        }
        for _ in range(min(rnd.choice((1, 1, 1, 2, 2, 3)), rows - made)):
            line = {
                "SKU ID": f"{1729000000000000000 + rnd.randint(1, 5000)}\t",
                "Seller SKU": f"SKU-{rnd.randint(1, 5000)}",
                "Product Name": f"Product {rnd.randint(1, 5000)} weighted hula hoop",
                "Variation": rnd.choice(("Pink", "Blue", "Black")),
                "Quantity": str(rnd.randint(1, 3)),
                "Sku Quantity of return": "0",
                "SKU Unit Original Price": f"{rnd.randint(1, 99)}.99",
                "SKU Subtotal Before Discount": f"{rnd.randint(1, 200)}.98",
                "SKU Platform Discount": "0",
                "SKU Seller Discount": "3.98",
                "SKU Subtotal After Discount": f"{rnd.randint(1, 200)}.00",
                "Product Category": "Sports",
            }
            yield [order_cells.get(name) or line.get(name, "") for name in header]
            made += 1
