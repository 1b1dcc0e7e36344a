"""django-import-export in Django admin: who may use it, neutralised cells, the row cap."""

import pytest

from accounts.models import AuditAction, AuditEvent
from imports import resources
from imports.resources import OrderResource
from orders.models import Order
from tests.orders.factories import OrderFactory

# import-export's own admin templates use variables they do not always pass.
pytestmark = [pytest.mark.django_db, pytest.mark.ignore_template_errors]
EXPORT = "/admin/orders/order/export/"
IMPORT = "/admin/orders/order/import/"


def _export_form(**extra) -> dict:
    """Format 0 (CSV) with every field of the resource ticked, as the admin form posts it."""
    ticked = {f"orderresource_{name}": "on" for name in OrderResource._meta.fields}
    return {"format": "0", "resource": "0", **ticked, **extra}


def test_shop_administrators_cannot_use_admin_import_or_export(client, admin):
    client.force_login(admin)  # staff, but without the model permissions
    for url in (EXPORT, IMPORT):
        assert client.get(url).status_code in (302, 403)


def test_superuser_exports_a_csv_with_neutralised_text(client, superuser, shop):
    OrderFactory(shop=shop, seller_note="=HYPERLINK(1)")
    client.force_login(superuser)
    response = client.post(EXPORT, _export_form())
    body = response.content.decode()
    assert response.status_code == 200, body[:500]
    assert "'=HYPERLINK(1)" in body and "seller_note" in body
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT_CREATED, actor=superuser).exists()


def test_the_admin_export_is_capped(client, superuser, shop, monkeypatch):
    OrderFactory.create_batch(2, shop=shop)
    monkeypatch.setattr(resources, "ADMIN_EXPORT_MAX_ROWS", 1)
    monkeypatch.setattr("imports.admin.ADMIN_EXPORT_MAX_ROWS", 1)
    client.force_login(superuser)
    response = client.post(EXPORT, _export_form(), follow=True)
    assert "More than 1 orders" in response.content.decode()


def test_superuser_imports_with_a_dry_run_first(client, superuser, shop):
    order = OrderFactory(shop=shop, seller_note="old")
    client.force_login(superuser)
    header = "shop,order_id,seller_note\n"
    good = f"{header}{shop.slug},{order.order_id},packed twice\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("orders.csv", good, content_type="text/csv")
    confirm = client.post(IMPORT, {"import_file": upload, "format": "0", "resource": "0"})
    assert confirm.status_code == 200
    assert Order.objects.get(pk=order.pk).seller_note == "old"  # dry run changes nothing


def _admin_format(name: str) -> str:
    """The admin import form's value for a format (its position in import-export's list)."""
    from django.contrib.admin.sites import site

    formats = site._registry[Order].get_import_formats()
    return str([f.__name__ for f in formats].index(name))


def _tiktok_upload(client, shop, data: bytes, name="orders.csv", file_format="CSV", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, data)
    form = {"import_file": upload, "format": _admin_format(file_format), "resource": "1"}
    return client.post(IMPORT, {**form, "shop": shop.slug if shop else "", **extra})


def _xlsx(data: bytes) -> bytes:
    import csv
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("file_format", ["CSV", "XLSX"])
def test_superuser_imports_a_tiktok_file_through_admin(client, superuser, shop, file_format):
    from tests.imports.tiktok_files import sku_csv as _csv
    from tests.imports.tiktok_files import sku_row as _row

    data = _csv(_row(), _row(**{"SKU ID": "1729000000000000002\t", "Seller SKU": "MAT-9"}))
    if file_format == "XLSX":
        data = _xlsx(data)
    client.force_login(superuser)
    preview = _tiktok_upload(
        client, shop, data, name=f"orders.{file_format.lower()}", file_format=file_format
    )
    page = preview.content.decode()
    assert preview.status_code == 200 and "576123400000000001" in page and "created" in page
    assert not Order.objects.exists()  # the preview is a dry run
    confirm = preview.context["confirm_form"]
    done = client.post(
        "/admin/orders/order/process_import/",
        {name: confirm.initial.get(name, "") for name in confirm.fields},
    )
    assert done.status_code == 302
    order = Order.objects.get(shop=shop)
    assert order.lines.count() == 2  # two rows, one order
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, shop=shop).count() == 1


