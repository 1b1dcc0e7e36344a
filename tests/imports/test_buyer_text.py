"""Buyer-entered text is data: a buyer message, seller note, recipient, address line
or product name that looks like a spreadsheet formula imports verbatim, is a notice (not a bad
row) on the preview, is escaped on the order pages and neutralised in every export file."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils.html import escape
from markupsafe import escape as jinja_escape
from openpyxl import load_workbook

from exports.columns import CATALOGUE
from imports.models import ImportJob
from imports.services import import_tiktok_file
from orders.models import Order
from tests.exports.helpers import as_dicts, csv_rows, generate, make_job
from tests.imports.tiktok_files import ORDER, sku_csv, sku_row

pytestmark = pytest.mark.django_db

# What buyers and sellers typed, markup included: it must reach every page as text.
TYPED = {
    "Buyer Message": '=HYPERLINK("http://evil.test","<b>Track</b>")',
    "Seller Note": "@SUM(1+1)*cmd|' /C calc'!A0",
    "Recipient": "=cmd|'/C calc'!A0<img src=x onerror=alert(1)>",
    "Detail Address": "+IMPORTXML(CONCAT(1),2)",
    "Additional address information": "-SUM(1)<i>x</i>",
    "Product Name": '=IMAGE("http://evil.test/x.png")<u>',
}
FIELDS = {
    "Buyer Message": "buyer_message",
    "Seller Note": "seller_note",
    "Recipient": "recipient_name",
    "Detail Address": "address_line1",
    "Additional address information": "address_line2",
}


def _file() -> bytes:
    second = sku_row(**{**TYPED, "SKU ID": "1729000000000000002\t", "Product Name": "Yoga Mat"})
    return sku_csv(sku_row(**TYPED), second)


def _imported(shop) -> Order:
    report = import_tiktok_file(shop=shop, source=_file(), name="orders.csv")
    assert (report.created, list(report.errors)) == (1, [])
    return Order.objects.get(shop=shop, order_id=ORDER)


def test_formula_looking_text_is_stored_verbatim_and_noted(shop):
    report = import_tiktok_file(shop=shop, source=_file(), name="orders.csv")
    assert (report.created, report.skipped, list(report.errors)) == (1, 0, [])
    order = Order.objects.get(shop=shop)
    for header, name in FIELDS.items():
        assert getattr(order, name) == TYPED[header]
    assert order.lines.get(sku_id="1729000000000000001").product_name == TYPED["Product Name"]
    # The order's cells noted once (its first row), the product name on the row it is on.
    noted = {(notice.row, notice.column, notice.value) for notice in report.notices}
    assert noted == {
        (3, "Product Name", TYPED["Product Name"]),
        (3, "Buyer Message", TYPED["Buyer Message"]),
        (3, "Recipient", TYPED["Recipient"]),
        (3, "Seller Note", TYPED["Seller Note"]),
        (3, "Detail Address", TYPED["Detail Address"]),
        (3, "Additional Address Information", TYPED["Additional address information"]),
    }
    assert report.notice_count == 6


def test_the_preview_shows_a_notice_not_a_bad_row_and_the_file_imports(client, admin, shop):
    client.force_login(admin)
    upload = SimpleUploadedFile("orders.csv", _file(), content_type="text/csv")
    response = client.post("/orders/import/", {"shop": shop.slug, "file": upload})
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Notices" in page and "6 cells begin with = + - or @ and are kept as typed" in page
    assert "Bad rows" not in page and "Leave out the orders" not in page
    for value in TYPED.values():
        assert escape(value) in page
    assert "<b>Track</b>" not in page and "<img src=x" not in page
    assert (job.report["skipped"], job.report["error_count"]) == (0, 0)
    assert client.post(f"/orders/import/{job.pk}/apply/").status_code == 302
    assert Order.objects.get().buyer_message == TYPED["Buyer Message"]


def test_the_command_says_how_many_cells_look_like_formulas(shop, tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_bytes(_file())
    call_command("import_tiktok_orders", str(path), "--shop", shop.slug)
    assert "6 cells begin with = + - or @ and are kept as typed" in capsys.readouterr().out
    assert Order.objects.get().seller_note == TYPED["Seller Note"]


def test_text_beginning_with_plus_minus_or_at_is_noted_too(client, admin, shop):
    """Text beginning with + - or @, not only =, is noted: what the notice lists is what exports
    write behind a '."""
    typed = {"Seller Note": "+ gift wrap", "Recipient": "@Mikayla", "Buyer Message": "-hurry"}
    source = sku_csv(sku_row(**typed, **{"Phone #": "+44 7700 900123"}))
    report = import_tiktok_file(shop=shop, source=source, name="orders.csv", dry_run=True)
    noted = {(notice.column, notice.value) for notice in report.notices}
    assert noted == {(column, value) for column, value in typed.items()}  # not the phone
    client.force_login(admin)
    upload = SimpleUploadedFile("orders.csv", source, content_type="text/csv")
    response = client.post("/orders/import/", {"shop": shop.slug, "file": upload})
    text = client.get(response["Location"]).content.decode()
    assert "3 cells begin with = + - or @ and are kept as typed; exports write them behind" in text
    assert "so spreadsheets show them as text." in text and "@Mikayla" in text