def test_admin_tiktok_import_shows_bad_rows_and_offers_no_confirmation(client, superuser, shop):
    from tests.imports.tiktok_files import sku_csv as _csv
    from tests.imports.tiktok_files import sku_row as _row

    client.force_login(superuser)
    bad = _tiktok_upload(client, shop, _csv(_row(**{"Quantity": "-1"})))
    page = bad.content.decode()
    assert "Some rows failed to validate" in page and "is not a whole number" in page
    assert "confirm_form" not in bad.context or bad.context["confirm_form"] is None
    no_shop = _tiktok_upload(client, None, _csv(_row()))
    assert "Choose the shop to import into." in no_shop.content.decode()
    wrong = _tiktok_upload(client, shop, b"Order,Thing\n1,2\n")
    assert "These TikTok columns are missing" in wrong.content.decode()
    assert not Order.objects.exists()


def _confirm_and_import(client, preview):
    confirm = preview.context["confirm_form"]
    return client.post(
        "/admin/orders/order/process_import/",
        {name: confirm.initial.get(name, "") for name in confirm.fields},
    )


def test_admin_import_says_which_cells_look_like_formulas_and_keeps_them(client, superuser, shop):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    order = OrderFactory(shop=shop, seller_note="old", recipient_name="Ann")
    typed = {"seller_note": '=HYPERLINK("http://evil.test","<b>Track</b>")', "city": "- back door"}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["shop", "order_id", "recipient_name", "seller_note", "city"])
    writer.writerow([shop.slug, order.order_id, "+SUM(1)<i>x</i>", *typed.values()])
    upload = SimpleUploadedFile("orders.csv", out.getvalue().encode(), content_type="text/csv")
    client.force_login(superuser)
    preview = client.post(IMPORT, {"import_file": upload, "format": "0", "resource": "0"})
    page = preview.content.decode()
    assert preview.status_code == 200 and preview.context["confirm_form"] is not None
    # Row 2 of the file (the header is row 1), each column named, the text escaped.
    # The file importer's rule and words: text beginning with = + - or @ is noted.
    assert "3 cells begin with = + - or @ and are kept as typed" in page
    cells = "row 2, recipient_name: +SUM(1)&lt;i&gt;x&lt;/i&gt;; row 2, seller_note: =HYPERLINK("
    assert cells in page and "row 2, city: - back door" in page
    assert "<b>Track" not in page
    assert _confirm_and_import(client, preview).status_code == 302
    order.refresh_from_db()
    assert (order.recipient_name, order.seller_note) == ("+SUM(1)<i>x</i>", typed["seller_note"])


def test_admin_tiktok_import_lists_its_notices_on_the_confirm_page(client, superuser, shop):
    from tests.imports.tiktok_files import sku_csv as _csv
    from tests.imports.tiktok_files import sku_row as _row

    typed = '=HYPERLINK("http://evil.test","<b>Track</b>")'
    client.force_login(superuser)
    preview = _tiktok_upload(client, shop, _csv(_row(**{"Buyer Message": typed})))
    page = preview.content.decode()
    assert preview.context["confirm_form"] is not None
    assert "1 cell begins with = + - or @ and is kept as typed" in page
    assert "row 3, Buyer Message: =HYPERLINK(&quot;http://evil.test&quot;" in page
    assert _confirm_and_import(client, preview).status_code == 302
    assert Order.objects.get(shop=shop).buyer_message == typed


def test_admin_import_without_such_text_says_nothing_about_it(client, superuser, shop):
    from tests.imports.tiktok_files import sku_csv as _csv
    from tests.imports.tiktok_files import sku_row as _row

    client.force_login(superuser)
    preview = _tiktok_upload(client, shop, _csv(_row(**{"Buyer Message": "Leave at the door"})))
    assert "begin with = + - or @" not in preview.content.decode()
    assert "begins with = + - or @" not in preview.content.decode()


def test_the_admin_preview_marks_changes_without_inline_styles(client, superuser, shop):
    """The content security policy refuses style attributes: the diff is <del> and <ins>
    alone (coloured by the admin stylesheet), the buyer's text escaped inside them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = OrderFactory(shop=shop, seller_note="old")
    data = f"shop,order_id,seller_note\n{shop.slug},{order.order_id},<b>new</b>\n".encode()
    client.force_login(superuser)
    upload = SimpleUploadedFile("orders.csv", data, content_type="text/csv")
    page = client.post(IMPORT, {"import_file": upload, "format": "0", "resource": "0"})
    html = page.content.decode()
    assert "<del>old</del><ins>&lt;b&gt;new&lt;/b&gt;</ins>" in html
    assert "style=" not in html[html.index("import-preview") :]
    assert "css/admin.css" in html