def test_the_order_pages_show_it_as_text(client, admin, shop):
    order = _imported(shop)
    client.force_login(admin)
    listing = client.get("/orders/", {"shop": shop.slug}).content.decode()
    detail = client.get(f"/orders/{order.order_id}/").content.decode()
    # The list's rows are a Jinja2 template (MarkupSafe writes ' as &#39;, Django as &#x27;).
    assert jinja_escape(TYPED["Recipient"]) in listing
    assert jinja_escape(TYPED["Product Name"]) in listing
    for value in TYPED.values():
        assert escape(value) in detail
    for page in (listing, detail):
        assert "<img src=x" not in page and "<b>Track</b>" not in page and "<u>" not in page
        assert "<i>x</i>" not in page


TEXT_KEYS = ("buyer_message", "seller_note", "recipient_name", "address_line1", "address_line2")
CUSTOM = [{"key": key, "label": CATALOGUE[key].label} for key in (*TEXT_KEYS, "product_name")]


@pytest.mark.parametrize(
    "template, columns, use_copy",
    [
        ("tiktok_sku_list", [], True),  # PostgreSQL COPY writes the cells in SQL
        ("tiktok_sku_list", [], False),
        ("orders", [], False),
        ("custom", CUSTOM, False),
    ],
)
def test_every_csv_export_neutralises_it(admin, shop, tmp_path, template, columns, use_copy):
    _imported(shop)
    job = make_job(admin, [shop], format="csv", template=template, columns=columns)
    _, path = generate(job, tmp_path, use_copy=use_copy)
    data = path.read_bytes()
    rows = as_dicts(csv_rows(data))
    cells = [value for row in rows for value in row.values()]
    written = [value for value in TYPED.values() if "'" + value in cells]
    assert written, "the template carries some of the typed text"
    for value in TYPED.values():
        assert value not in cells  # never as it was typed: always behind the quote
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)
    expected = {
        "tiktok_sku_list": set(TYPED),
        "orders": {"Recipient"},
        "custom": set(TYPED),
    }[template]
    assert {header for header, value in TYPED.items() if "'" + value in cells} == expected
    if "Buyer Message" in expected:  # the bytes themselves: quoted text, quote first
        assert b'"\'=HYPERLINK(""http://evil.test"",""<b>Track</b>"")"' in data


@pytest.mark.parametrize(
    "template, columns",
    [("tiktok_sku_list", []), ("orders", []), ("custom", CUSTOM)],
)
def test_every_xlsx_export_neutralises_it(admin, shop, tmp_path, template, columns):
    _imported(shop)
    job = make_job(admin, [shop], format="xlsx", template=template, columns=columns)
    _, path = generate(job, tmp_path)
    with zipfile.ZipFile(path) as book:
        sheets = [book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and all(b"<f>" not in sheet and b"<f " not in sheet for sheet in sheets)
    workbook = load_workbook(io.BytesIO(path.read_bytes()))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    for value in TYPED.values():
        assert value not in texts
    neutralised = [cell for cell in cells if cell.value in {"'" + v for v in TYPED.values()}]
    assert neutralised and all(cell.data_type == "s" for cell in neutralised)
    expected = 1 if template == "orders" else len(TYPED)
    assert len({cell.value for cell in neutralised}) == expected
